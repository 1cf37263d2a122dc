#!/usr/bin/env bash
# Compiles and lints the Azure Bicep with the Bicep CLI from NuGet; fails on any error or warning.
set -euo pipefail
cd "$(dirname "$0")"
BICEP_VERSION=0.49.2
BICEP_PACKAGE=azure.bicep.commandline.linux-x64

# The CLI ships as a NuGet package: a throwaway project outside the repository (so none of its
# Directory.*.props apply) downloads it into the NuGet global packages folder.
packages_root="$(dotnet nuget locals global-packages --list --force-english-output | sed -E 's/^global-packages: //')"
bicep="${packages_root%/}/${BICEP_PACKAGE}/${BICEP_VERSION}/tools/bicep"
if [[ ! -x "$bicep" ]]; then
  restore_dir="$(mktemp -d)"
  trap 'rm -rf "$restore_dir"' EXIT
  cat >"$restore_dir/bicep-download.csproj" <<PROJECT
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="Azure.Bicep.CommandLine.linux-x64" Version="[${BICEP_VERSION}]" /></ItemGroup>
</Project>
PROJECT
  dotnet restore "$restore_dir/bicep-download.csproj" --verbosity quiet
  chmod +x "$bicep"
fi
"$bicep" --version

out_dir="$(mktemp -d)"
failures=0
run() {
  local log="$out_dir/log.txt"
  # Bicep writes diagnostics to stderr as "path(line,col) : Error|Warning|Info code: message".
  if ! "$bicep" "$@" >"$log" 2>&1; then
    failures=$((failures + 1))
  fi
  cat "$log"
  if grep -Eq ': (Error|Warning) ' "$log"; then
    failures=$((failures + 1))
  fi
}

run build main.bicep --outfile "$out_dir/main.json"
run lint main.bicep
# The parameter files read tenant ids from the environment; the check stands in all-zero ids.
zero_id=00000000-0000-0000-0000-000000000000
export K8P_ENTRA_CLIENT_ID="${K8P_ENTRA_CLIENT_ID:-$zero_id}" K8P_ADMIN_GROUP_OBJECT_ID="${K8P_ADMIN_GROUP_OBJECT_ID:-$zero_id}"
export K8P_APPSERVICE_RP_OBJECT_ID="${K8P_APPSERVICE_RP_OBJECT_ID:-$zero_id}" K8P_ADMIN_GROUP_NAME="${K8P_ADMIN_GROUP_NAME:-k8posture-admins}"
shopt -s nullglob
for params in *.bicepparam; do
  run build-params "$params" --outfile "$out_dir/${params%.bicepparam}.json"
done
rm -rf "$out_dir"

if (( failures > 0 )); then
  echo "Bicep check: $failures step(s) with errors or warnings" >&2
  exit 1
fi
echo "Bicep check: main.bicep and $(ls *.bicepparam | wc -l) parameter files build and lint with no errors or warnings"
