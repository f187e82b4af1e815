#!/usr/bin/env bash
# The cluster's failure test (issue 13): three silos on Azurite behind nginx (scripts/cluster.sh) under
# steady load from benign clients and a JBDA-style attacker; kill -9 the silo hosting the most client
# grains, then restart it (scripts/failover_load.py says what is checked). Needs the Release build
# (the silo and the `mirage` command).
set -euo pipefail
cd "$(dirname "$0")/.."
port=${CLUSTER_PORT:-8090}
# The test tenants (lab: the attacker's candidates; split: the split-attack test) and a 1 s detector cadence.
eval "$(python3 scripts/cluster_probe.py env)"
bash scripts/cluster.sh up
trap 'bash scripts/cluster.sh down >/dev/null 2>&1 || true' EXIT
/usr/bin/env python3 scripts/failover_load.py --url "http://127.0.0.1:$port" \
  --kill "bash scripts/cluster.sh kill-silo {n}" --restart "bash scripts/cluster.sh start-silo {n}" \
  --gateways 127.0.0.1:30021 127.0.0.1:30022 127.0.0.1:30023 \
  --mirage "dotnet src/Client/bin/Release/net10.0/mirage.dll"
