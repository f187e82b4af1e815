#!/usr/bin/env bash
# HTTP throughput and latency of the predict path, measured with wrk (Debian's package) against a
# silo started here on 127.0.0.1:8089. Scenarios: batch 1 with 1 connection (latency), batch 1 with
# 32 connections (dynamic batching merges them), the same with batching off, and larger batches.
# Usage: bash benchmarks/Http/run.sh [seconds per scenario, default 15] [extra silo arguments...]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-15}
shift || true
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
bash scripts/setup.sh >&2
/usr/bin/env python3 benchmarks/Http/make-bodies.py

run_silo() {
  dotnet src/Silo/bin/Release/net10.0/Mirage.Silo.dll --urls http://127.0.0.1:8089 "$@" >/tmp/mirage-bench-silo.log 2>&1 &
  silo=$!
  for _ in $(seq 100); do curl -fs http://127.0.0.1:8089/readyz >/dev/null 2>&1 && return; sleep 0.2; done
  echo "silo did not start; see /tmp/mirage-bench-silo.log" >&2; exit 1
}

scenario() { # name batch connections
  local out
  local threads=$(( $3 < 2 ? 1 : 2 ))
  out=$(BATCH=$2 wrk -t"$threads" -c"$3" -d"${duration}s" -s benchmarks/Http/predict.lua --latency http://127.0.0.1:8089)
  local rps p50 p99 runs requests
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  runs=$(curl -fs http://127.0.0.1:8089/metrics | awk '/^mirage_inference_runs_total/ {print $2}')
  requests=$(curl -fs http://127.0.0.1:8089/metrics | awk '/^mirage_inference_requests_total/ {print $2}')
  printf '| %s | %s | %s | %s | %.0f | %s | %s | %s |\n' "$1" "$2" "$3" "$rps" "$(echo "$rps * $2" | bc -l)" "$p50" "$p99" \
    "$(echo "scale=1; $requests / $runs" | bc -l)"
}

echo "| scenario | batch | connections | requests/s | images/s | p50 | p99 | requests per model run (cumulative) |"
echo "|---|---|---|---|---|---|---|---|"
run_silo "$@"
scenario "latency, one caller" 1 1
scenario "dynamic batching, 32 callers" 1 32
scenario "batch 64, 4 callers" 64 4
scenario "batch 256, 2 callers" 256 2
kill $silo; wait $silo 2>/dev/null || true
run_silo --Mirage:Inference:MaxBatchSize=1 "$@"
scenario "batching off (MaxBatchSize=1), 32 callers" 1 32
kill $silo; wait $silo 2>/dev/null || true

# The cost of the defense: the demo tenant's first level answers with a fixed policy, batch 64.
level0=--Mirage:Tenants:0:Escalation:Levels:0
for policy in "none" "reverse_sigmoid --x:Beta=0.5 --x:Gamma=0.5" "mad --x:Epsilon=1 --x:Argmax=false" "mad --x:Epsilon=1 --x:Argmax=true"; do
  read -r method params <<<"$policy"
  run_silo "$level0:Name=fixed" "$level0:Threshold=0" "$level0:Policy:Method=$method" ${params//--x:/$level0:Policy:} "$@"
  scenario "defense: $policy, 4 callers" 64 4
  kill $silo; wait $silo 2>/dev/null || true
done
