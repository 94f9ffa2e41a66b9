#!/usr/bin/env bash
# Runs every benchmark: each bench/src/main/java/**/*Bench.java class prints "name: value unit" lines.
# Usage: scripts/bench.sh [NamePattern]   e.g. scripts/bench.sh Ipam
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/deps.sh
mvn -B -q -ntp install -DskipTests >&2
CP=$(mvn -B -q -ntp -pl bench dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=runtime)
CP="bench/target/classes:$CP"
pattern=${1:-}
find bench/src/main/java -name '*Bench.java' | sort | while read -r src; do
  cls=${src#bench/src/main/java/}; cls=${cls%.java}; cls=${cls//\//.}
  [[ -n "$pattern" && "$cls" != *"$pattern"* ]] && continue
  java -Xss1m -cp "$CP" -Dpcg.shared.dir="$PCG_SHARED_DIR" -Dpcg.vcsim.bin="$VCSIM_BIN" "$cls"
done
