#!/usr/bin/env bash
# Mirage attack lab. Examples:
#   bash lab/run.sh --quick --offline      # harness smoke test without the service (minutes)
#   bash lab/run.sh --quick                # against the service (needs lab/lab.json)
#   bash lab/run.sh                        # full run (hours: see the progress bar's estimate)
#   bash lab/run.sh --report-only          # re-render lab/results/report.md
set -euo pipefail
cd "$(dirname "$0")"
exec /usr/bin/python3 -m mirage_lab "$@"
