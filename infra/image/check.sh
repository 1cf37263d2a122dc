#!/usr/bin/env bash
# Checks the Dockerfile without a Docker daemon: lints it, runs its build stage's COPY and RUN steps in a scratch folder
# (so a file the build needs but the Dockerfile forgets fails here), then runs the published app the way the runtime
# stage does — as uid 1654 with only /data and /tmp writable — through the operator verbs, a start, /healthz, /readyz and
# the HEALTHCHECK command.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

echo "== lint (dockerfile-utils)"
npm install --prefix "$work/lint" --no-audit --no-fund --silent dockerfile-utils@0.16.3 >/dev/null
"$work/lint/node_modules/.bin/dockerfile-utils" lint "$repo/Dockerfile"

echo "== build stage, emulated"
python3 - "$repo" "$work" <<'PY'
import os, re, shutil, subprocess, sys
repo, work = sys.argv[1], sys.argv[2]
lines = open(os.path.join(repo, "Dockerfile")).read().replace("\\\n", " ").splitlines()
stages, current = {}, None
for line in lines:
    line = line.strip()
    if m := re.match(r"FROM\s+\S+\s+AS\s+(\w+)", line, re.I):
        current = m.group(1); stages[current] = []
    elif current and line and not line.startswith("#"):
        stages[current].append(line)
src = os.path.join(work, "src-context"); os.makedirs(src)
workdir = src
for step in stages["build"]:
    op, _, rest = step.partition(" ")
    if op == "WORKDIR":
        continue
    if op == "COPY":
        *sources, dest = rest.split()
        for source in sources:
            path = os.path.join(repo, source)
            if not os.path.exists(path):
                sys.exit(f"COPY {source}: not in the repository")
            target = os.path.join(src, dest, os.path.basename(source.rstrip("/"))) if dest.endswith("/") and not source.endswith("/") else os.path.join(src, dest)
            if os.path.isdir(path):
                shutil.copytree(path, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("bin", "obj"))
            else:
                os.makedirs(os.path.dirname(target), exist_ok=True); shutil.copy2(path, target)
    elif op == "RUN":
        command = rest.replace("--output /app", "--output " + os.path.join(work, "app"))
        print("RUN", command, flush=True)
        subprocess.run(command, shell=True, cwd=workdir, check=True, stdout=subprocess.DEVNULL)
    else:
        sys.exit(f"unexpected build step: {step}")
env = {}
for step in stages["runtime"]:
    if step.startswith("ENV "):
        for key, value in re.findall(r'(\w+)=("[^"]*"|\S+)', step[4:]):
            env[key] = value.strip('"')
with open(os.path.join(work, "runtime.env"), "w") as f:
    for key, value in env.items():
        f.write(f"export {key}='{value}'\n")
PY

echo "== runtime, as uid 1654 with /data and /tmp writable"
app="$work/app"
data="$work/data"; mkdir -p "$data" "$work/tmp"
chmod -R a+rX,go-w "$work" && chown 1654:1654 "$data" "$work/tmp"
# shellcheck disable=SC1091
source "$work/runtime.env"
export ConnectionStrings__K8Posture="Data Source=$data/k8posture.db" TMPDIR="$work/tmp" HOME="$work/tmp"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export ASPNETCORE_HTTP_PORTS="$port" DataProtection__AllowUnprotectedKeys=true AzureAd__TenantId=00000000-0000-0000-0000-000000000001 \
  AzureAd__ClientId=00000000-0000-0000-0000-000000000002 Security__RequireHttps=false
as_app() { setpriv --reuid=1654 --regid=1654 --clear-groups -- "$@"; }
(cd "$app" && as_app dotnet K8Posture.dll migrate 2>>"$work/verbs.log")
key="$(cd "$app" && as_app dotnet K8Posture.dll api-key create --name image-check --scopes ingest 2>>"$work/verbs.log")"
[[ "$key" == k8p_* ]] || { echo "api-key create printed '$key'"; exit 1; }
# exec: $server is the app's own pid, so the trap stops the app and not only a subshell.
(cd "$app" && exec setpriv --reuid=1654 --regid=1654 --clear-groups -- dotnet K8Posture.dll >"$work/server.log" 2>&1) & server=$!
for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 1; done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$work/server.log"; exit 1; }
curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || { grep -v "\"LogLevel\":\"Information\"" "$work/server.log" | tail -20; exit 1; }
(cd "$app" && as_app dotnet K8Posture.dll healthcheck)
if find "$app" -newer "$work/runtime.env" -type f | grep -q .; then echo "the app wrote into its own folder"; exit 1; fi
echo "image check: lint clean, build stage published, verbs, /healthz, /readyz and HEALTHCHECK answered as uid 1654"
