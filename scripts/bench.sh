#!/usr/bin/env bash
# Runs every benchmark: each bench/src/main/java/**/*Bench.java class prints "name: value unit" lines on stdout.
# Usage: scripts/bench.sh [NamePattern]   e.g. scripts/bench.sh Ipam
# PCG_BENCH_JAVA_OPTS adds JVM options to every bench, e.g. PCG_BENCH_JAVA_OPTS=-Dpcg.bench.tenant.steps=25,50
# PCG_BENCH_LOGBACK replaces the benches' logback configuration, e.g. with one that logs io.pcg at DEBUG to a file
# to see where a run's time went (the simulators log each step they take).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/deps.sh
# One reactor build: the agent's shaded jar (started as a process by AgentBench), the test kit and the
# classpath of the bench module (bench/target/runtime.classpath), without installing anything into ~/.m2.
mvn -B -q -ntp -pl bench -am package -DskipTests >&2
CP="bench/target/classes:$(cat bench/target/runtime.classpath)"
pattern=${1:-}
find bench/src/main/java -name '*Bench.java' | sort | while read -r src; do
  cls=${src#bench/src/main/java/}; cls=${cls%.java}; cls=${cls//\//.}
  [[ -n "$pattern" && "$cls" != *"$pattern"* ]] && continue
  # shellcheck disable=SC2086 # the options are words on purpose
  java ${PCG_BENCH_JAVA_OPTS:-} -cp "$CP" -Dlogback.configurationFile="${PCG_BENCH_LOGBACK:-bench/src/main/resources/bench-logback.xml}" -Dpcg.shared.dir="$PCG_SHARED_DIR" -Dpcg.vcsim.bin="$VCSIM_BIN" -Dpcg.kube.bin="$KUBE_APISERVER_BIN" -Dpcg.clusterctl.bin="${CLUSTERCTL_BIN:-}" "$cls"
done
