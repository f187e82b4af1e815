#!/usr/bin/env bash
# A throwaway local Azurite (the Azure Storage emulator, npm azurite@3.37.0) on 127.0.0.1 only, for tests,
# benchmarks and the local cluster. Ports: blob = port-base, queue = +1, table = +2 (default 10000-10002).
#   scripts/azurite.sh start [port-base]              install (once, into .tools/azurite), start, wait until
#                                                     it answers; prints the connection string; idempotent
#   scripts/azurite.sh stop [port-base] [--purge]     stop (and remove its data)
#   scripts/azurite.sh status [port-base]             exit 0 while it runs
#   scripts/azurite.sh connection-string [port-base]  the explicit connection string for those ports
set -euo pipefail
cd "$(dirname "$0")/.."
command=${1:-start}
base=${2:-10000}
blob=$base queue=$((base + 1)) table=$((base + 2))
version=3.37.0
tools=$PWD/.tools/azurite
data=/tmp/mirage-azurite-$base
pidfile=$data/azurite.pid

# The emulator's well-known development account (published in Azurite's documentation, not a secret).
key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
connection="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1;"

install() {
  local installed
  installed=$(node -p "require('$tools/node_modules/azurite/package.json').version" 2>/dev/null || true)
  if [ "$installed" != "$version" ]; then
    echo "azurite.sh: installing azurite@$version into $tools" >&2
    mkdir -p "$tools"
    # Azurite warns EBADENGINE on Node 20 and runs fine.
    npm install --prefix "$tools" --no-audit --no-fund --loglevel=error "azurite@$version" >&2
  fi
}

running() { [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

answers() {
  local port
  for port in "$blob" "$queue" "$table"; do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || return 1
  done
}

case "$command" in
  start)
    install
    if ! running; then
      mkdir -p "$data"
      # Detached, its output in a log: whoever reads this script's output must not wait for Azurite's.
      setsid "$tools/node_modules/.bin/azurite" --silent --location "$data" \
        --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
        --blobPort "$blob" --queuePort "$queue" --tablePort "$table" \
        </dev/null >"$data/azurite.log" 2>&1 &
      echo $! >"$pidfile"
    fi
    for _ in $(seq 1 150); do
      answers && { echo "$connection"; exit 0; }
      running || break
      sleep 0.2
    done
    echo "azurite.sh: Azurite did not answer on 127.0.0.1:$blob-$table; its log:" >&2
    tail -n 20 "$data/azurite.log" >&2 || true
    exit 1
    ;;
  stop)
    if running; then
      pid=$(cat "$pidfile")
      kill "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$pidfile"
    if [ "${3:-}" = "--purge" ]; then rm -rf "$data"; fi
    ;;
  status) running ;;
  connection-string) echo "$connection" ;;
  *) echo "usage: $0 start|stop|status|connection-string [port-base] [--purge]" >&2; exit 2 ;;
esac
