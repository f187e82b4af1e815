#!/usr/bin/env bash
# Throughput of 1 and 3 local silos behind nginx (scripts/cluster.sh: PostgreSQL, consistent hashing
# on the client key), driven by wrk through nginx with four client keys, one per wrk thread.
# Usage: bash benchmarks/Http/cluster.sh [seconds per scenario, default 15]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-15}
port=${CLUSTER_PORT:-8090}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
bash scripts/setup.sh >&2
/usr/bin/env python3 benchmarks/Http/make-bodies.py
source benchmarks/Http/common.sh
trap 'bash scripts/cluster.sh down >/dev/null 2>&1 || true' EXIT
export KEYS=demo-client-1,demo-client-2,demo-client-3,acme-client-1

totals() { # each silo's predict requests so far, space-separated
  local n
  for n in $(seq "$1"); do requests_total "http://127.0.0.1:808$n"; done | awk '{printf "%d ", $1}'
}

shares() { # what each silo served between two totals() readings
  paste -d' ' <(tr ' ' '\n' <<<"$1" | sed '/^$/d') <(tr ' ' '\n' <<<"$2" | sed '/^$/d') | awk '{printf "%s%d", (NR > 1 ? " / " : ""), $2 - $1}'
}

echo "| silos | batch | connections | requests/s | images/s | p50 | p99 | requests per silo |"
echo "|---|---|---|---|---|---|---|---|"
for silos in 1 3; do
  CLUSTER_SILOS=$silos bash scripts/cluster.sh up >&2
  for scenario in "1 32" "64 4"; do
    read -r batch connections <<<"$scenario"
    before=$(totals "$silos")
    wrk_measure "$batch" "$connections" 4 "http://127.0.0.1:$port"
    printf '| %s | %s | %s | %s | %.0f | %s | %s | %s |\n' "$silos" "$batch" "$connections" "$rps" \
      "$(echo "$rps * $batch" | bc -l)" "$p50" "$p99" "$(shares "$before" "$(totals "$silos")")"
  done
  bash scripts/cluster.sh down >&2
done
