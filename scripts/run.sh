#!/usr/bin/env bash
# Runs one silo on the embedded default (SQLite, config/demo.json) at http://127.0.0.1:8080.
# Arguments go to the silo: --urls http://127.0.0.1:9000, --config path/to/config.json, --Mirage:...=...
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh >&2
exec dotnet src/Silo/bin/Release/net10.0/Mirage.Silo.dll "$@"
