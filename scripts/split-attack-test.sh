#!/usr/bin/env bash
# An attack split across silos (issue 13, item 7): a JBDA-style stream over 10 keys of one tenant, which
# nginx spreads over the three silos of scripts/cluster.sh, is caught by the tenant's one grain
# (scripts/split_attack_cluster.py says what is checked). Needs the Release build.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${CLUSTER_PORT:-8090}
eval "$(python3 scripts/cluster_probe.py env)"
bash scripts/cluster.sh up
trap 'bash scripts/cluster.sh down >/dev/null 2>&1 || true' EXIT
/usr/bin/env python3 scripts/split_attack_cluster.py --url "http://127.0.0.1:$port" \
  --gateways 127.0.0.1:30021 127.0.0.1:30022 127.0.0.1:30023 \
  --mirage "dotnet src/Client/bin/Release/net10.0/mirage.dll"
