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

# requests_total URL  the silo's predict requests so far, from its /metrics.
requests_total() {
  curl -fs "$1/metrics" | awk '/^mirage_inference_requests_total/ {print $2}'
}
