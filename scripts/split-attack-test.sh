#!/usr/bin/env bash
# The split-across-silos test alone: scripts/cluster-tests.sh split.
exec bash "$(dirname "$0")/cluster-tests.sh" split
