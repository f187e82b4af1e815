#!/usr/bin/env bash
# Builds what the service needs, on a fresh Debian machine with the .NET SDK and Node: the operators'
# console (src/Console: npm ci, then its build into src/Silo/console), then the silo (NuGet restore
# brings everything, ONNX Runtime included: Microsoft.ML.OnnxRuntime.Gpu for the silo). Chromium comes
# from Debian for the console's browser test (never a downloaded browser).
# Idempotent: a second run only rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "setup: /usr/bin/chromium is missing (the console's browser test needs it): apt-get install chromium as root" >&2
  fi
fi

# The console's packages exactly as package-lock.json pins them; reinstalled only when the lock changed.
if ! cmp -s src/Console/package-lock.json src/Console/node_modules/.installed-lock.json; then
  (cd src/Console && npm ci --no-audit --no-fund --loglevel=error && cp package-lock.json node_modules/.installed-lock.json)
fi
(cd src/Console && npm run --silent build >/dev/null)

dotnet build src/Silo/Mirage.Silo.csproj -c Release --nologo -v quiet -clp:ErrorsOnly
