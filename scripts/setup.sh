#!/usr/bin/env bash
# Installs and builds what the service needs, on a fresh Debian machine with the .NET SDK and npm.
# Idempotent: a second run only rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/fetch-onnxruntime.sh
dotnet build src/Silo/Mirage.Silo.csproj -c Release --nologo -v quiet -clp:ErrorsOnly
