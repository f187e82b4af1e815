#!/usr/bin/env bash
# The cluster's tests (issue 13) on one local cluster (scripts/cluster.sh: three silos on Azurite behind
# nginx), in the order given (default: split failover):
#   split     a JBDA-style attack over 10 keys spread over the silos is caught by the tenant's one grain
#             (scripts/split_attack_cluster.py);
#   failover  steady load with a JBDA-style attacker; kill -9 the silo hosting the most client grains,
#             then restart it (scripts/failover_load.py).
# Needs the Release build (the silo and the `mirage` command). Exit 1 when any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${CLUSTER_PORT:-8090}
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(split failover)
# The test tenants (lab: the failover's attacker candidates; split: the split attack's keys) and a 1 s
# detector cadence, on top of config/cluster.json.
eval "$(python3 scripts/cluster_probe.py env)"
bash scripts/cluster.sh up
trap 'bash scripts/cluster.sh down >/dev/null 2>&1 || true' EXIT
common=(--url "http://127.0.0.1:$port" --gateways 127.0.0.1:30021 127.0.0.1:30022 127.0.0.1:30023
        --mirage "dotnet src/Client/bin/Release/net10.0/mirage.dll")
status=0
for test in "${tests[@]}"; do
  case "$test" in
    split) python3 scripts/split_attack_cluster.py "${common[@]}" || status=1 ;;
    failover) python3 scripts/failover_load.py "${common[@]}" \
      --kill "bash scripts/cluster.sh kill-silo {n}" --restart "bash scripts/cluster.sh start-silo {n}" || status=1 ;;
    *) echo "usage: $0 [split] [failover]" >&2; exit 2 ;;
  esac
done
exit $status
