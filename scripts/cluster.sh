#!/usr/bin/env bash
# The docker-compose topology with local processes on loopback: PostgreSQL (scripts/postgres.sh),
# three silos on 127.0.0.1:8081-8083 sharing it, nginx on 127.0.0.1:${CLUSTER_PORT:-8090} with
# consistent hashing on the client key (deploy/nginx.conf with local upstreams).
#   scripts/cluster.sh up | down | restart-silo N | kill-silo N | status
# CLUSTER_SILOS=1 brings up one silo behind the same nginx (the benchmarks compare 1 and 3).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
run=/tmp/mirage-cluster
port=${CLUSTER_PORT:-8090}
pg_port=${CLUSTER_PG_PORT:-55432}
silos=${CLUSTER_SILOS:-3}
mkdir -p "$run"

start_silo() {
  local n=$1
  dotnet src/Silo/bin/Release/net10.0/Mirage.Silo.dll --config config/cluster.json --urls "http://127.0.0.1:808$n" \
    "--Mirage:Storage:Postgres=Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=mirage" \
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
    bash scripts/postgres.sh start "$pg_port" >/dev/null
    for n in $(seq "$silos"); do start_silo "$n"; done
    nginx_up
    for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
    echo "cluster up: http://127.0.0.1:$port (silos 127.0.0.1:8081-808$silos, PostgreSQL 127.0.0.1:$pg_port)"
    ;;
  down)
    [ -f "$run/nginx/nginx.pid" ] && nginx -p "$run/nginx" -c "$run/nginx/nginx.conf" -s stop 2>/dev/null || true
    for n in 1 2 3; do stop_silo "$n"; done
    echo "cluster down (PostgreSQL left running: scripts/postgres.sh stop $pg_port)"
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
