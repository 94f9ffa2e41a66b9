#!/usr/bin/env bash
# Installs what the tests need, then runs every test tier: *Test (unit) and *IT (real kube-apiserver + etcd, vcsim,
# tinyproxy, dev-console). Prints the total time at the end. See docs/testing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
report_time() { echo "total test time: $((SECONDS - started)) s (setup, build and every test tier)"; }
trap report_time EXIT
source scripts/lib/deps.sh
# The shared folder deps.sh found (PCG_SHARED_DIR, or ../shared), also for a clone that is not beside it.
mvn -B -ntp verify -Dpcg.shared.dir="$PCG_SHARED_DIR" "$@"
