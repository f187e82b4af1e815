#!/usr/bin/env bash
# Soak (issue 15): one silo under a steady load of ~70% of its measured capacity for a long run
# (default 10 minutes); every 30 s the throughput since the last sample (from /metrics) and the silo's
# resident memory (VmRSS). Capacity is measured first: batch 1 on 32 connections at full speed. The soak
# then runs the same 32 connections, each pausing DELAY_MS between requests, chosen to offer ~70% of it.
# The demo tenant answers "none" at every level (the bodies repeat, which the detector rightly flags),
# and the limits are lifted (common.sh), so the numbers are the service's, not the limiter's.
# Usage: bash benchmarks/Http/soak.sh [seconds, default 600] [fraction of capacity, default 0.7]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-600}
fraction=${2:-0.7}
url=http://127.0.0.1:8089
source benchmarks/Http/common.sh
prepare_benchmark

store=$(mktemp -d)
silo=
load=
trap '[ -n "$load" ] && kill $load 2>/dev/null; [ -n "$silo" ] && kill $silo 2>/dev/null; rm -rf "$store"' EXIT
run_silo "${clean[@]}"
export KEYS=demo-client-1,demo-client-2

rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$silo/status"; }

duration=15
wrk_measure 1 32 2 "$url"
capacity=$rps
full_p50=$p50
# Each connection's cycle is its latency plus the pause: pause = 32 / (fraction x capacity) - latency at that load (~half the full-speed p50).
delay=$(awk -v c="$capacity" -v f="$fraction" -v p="$full_p50" 'BEGIN {
  l = (p ~ /us$/) ? p / 1000 : ((p ~ /ms$/) ? p + 0 : p * 1000); d = 32 * 1000 / (f * c) - l / 2; if (d < 0) d = 0; printf "%d", d + 0.5 }')
echo "capacity: $capacity requests/s (p50 $full_p50); soak: 32 connections pausing ${delay} ms, $seconds s" >&2

DELAY_MS=$delay BATCH=1 wrk -t2 -c32 -d"${seconds}s" --latency -s benchmarks/Http/predict.lua "$url" >/tmp/mirage-soak-wrk.txt 2>&1 &
load=$!
echo "| minute | requests/s over the last 30 s | % of capacity | silo RSS MB |"
echo "|---|---|---|---|"
before=$(requests_total "$url"); at=$(date +%s.%N); t0=$at
for _ in $(seq $((seconds / 30))); do
  sleep 30
  now=$(date +%s.%N); total=$(requests_total "$url")
  awk -v n="$now" -v a="$at" -v t="$total" -v b="$before" -v c="$capacity" -v r="$(rss_mb)" -v s="$t0" \
    'BEGIN { x = (t - b) / (n - a); printf "| %.1f | %.0f | %.0f%% | %s |\n", (n - s) / 60, x, 100 * x / c, r }'
  before=$total; at=$now
done
wait $load; load=
echo
echo "wrk over the whole soak:"
grep -E "Latency|Requests/sec|requests in|Non-2xx|Socket errors|  50%|  99%" /tmp/mirage-soak-wrk.txt
