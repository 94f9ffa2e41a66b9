#!/usr/bin/env bash
# Installs what the tests need, then runs every test tier: *Test (unit) and *IT (vcsim, mock API, proxy, dev-console).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/deps.sh
mvn -B -ntp verify "$@"
