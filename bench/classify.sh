#!/usr/bin/env bash
# Runs the JMH reply benchmarks (ClassifyBenchmark: classify, parse, classifyParsed) on one thread
# and prints replies per second against the goal of 1,000,000 classified per second per core.
#
# Also runs dev.petrel.bench.ClassifyRate, a plain loop over the same mix that reports replies per
# second of CPU time: the steadier figure on a machine shared with other work.
#
# Usage: bench/classify.sh [extra JMH options, e.g. -prof stack]
# Environment: SKIP_BUILD=1 to use the jar as built; PIN=1 to pin the run to CPU 0 (JIT and GC
# threads then share the benchmark's core); JMH_OPTS to replace the default run lengths.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
find_java
build_jar
pin_prefix 0

GOAL=1000000
OUT="$ROOT/petrel-bench/target/classify.csv"
read -r -a OPTS <<<"${JMH_OPTS:--f 1 -wi 3 -w 2s -i 5 -r 2s}"
"${RUN[@]}" "$JAVA" -jar "$JAR" 'ClassifyBenchmark' "${OPTS[@]}" -rf csv -rff "$OUT" "$@"

RATE_OUT=$("${RUN[@]}" "$JAVA" -cp "$JAR" dev.petrel.bench.ClassifyRate 10 10)

echo
echo "== replies per second, one thread ($(nproc) CPUs${RUN:+, pinned to CPU 0}; load average $(cut -d' ' -f1-3 /proc/loadavg)) =="
awk -F, -v goal="$GOAL" 'NR > 1 {
    gsub(/"/, "")
    name = $1; sub(/.*\./, "", name)
    if (name ~ /:/) next   # profiler secondary results
    printf "%-16s %12.0f ops/s  +- %.0f\n", name, $5, $6
    if (name == "classify") {
      verdict = $5 >= goal ? "meets" : "BELOW"
      printf "classify: %.0f replies/s, %s the goal of %d\n", $5, verdict, goal
    }
  }' "$OUT"
echo "ClassifyRate (plain loop, same mix):"
echo "$RATE_OUT" | sed 's/^/  /'
