#!/usr/bin/env bash
# Throughput of 1 and 3 local silos behind nginx (scripts/cluster.sh: PostgreSQL, consistent hashing
# on the client key), driven by wrk through nginx with four client keys, one per wrk thread.
# Usage: bash benchmarks/Http/cluster.sh [seconds per scenario, default 15] [rounds, default 1]
# Rounds alternate 1 and 3 silos (1, 3, 1, 3, ...), so a busy machine's noise falls on both; a table of
# the medians over the rounds closes the output.
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-15}
rounds=${2:-1}
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
rows=$(mktemp)
for _ in $(seq "$rounds"); do for silos in 1 3; do
  CLUSTER_SILOS=$silos bash scripts/cluster.sh up >&2
  for scenario in "1 32" "64 4"; do
    read -r batch connections <<<"$scenario"
    before=$(totals "$silos")
    wrk_measure "$batch" "$connections" 4 "http://127.0.0.1:$port"
    printf '| %s | %s | %s | %s | %.0f | %s | %s | %s |\n' "$silos" "$batch" "$connections" "$rps" \
      "$(echo "$rps * $batch" | bc -l)" "$p50" "$p99" "$(shares "$before" "$(totals "$silos")")" | tee -a "$rows"
  done
  bash scripts/cluster.sh down >&2
done; done
echo
echo "medians over $rounds round(s):"
echo "| silos | batch | connections | requests/s | images/s | p50 | p99 |"
echo "|---|---|---|---|---|---|---|"
python3 - "$rows" <<'PY'
import statistics, sys
groups = {}
for line in open(sys.argv[1]):
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    groups.setdefault(tuple(cells[:3]), []).append(cells[3:7])
def ms(value):  # wrk's units: 850.00us, 38.53ms, 1.02s
    for unit, scale in (("us", 0.001), ("ms", 1), ("s", 1000)):
        if value.endswith(unit):
            return float(value[:-len(unit)]) * scale
    raise ValueError(value)
for key, runs in groups.items():
    rps = statistics.median(float(r[0]) for r in runs)
    print(f"| {' | '.join(key)} | {rps:.0f} | {statistics.median(float(r[1]) for r in runs):.0f} | "
          f"{statistics.median(ms(r[2]) for r in runs):.1f} ms | {statistics.median(ms(r[3]) for r in runs):.1f} ms |")
PY
