# Shared by the HTTP benchmarks: wrk against a URL with benchmarks/Http/predict.lua.
# wrk_measure BATCH CONNECTIONS THREADS URL  sets rps, p50 and p99 (wrk's own units).
# KEY or KEYS in the environment choose the client keys (see predict.lua).
wrk_measure() {
  local out
  out=$(BATCH=$1 wrk -t"$3" -c"$2" -d"${duration}s" -s benchmarks/Http/predict.lua --latency "$4")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
}

# run_silo [silo arguments...]  starts one silo on 127.0.0.1:8089 on an empty SQLite store in $store
# (the caller's temporary folder), so no client carries a level over from an earlier silo; sets $silo.
run_silo() {
  rm -f "$store"/bench.db*
  dotnet src/Silo/bin/Release/net10.0/Mirage.Silo.dll --urls http://127.0.0.1:8089 \
    "--Mirage:Storage:SqlitePath=$store/bench.db" "$@" >/tmp/mirage-bench-silo.log 2>&1 &
  silo=$!
  for _ in $(seq 100); do curl -fs http://127.0.0.1:8089/readyz >/dev/null 2>&1 && return; sleep 0.2; done
  echo "silo did not start; see /tmp/mirage-bench-silo.log" >&2; exit 1
}

# requests_total URL  the silo's predict requests so far, from its /metrics.
requests_total() {
  curl -fs "$1/metrics" | awk '/^mirage_inference_requests_total/ {print $2}'
}
