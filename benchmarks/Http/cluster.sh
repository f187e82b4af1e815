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

per_silo() { # the share of requests each silo served since the last call
  local n now shares=""
  for n in $(seq "$1"); do
    now=$(requests_total "http://127.0.0.1:808$n")
    shares+="${shares:+ / }$(( ${now%.*} - ${seen[$n]:-0} ))"
    seen[$n]=${now%.*}
  done
  echo "$shares"
}

echo "| silos | batch | connections | requests/s | images/s | p50 | p99 | requests per silo |"
echo "|---|---|---|---|---|---|---|---|"
for silos in 1 3; do
  CLUSTER_SILOS=$silos bash scripts/cluster.sh up >&2
  declare -A seen=()
  per_silo "$silos" >/dev/null
  for scenario in "1 32" "64 4"; do
    read -r batch connections <<<"$scenario"
    wrk_measure "$batch" "$connections" 4 "http://127.0.0.1:$port"
    printf '| %s | %s | %s | %s | %.0f | %s | %s | %s |\n' "$silos" "$batch" "$connections" "$rps" \
      "$(echo "$rps * $batch" | bc -l)" "$p50" "$p99" "$(per_silo "$silos")"
  done
  bash scripts/cluster.sh down >&2
  unset seen
done
