#!/usr/bin/env bash
# The test command: installs Debian's Chromium for the browser tests and the local OpenID Connect provider's npm
# packages when they are missing, runs every test project of K8Posture.sln, and ends with
# "Tests: N passed, N failed" counted from the TRX results.
set -uo pipefail
cd "$(dirname "$0")/.."

# Installs the first Debian package of a list that provides a missing command.
install_missing() {
  local command="$1" why="$2"; shift 2
  command -v "$command" >/dev/null 2>&1 && return 0
  echo "Installing Debian's $1 ($why)..."
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  for package in "$@"; do
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null 2>&1 && return 0
  done
  echo "Could not install $command; the tests that need it will fail." >&2
}
install_missing chromium "for the browser tests" chromium
# The executive report tests read the PDF back with poppler (text and a rendered page).
install_missing pdftotext "for the PDF tests" poppler-utils
install_missing pdftoppm "for the PDF tests" poppler-utils
# Our own deployment is rendered with kubectl kustomize and judged by our own policy.
install_missing kubectl "for the deployment manifest tests" kubectl kubernetes-client

if [ ! -d tests/oidc-provider/node_modules/oidc-provider ]; then
  # The Entra ID tests start a local OpenID Connect provider (npm oidc-provider, pinned by its package-lock.json).
  echo "Installing the local OpenID Connect provider for the Entra ID tests..."
  npm ci --prefix tests/oidc-provider --no-audit --no-fund >/dev/null
fi

results="TestResults"
rm -rf "$results"
dotnet test K8Posture.sln --configuration "${CONFIGURATION:-Debug}" --logger "trx" --results-directory "$results" "$@"
status=$?

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")
  x=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0}))
  skipped=$((skipped + ${t:-0} - ${x:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The run failed before any test could report (build error, crashed test host): count that as a failure.
  failed=1
fi
echo "Tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
