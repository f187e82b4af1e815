#!/usr/bin/env bash
# A throwaway local PostgreSQL from Debian's packages, on 127.0.0.1 only, for tests and the local cluster.
#   scripts/postgres.sh start [port]   initdb (once) and start; creates database "mirage"; idempotent
#   scripts/postgres.sh stop [port] [--purge]
#   scripts/postgres.sh url [port]     the Npgsql connection string
# PostgreSQL refuses to run as root, so the server runs as the "postgres" user.
set -euo pipefail
command=${1:-start}
port=${2:-55432}
data=/tmp/mirage-pg-$port
url="Host=127.0.0.1;Port=$port;Username=postgres;Database=mirage"

bin() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$found" ]; then
    echo "postgres.sh: installing postgresql" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    found=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  echo "$found"
}

as_postgres() { runuser -u postgres -- "$@"; }

case "$command" in
  start)
    pg=$(bin)
    if [ ! -s "$data/PG_VERSION" ]; then
      mkdir -p "$data" && chown postgres:postgres "$data"
      as_postgres "$pg/initdb" -D "$data" -A trust -U postgres >/dev/null
    fi
    if ! as_postgres "$pg/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      as_postgres "$pg/pg_ctl" -D "$data" -l "$data/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $port -k /tmp -c max_connections=200 -c fsync=off" start >/dev/null
    fi
    as_postgres "$pg/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'mirage'" | grep -q 1 \
      || as_postgres "$pg/createdb" -h 127.0.0.1 -p "$port" -U postgres mirage
    echo "$url"
    ;;
  stop)
    pg=$(bin)
    [ -d "$data" ] && as_postgres "$pg/pg_ctl" -D "$data" -m fast stop >/dev/null 2>&1 || true
    [ "${3:-}" = "--purge" ] && rm -rf "$data"
    ;;
  url) echo "$url" ;;
  *) echo "usage: $0 start|stop|url [port] [--purge]" >&2; exit 2 ;;
esac
