#!/usr/bin/env bash
# The cluster's failure test alone (kill -9 under load): scripts/cluster-tests.sh failover.
exec bash "$(dirname "$0")/cluster-tests.sh" failover
