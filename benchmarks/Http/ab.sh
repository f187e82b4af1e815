#!/usr/bin/env bash
# A/B of two builds of the silo on this machine: rounds alternate OLD and NEW so drift of the shared
# machine falls on both alike. Each round starts the build's silo on 127.0.0.1:$PORT (default 8089) (demo configuration,
# clean path as in run.sh, an empty SQLite store), warms it up, then measures batch 1 with 8 connections
# and batch 64 with 4 connections. Prints one row per round and scenario, then the medians.
# Usage: [PORT=8089] bash benchmarks/Http/ab.sh OLD_CHECKOUT NEW_CHECKOUT [seconds per scenario, default 10] [rounds, default 3]
# Each checkout must have src/Silo/bin/Release/net10.0/Mirage.Silo.dll built. The port must be free:
# a silo that cannot bind it would leave wrk measuring whatever else answers there.
set -euo pipefail
cd "$(dirname "$0")/../.."
old=$(cd "$1" && pwd); new=$(cd "$2" && pwd)
duration=${3:-10}; rounds=${4:-3}; port=${PORT:-8089}; url=http://127.0.0.1:$port
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
/usr/bin/env python3 benchmarks/Http/make-bodies.py
source benchmarks/Http/common.sh

store=$(mktemp -d); results=$(mktemp)
trap 'rm -rf "$store" "$results"; [ -n "${silo:-}" ] && kill "$silo" 2>/dev/null || true' EXIT
start_build() { # checkout
  rm -f "$store"/bench.db*
  start_checkout_silo "$1" "$url" "$store/bench.db" /tmp/mirage-ab-silo.log
}

echo "| round | build | scenario | requests/s | images/s | p50 | p99 |"
echo "|---|---|---|---|---|---|---|"
for round in $(seq "$rounds"); do
  for build in old new; do
    dir=$old; [ "$build" = new ] && dir=$new
    start_build "$dir"
    BATCH=1 wrk -t2 -c8 -d3s -s benchmarks/Http/predict.lua "$url" >/dev/null  # warm-up
    for scenario in "1 8 2" "64 4 2"; do
      set -- $scenario
      wrk_measure "$1" "$2" "$3" "$url"
      printf '| %s | %s | batch %s, %s connections | %s | %.0f | %s | %s |\n' "$round" "$build" "$1" "$2" "$rps" "$(echo "$rps * $1" | bc -l)" "$p50" "$p99"
      echo "$build $1 $rps" >>"$results"
    done
    kill "$silo"; wait "$silo" 2>/dev/null || true; silo=
  done
done

echo
echo "| scenario | old requests/s (median) | new requests/s (median) | new / old |"
echo "|---|---|---|---|"
python3 - "$results" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
for batch, name in (("1", "batch 1, 8 connections"), ("64", "batch 64, 4 connections")):
    med = {b: statistics.median(float(r) for k, n, r in rows if k == b and n == batch) for b in ("old", "new")}
    print(f"| {name} | {med['old']:.0f} | {med['new']:.0f} | {med['new'] / med['old']:.3f} |")
PY
