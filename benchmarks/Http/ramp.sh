#!/usr/bin/env bash
# How fast a build of the silo reaches its steady rate: starts it as ab.sh does (demo configuration, limits
# lifted, clean path, an empty SQLite store on 127.0.0.1:$PORT, default 8089), then runs batch 1 with 8
# connections in back-to-back slices from the first request and prints requests/s per slice. A build whose
# early slices are slow spends its first seconds in the JIT (docs/PERFORMANCE.md, "The predict path after profiling").
# Usage: [PORT=8089] bash benchmarks/Http/ramp.sh CHECKOUT [seconds per slice, default 3] [slices, default 10]
set -euo pipefail
cd "$(dirname "$0")/../.."
checkout=$(cd "$1" && pwd); slice=${2:-3}; slices=${3:-10}; port=${PORT:-8089}; url=http://127.0.0.1:$port
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
/usr/bin/env python3 benchmarks/Http/make-bodies.py
source benchmarks/Http/common.sh

store=$(mktemp -d)
trap 'rm -rf "$store"; [ -n "${silo:-}" ] && kill "$silo" 2>/dev/null || true' EXIT
start_checkout_silo "$checkout" "$url" "$store/bench.db" /tmp/mirage-ramp-silo.log

printf '| %s |' "$(basename "$checkout")"
for i in $(seq "$slices"); do
  rps=$(BATCH=1 wrk -t2 -c8 -d"${slice}s" -s benchmarks/Http/predict.lua "$url" | awk '/Requests\/sec/ {printf "%.0f", $2}')
  printf ' %s |' "$rps"
done
echo
