#!/usr/bin/env bash
# Builds what the service needs, on a fresh Debian machine with the .NET SDK: NuGet restore brings
# everything, ONNX Runtime included (Microsoft.ML.OnnxRuntime.Gpu for the silo).
# Idempotent: a second run only rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

dotnet build src/Silo/Mirage.Silo.csproj -c Release --nologo -v quiet -clp:ErrorsOnly
