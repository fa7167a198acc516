# Shared by the bench scripts: finds a JDK 25, builds the benchmark jar, pins to one CPU.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR="$ROOT/petrel-bench/target/benchmarks.jar"

find_java() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/java-25-openjdk-amd64; do
    if [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] &&
      "$candidate/bin/java" -version 2>&1 | grep -q 'version "25'; then
      export JAVA_HOME="$candidate"
      JAVA="$candidate/bin/java"
      return
    fi
  done
  if command -v java >/dev/null && java -version 2>&1 | grep -q 'version "25'; then
    JAVA=$(command -v java)
    return
  fi
  echo "bench: no JDK 25 found; set JAVA_HOME" >&2
  exit 1
}

# Builds petrel-bench/target/benchmarks.jar unless SKIP_BUILD=1.
build_jar() {
  if [ "${SKIP_BUILD:-0}" != 1 ]; then
    echo "building $JAR ..." >&2
    (cd "$ROOT" && ./mvnw -q -pl petrel-bench -am package -DskipTests) >&2
  fi
  [ -f "$JAR" ] || { echo "bench: $JAR missing" >&2; exit 1; }
}

# Sets RUN to a prefix that pins a command to CPU 0 when PIN=1 and taskset exists.
pin_prefix() {
  RUN=()
  if [ "${PIN:-$1}" = 1 ]; then
    if command -v taskset >/dev/null; then
      RUN=(taskset -c 0)
    else
      echo "bench: taskset not found, running unpinned" >&2
    fi
  fi
}
