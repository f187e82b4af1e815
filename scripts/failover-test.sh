#!/usr/bin/env bash
# The cluster's failure test (issue: durable grains and a real cluster). With the local cluster under
# steady load from several clients through nginx, kill -9 one silo; requests keep succeeding (nginx
# retries on the next silo of the ring), the killed silo's clients continue elsewhere with their counts
# intact up to the write cadence; restart the silo and check that no client's count went down.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${CLUSTER_PORT:-8090}
bash scripts/cluster.sh up
trap 'bash scripts/cluster.sh down >/dev/null 2>&1 || true' EXIT
/usr/bin/env python3 scripts/failover_load.py --url "http://127.0.0.1:$port" \
  --kill "bash scripts/cluster.sh kill-silo 2" --restart "bash scripts/cluster.sh start-silo 2"
