#!/usr/bin/env bash
# The cost of each defense on the predict path at batch 64 (issue 3): one warmed-up silo, one client
# whose policy an operator pins (PUT .../override) before each measurement, the policies measured in
# turn for several rounds, so JIT warm-up and machine drift fall on every policy alike. A second silo
# runs MAD with the surrogate model on every input (Inference:SurrogatePosterior=PerInput) instead of
# the surrogate's mean posterior (the default).
# Usage: bash benchmarks/Http/defense.sh [seconds per measurement, default 10] [rounds, default 3]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-10}
rounds=${2:-3}
url=http://127.0.0.1:8089
source benchmarks/Http/common.sh
prepare_benchmark

store=$(mktemp -d)
silo=
trap '[ -n "$silo" ] && kill $silo 2>/dev/null; rm -rf "$store"' EXIT
start_silo() {
  # The demo tenant's only level answers "none", so the detector's escalation never changes what is
  # measured (the benchmark repeats 16 bodies, which PRADA rightly finds suspicious); the override does.
  run_silo --Mirage:Tenants:0:Escalation:Levels:0:Name=clean --Mirage:Tenants:0:Escalation:Levels:0:Threshold=0 \
    --Mirage:Tenants:0:Escalation:Levels:0:Policy:Method=none "$@"
}

pin() { # policy JSON
  curl -fs -o /dev/null -X PUT $url/v1/admin/clients/demo-client-1/override -H 'Authorization: Bearer demo-operator' \
    -H 'Content-Type: application/json' -d "{\"policy\": $1}"
}

declare -A results
measure_all() { # label prefix, then name=policy pairs
  local prefix=$1; shift
  pin '{"method": "none"}'
  wrk_measure 64 4 2 $url >/dev/null  # warm-up
  for round in $(seq "$rounds"); do
    for pair in "$@"; do
      pin "${pair#*=}"
      wrk_measure 64 4 2 $url
      results["$prefix${pair%%=*}"]+="$rps "
    done
  done
}

median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

policies=(
  'none={"method": "none"}'
  'reverse_sigmoid β 0.5 γ 0.5={"method": "reverse_sigmoid", "beta": 0.5, "gamma": 0.5}'
  'mad ε 1 (L1), extreme oracle={"method": "mad", "epsilon": 1, "argmax": false}'
  'mad ε 1 (L1), argmax oracle={"method": "mad", "epsilon": 1, "argmax": true}'
)
start_silo
measure_all "" "${policies[@]}"
kill $silo; wait $silo 2>/dev/null || true
start_silo --Mirage:Inference:SurrogatePosterior=PerInput
measure_all "per input: " "${policies[0]}" "${policies[3]}"

base=$(median "${results[none]}")
echo "| policy | requests/s (median of $rounds × ${duration} s) | every round | against \`none\` |"
echo "|---|---|---|---|"
for name in "none" "reverse_sigmoid β 0.5 γ 0.5" "mad ε 1 (L1), extreme oracle" "mad ε 1 (L1), argmax oracle"; do
  m=$(median "${results[$name]}")
  printf '| %s | %.0f | %s | %+.1f%% |\n' "$name" "$m" "${results[$name]}" "$(echo "($m / $base - 1) * 100" | bc -l)"
done
base=$(median "${results[per input: none]}")
for name in "none" "mad ε 1 (L1), argmax oracle"; do
  m=$(median "${results[per input: $name]}")
  printf '| surrogate run per input: %s | %.0f | %s | %+.1f%% |\n' "$name" "$m" "${results[per input: $name]}" "$(echo "($m / $base - 1) * 100" | bc -l)"
done
