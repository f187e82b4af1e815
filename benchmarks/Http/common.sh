# Shared by the HTTP benchmarks: wrk against a URL with benchmarks/Http/predict.lua.

# prepare_benchmark  installs wrk (Debian) and the service's dependencies, builds it, writes the bodies.
prepare_benchmark() {
  command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
  bash scripts/setup.sh >&2
  /usr/bin/env python3 benchmarks/Http/make-bodies.py
}

# wrk_measure BATCH CONNECTIONS THREADS URL  sets rps, p50 and p99 (wrk's own units).
# KEY or KEYS in the environment choose the client keys (see predict.lua).
wrk_measure() {
  local out
  out=$(BATCH=$1 wrk -t"$3" -c"$2" -d"${duration}s" -s benchmarks/Http/predict.lua --latency "$4")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
}

# The throughput benchmarks measure the predict path, not the rate limiter: their silos lift the demo's
# per-key rate and per-tenant share unless KEEP_LIMITS=1 (benchmarks/Http/fairness.sh measures those).
unlimited=(--Mirage:Security:RateLimits:Default:RequestsPerSecond=1000000 --Mirage:Security:RateLimits:Default:Burst=1000000
  --Mirage:Security:RateLimits:Default:ConcurrentPredictions=100000 --Mirage:Security:RateLimits:Tenants:acme:RequestsPerSecond=1000000
  --Mirage:Security:RateLimits:Tenants:acme:Burst=1000000 --Mirage:Security:RateLimits:Tenants:acme:ConcurrentPredictions=100000)

# The benchmarks repeat 16 bodies per batch size from one key, which the detector rightly finds suspicious
# (exact repeats are distance 0); pinning the demo tenant's first level to "none" keeps them on the clean path.
level0=--Mirage:Tenants:0:Escalation:Levels:0
clean=("$level0:Name=clean" "$level0:Threshold=0" "$level0:Policy:Method=none")

# start_checkout_silo CHECKOUT URL DB LOG  starts the silo built in CHECKOUT (src/Silo/bin/Release) on URL: demo
# configuration, the clean path pinned, limits lifted, Orleans ports 0, SQLite file DB, output to LOG; waits for
# /readyz and sets $silo. Refuses a URL that already answers: wrk would measure whatever answers there.
start_checkout_silo() {
  local checkout=$1 url=$2 db=$3 log=$4
  if curl -s -o /dev/null "$url/healthz"; then echo "something already answers on $url; set PORT" >&2; exit 1; fi
  (cd "$checkout" && exec dotnet src/Silo/bin/Release/net10.0/Mirage.Silo.dll --urls "$url" \
    "--Mirage:Storage:SqlitePath=$db" --Mirage:Cluster:SiloPort=0 --Mirage:Cluster:GatewayPort=0 "${unlimited[@]}" "${clean[@]}") >"$log" 2>&1 &
  silo=$!
  for _ in $(seq 150); do
    kill -0 "$silo" 2>/dev/null || break
    curl -fs "$url/readyz" >/dev/null 2>&1 && return
    sleep 0.2
  done
  echo "silo of $checkout did not start; see $log" >&2; exit 1
}

# run_silo [silo arguments...]  starts one silo on 127.0.0.1:8089 on an empty SQLite store in $store
# (the caller's temporary folder), so no client carries a level over from an earlier silo; sets $silo.
run_silo() {
  rm -f "$store"/bench.db*
  local limits=("${unlimited[@]}")
  [ "${KEEP_LIMITS:-0}" = 1 ] && limits=()
  dotnet src/Silo/bin/Release/net10.0/Mirage.Silo.dll --urls http://127.0.0.1:8089 \
    "--Mirage:Storage:SqlitePath=$store/bench.db" "${limits[@]}" "$@" >/tmp/mirage-bench-silo.log 2>&1 &
  silo=$!
  for _ in $(seq 100); do curl -fs http://127.0.0.1:8089/readyz >/dev/null 2>&1 && return; sleep 0.2; done
  echo "silo did not start; see /tmp/mirage-bench-silo.log" >&2; exit 1
}

# metrics URL  the silo's /metrics (admin only; ADMIN_KEY, default the demo's public demo-admin key).
metrics() {
  curl -fs "$1/metrics" -H "Authorization: Bearer ${ADMIN_KEY:-demo-admin}"
}

# requests_total URL  the silo's predict requests so far, from its /metrics.
requests_total() {
  metrics "$1" | awk '/^mirage_inference_requests_total/ {print $2}'
}
