#!/usr/bin/env bash
# Tenant fairness (issue 15): how much one tenant's flood raises another tenant's latency. A victim
# (acme-client-1, batch 1, 2 connections) is measured alone, then while demo-client-1 floods with 64 and
# with 2,000 connections (closed loops that never wait: 429s are asked again at once). The victim comes in
# two kinds: "steady", each connection pausing 5 ms between requests (a tenant's normal traffic, well below
# capacity), and "saturating", a closed loop at full speed (itself using every core it can get, so its
# latency alone is measured on an idle machine and with a flood on a shared one); once on a silo with the demo's limits (config/demo.json: per-key
# rate and burst, per-tenant share of the inference capacity) and once with the limits lifted (the state
# before them). Rounds alternate the two silos; the table shows medians over the rounds.
# The victim's own key rate is lifted in both, so only the flood is limited. wrk runs on the same cores
# as the silo, so the flood's client side costs CPU too: read the numbers as this machine's, not a bound.
# LIMITS="on" measures only the silo with limits. Usage: bash benchmarks/Http/fairness.sh [seconds per measurement, default 10] [rounds, default 3]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-10}
rounds=${2:-3}
url=http://127.0.0.1:8089
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
source benchmarks/Http/common.sh
prepare_benchmark

store=$(mktemp -d)
results=$(mktemp)
silo=
trap '[ -n "$silo" ] && kill $silo 2>/dev/null; rm -rf "$store" "$results"' EXIT

acme=--Mirage:Security:RateLimits:Tenants:acme
# Both tenants answer "none" at every suspicion, so the defense's cost never differs between runs.
clean=("${clean[@]}" "--Mirage:Tenants:1:Escalation:Levels:0:Name=clean" "--Mirage:Tenants:1:Escalation:Levels:0:Threshold=0"
  "--Mirage:Tenants:1:Escalation:Levels:0:Policy:Method=none")
victim_unlimited=("$acme:RequestsPerSecond=1000000" "$acme:Burst=1000000")

to_ms() { # wrk's latency ("850.00us", "12.3ms", "1.02s") in ms
  awk -v v="$1" 'BEGIN { if (v ~ /us$/) print v / 1000; else if (v ~ /ms$/) print v + 0; else if (v ~ /m$/) print v * 60000; else print v * 1000 }'
}

measure() { # limits victim-kind scenario flood-connections
  local limits=$1 kind=$2; shift 2
  local pause=; [ "$kind" = steady ] && pause=5
  local flood_out=/tmp/mirage-fairness-flood.txt victim
  if [ "$2" -gt 0 ]; then
    KEY=demo-client-1 ACCEPT=429,503 BATCH=1 wrk -t1 -c"$2" -d"$((duration + 3))s" --timeout 30s \
      -s benchmarks/Http/predict.lua "$url" >"$flood_out" 2>&1 &
    local flood=$!
    sleep 2
  fi
  victim=$(KEY=acme-client-1 BATCH=1 DELAY_MS=$pause wrk -t1 -c2 -d"${duration}s" --latency -s benchmarks/Http/predict.lua "$url")
  [ "$2" -gt 0 ] && wait $flood
  local p50 p99 rps flood_rps=0 flood_refused=0
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$victim")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$victim")")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$victim")
  if [ "$2" -gt 0 ]; then
    flood_rps=$(awk '/Requests\/sec/ {print $2}' "$flood_out")
    flood_refused=$(awk '/Non-2xx/ {print $5}' "$flood_out")
  fi
  echo "$limits|$kind|$1|$p50|$p99|$rps|$flood_rps|${flood_refused:-0}" >>"$results"
}

for round in $(seq "$rounds"); do
  for limits in ${LIMITS:-on off}; do
    if [ "$limits" = on ]; then KEEP_LIMITS=1 run_silo "${clean[@]}" "${victim_unlimited[@]}"; else run_silo "${clean[@]}"; fi
    # Warm-up: JIT, the grains of both clients, ONNX Runtime's first runs.
    KEY=acme-client-1 BATCH=1 wrk -t1 -c2 -d3s -s benchmarks/Http/predict.lua "$url" >/dev/null
    for kind in steady saturating; do
      measure "$limits" $kind "alone" 0
      measure "$limits" $kind "flood, 64 connections" 64
      measure "$limits" $kind "flood, 2,000 connections" 2000
    done
    kill $silo; wait $silo 2>/dev/null || true; silo=
    echo "round $round, limits $limits: done" >&2
  done
done

python3 - "$results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    limits, kind, scenario, p50, p99, rps, flood_rps, refused = line.strip().split("|")
    rows.setdefault((limits, kind, scenario), []).append((float(p50), float(p99), float(rps), float(flood_rps), float(refused)))
alone = {(l, k): statistics.median(r[1] for r in rows[(l, k, "alone")]) for (l, k, s) in rows if s == "alone"}
print("| limits | victim | scenario | victim p50 ms | victim p99 ms | victim p99 / alone | victim req/s | flood req/s (all answers) | flood refused (429/503) |")
print("|---|---|---|---|---|---|---|---|---|")
for (limits, kind, scenario), r in sorted(rows.items(), key=lambda item: (item[0][0] != "on", item[0][1] != "steady")):
    med = [statistics.median(x[i] for x in r) for i in range(5)]
    print(f"| {limits} | {kind} | {scenario} | {med[0]:.2f} | {med[1]:.2f} | {med[1] / alone[(limits, kind)]:.1f}x | {med[2]:.0f} | {med[3]:.0f} | {med[4]:.0f} |")
PY
