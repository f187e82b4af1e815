#!/usr/bin/env bash
# The docker-compose topology with local processes on loopback: Azurite (scripts/azurite.sh, ports
# ${CLUSTER_AZURITE:-10400}-+2) for Orleans' membership table and the grains' blobs, three silos of one
# Orleans cluster (HTTP 127.0.0.1:8081-8083, silo ports 11121-11123, gateways 30021-30023), nginx on
# 127.0.0.1:${CLUSTER_PORT:-8090} with consistent hashing on the client key (deploy/nginx.conf, local upstreams).
#   scripts/cluster.sh up | down | start-silo N | restart-silo N | kill-silo N | status
# `up` starts on an empty Azurite: no membership rows or grain state of an earlier run.
# CLUSTER_SILOS=1 brings up one silo behind the same nginx (the benchmarks compare 1 and 3).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
run=/tmp/mirage-cluster
port=${CLUSTER_PORT:-8090}
azurite=${CLUSTER_AZURITE:-10400}
silos=${CLUSTER_SILOS:-3}
mkdir -p "$run"

start_silo() {
  local n=$1
  MIRAGE_AZURE_STORAGE=$(bash scripts/azurite.sh connection-string "$azurite") \
    dotnet src/Silo/bin/Release/net10.0/Mirage.Silo.dll --config config/cluster.json --urls "http://127.0.0.1:808$n" \
    --Mirage:Cluster:AzureStorage= --Mirage:Cluster:SiloPort=$((11120 + n)) --Mirage:Cluster:GatewayPort=$((30020 + n)) \
    >>"$run/silo$n.log" 2>&1 &
  echo $! >"$run/silo$n.pid"
  for _ in $(seq 150); do curl -fs "http://127.0.0.1:808$n/readyz" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "silo $n did not become ready; see $run/silo$n.log" >&2
  return 1
}

stop_silo() { # n signal
  local pidfile="$run/silo$1.pid"
  [ -f "$pidfile" ] || return 0
  kill "-${2:-TERM}" "$(cat "$pidfile")" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$(cat "$pidfile")" 2>/dev/null || break; sleep 0.1; done
  rm -f "$pidfile"
}

nginx_up() {
  command -v nginx >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; }
  mkdir -p "$run/nginx/logs"
  sed -e "/server silo\([$((silos + 1))-9]\):8080/d" \
      -e "s/server silo\([0-9]\):8080/server 127.0.0.1:808\1/" -e "s/listen 8080;/listen 127.0.0.1:$port;/" \
      -e "s#^events {#pid $run/nginx/nginx.pid;\nerror_log $run/nginx/logs/error.log;\nevents {#" \
      -e "s#^http {#http {\n    access_log off;\n    client_body_temp_path $run/nginx/body;\n    proxy_temp_path $run/nginx/proxy;#" \
      deploy/nginx.conf >"$run/nginx/nginx.conf"
  nginx -p "$run/nginx" -c "$run/nginx/nginx.conf"
}

case "${1:-}" in
  up)
    "$0" down >/dev/null 2>&1 || true
    bash scripts/setup.sh >&2
    bash scripts/azurite.sh stop "$azurite" --purge
    bash scripts/azurite.sh start "$azurite" >/dev/null
    for n in $(seq "$silos"); do start_silo "$n"; done
    nginx_up
    for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
    echo "cluster up: http://127.0.0.1:$port (silos 127.0.0.1:8081-808$silos, Azurite 127.0.0.1:$azurite-$((azurite + 2)))"
    ;;
  down)
    [ -f "$run/nginx/nginx.pid" ] && nginx -p "$run/nginx" -c "$run/nginx/nginx.conf" -s stop 2>/dev/null || true
    for n in 1 2 3; do stop_silo "$n"; done
    bash scripts/azurite.sh stop "$azurite"
    echo "cluster down"
    ;;
  kill-silo) stop_silo "$2" KILL ;;
  restart-silo) stop_silo "$2"; start_silo "$2" ;;
  start-silo) start_silo "$2" ;;
  status)
    for n in 1 2 3; do printf 'silo %s: %s\n' "$n" "$(curl -fs "http://127.0.0.1:808$n/healthz" 2>/dev/null || echo down)"; done
    printf 'nginx: %s\n' "$(curl -fs "http://127.0.0.1:$port/healthz" 2>/dev/null || echo down)"
    ;;
  *) echo "usage: $0 up|down|kill-silo N|start-silo N|restart-silo N|status" >&2; exit 2 ;;
esac
