#!/usr/bin/env bash
# HTTP throughput and latency of the predict path, measured with wrk (Debian's package) against a
# silo started here on 127.0.0.1:8089. Scenarios: batch 1 with 1 connection (latency), batch 1 with
# 32 connections (dynamic batching merges them), the same with batching off, and larger batches.
# Usage: bash benchmarks/Http/run.sh [seconds per scenario, default 15] [extra silo arguments...]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-15}
shift || true
source benchmarks/Http/common.sh
prepare_benchmark

store=$(mktemp -d)
trap 'rm -rf "$store"' EXIT

scenario() { # name batch connections
  wrk_measure "$2" "$3" "$(( $3 < 2 ? 1 : 2 ))" http://127.0.0.1:8089
  local runs requests
  runs=$(metrics http://127.0.0.1:8089 | awk '/^mirage_inference_runs_total/ {print $2}')
  requests=$(requests_total http://127.0.0.1:8089)
  printf '| %s | %s | %s | %s | %.0f | %s | %s | %s |\n' "$1" "$2" "$3" "$rps" "$(echo "$rps * $2" | bc -l)" "$p50" "$p99" \
    "$(echo "scale=1; $requests / $runs" | bc -l)"
}

echo "| scenario | batch | connections | requests/s | images/s | p50 | p99 | requests per model run (cumulative) |"
echo "|---|---|---|---|---|---|---|---|"
run_silo "${clean[@]}" "$@"
scenario "latency, one caller" 1 1
scenario "dynamic batching, 32 callers" 1 32
scenario "batch 64, 4 callers" 64 4
scenario "batch 256, 2 callers" 256 2
kill $silo; wait $silo 2>/dev/null || true
run_silo --Mirage:Inference:MaxBatchSize=1 "${clean[@]}" "$@"
scenario "batching off (MaxBatchSize=1), 32 callers" 1 32
kill $silo; wait $silo 2>/dev/null || true

# The cost of each defense: benchmarks/Http/defense.sh.
