#!/usr/bin/env bash
# A/B of two builds of the silo, both running at once and measured in short alternating slices, so that the
# drift of a shared machine (its rate moved by ±30% between the 10 s blocks of ab.sh) falls on both builds
# within seconds of each other. Each build's silo runs on its own port and empty SQLite store (demo
# configuration, clean path pinned, limits lifted, as ab.sh), is warmed up for WARMUP seconds (default 30:
# past the JIT's ramp, docs/PERFORMANCE.md), and then, per scenario, PAIRS pairs of SLICE-second wrk runs are
# taken in the order old-new, new-old, ... Prints the per-pair rates and each silo's CPU time per request
# (its user + system time over the slice, from /proc), the median rates and the median of the per-pair
# ratios. The idle build's silo only runs its timers meanwhile.
# Usage: [PORT=8173] [WARMUP=30] bash benchmarks/Http/ab-paired.sh OLD_CHECKOUT NEW_CHECKOUT [seconds per slice, default 4] [pairs, default 12]
set -euo pipefail
cd "$(dirname "$0")/../.."
old=$(cd "$1" && pwd); new=$(cd "$2" && pwd)
duration=${3:-4}; pairs=${4:-12}; warmup=${WARMUP:-30}; port=${PORT:-8173}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
/usr/bin/env python3 benchmarks/Http/make-bodies.py
source benchmarks/Http/common.sh

store=$(mktemp -d); results=$(mktemp)
silo=
trap 'kill ${silo_pid[old]:-} ${silo_pid[new]:-} $silo 2>/dev/null || true; rm -rf "$store" "$results"' EXIT
declare -A silo_pid=()
declare -A url=([old]=http://127.0.0.1:$port [new]=http://127.0.0.1:$((port + 1)))

for build in old new; do
  dir=$old; [ "$build" = new ] && dir=$new
  start_checkout_silo "$dir" "${url[$build]}" "$store/$build.db" "/tmp/mirage-ab-paired-$build.log"
  silo_pid[$build]=$silo
done

for build in old new; do  # warm-up, one build after the other, both scenarios
  BATCH=1 wrk -t2 -c8 -d"$((warmup * 2 / 3))s" -s benchmarks/Http/predict.lua "${url[$build]}" >/dev/null
  BATCH=64 wrk -t2 -c4 -d"$((warmup / 3))s" -s benchmarks/Http/predict.lua "${url[$build]}" >/dev/null
done

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # user + system, in clock ticks

echo "| pair | scenario | old requests/s | new requests/s | new / old | old CPU µs / request | new CPU µs / request |"
echo "|---|---|---|---|---|---|---|"
for scenario in "1 8 2" "64 4 2"; do
  set -- $scenario
  for pair in $(seq "$pairs"); do
    order="old new"; [ $((pair % 2)) = 0 ] && order="new old"
    declare -A rate=() cpu=()
    for build in $order; do
      before=$(cpu_ticks "${silo_pid[$build]}")
      wrk_measure "$1" "$2" "$3" "${url[$build]}"
      rate[$build]=$rps
      cpu[$build]=$(echo "($(cpu_ticks "${silo_pid[$build]}") - $before) * 1000000 / $(getconf CLK_TCK) / ($rps * $duration)" | bc -l)
    done
    printf '| %s | batch %s, %s connections | %s | %s | %.3f | %.0f | %.0f |\n' "$pair" "$1" "$2" "${rate[old]}" "${rate[new]}" \
      "$(echo "${rate[new]} / ${rate[old]}" | bc -l)" "${cpu[old]}" "${cpu[new]}"
    echo "$1 ${rate[old]} ${rate[new]} ${cpu[old]} ${cpu[new]}" >>"$results"
  done
done

echo
echo "| scenario | old requests/s (median) | new requests/s (median) | median of the pairs' new / old | old / new CPU µs per request (median) |"
echo "|---|---|---|---|---|"
python3 - "$results" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
for batch, name in (("1", "batch 1, 8 connections"), ("64", "batch 64, 4 connections")):
    mine = [tuple(map(float, r[1:])) for r in rows if r[0] == batch]
    print(f"| {name} | {statistics.median(m[0] for m in mine):.0f} | {statistics.median(m[1] for m in mine):.0f} "
          f"| {statistics.median(m[1] / m[0] for m in mine):.3f} "
          f"| {statistics.median(m[2] for m in mine):.0f} / {statistics.median(m[3] for m in mine):.0f} |")
PY
