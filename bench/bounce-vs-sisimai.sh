#!/usr/bin/env bash
# Side by side: Debian's Sisimai (libsisimai-perl) and Petrel's bounce parser over the same folder
# of bounce mails, one CPU each. Installs Sisimai with apt-get when it is missing (needs root or
# sudo). Prints both rates and the ratio; the goal is Petrel at least 20 times Sisimai.
#
# Rates are given per second of wall-clock time and per second of CPU time (process user + system
# time; for Petrel this includes the JIT compiler and garbage collector). The verdict uses CPU
# time, which other processes on a shared machine do not distort.
#
# Usage: bench/bounce-vs-sisimai.sh [FOLDER]   (default corpus/sisimai/maildir/bsd)
# Environment: SKIP_BUILD=1 to use the jar as built; PIN=0 not to pin both to CPU 0;
# SISIMAI_ROUNDS (3), PETREL_WARMUP (10 s), PETREL_MEASURE (10 s).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
CORPUS=${1:-corpus/sisimai/maildir/bsd}
cd "$ROOT"
[ -d "$CORPUS" ] || { echo "bench: no such folder: $CORPUS" >&2; exit 2; }
GOAL=20

if ! perl -MSisimai -e 1 2>/dev/null; then
  SUDO=()
  [ "$(id -u)" -eq 0 ] || SUDO=(sudo)
  echo "installing libsisimai-perl ..." >&2
  "${SUDO[@]}" apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq libsisimai-perl >&2
fi
find_java
build_jar
pin_prefix 1

echo "== Sisimai =="
SISIMAI_OUT=$("${RUN[@]}" perl bench/sisimai-rate.pl "$CORPUS" "${SISIMAI_ROUNDS:-3}")
echo "$SISIMAI_OUT"
echo
echo "== Petrel =="
PETREL_OUT=$("${RUN[@]}" "$JAVA" -cp "$JAR" dev.petrel.bench.BounceRate "$CORPUS" \
  "${PETREL_WARMUP:-10}" "${PETREL_MEASURE:-10}")
echo "$PETREL_OUT"

SISIMAI=$(awk '/^mails\/s:/ {print $2}' <<<"$SISIMAI_OUT")
SISIMAI_CPU=$(awk '/^mails\/cpu-s:/ {print $2}' <<<"$SISIMAI_OUT")
MEMORY=$(awk '/^in-memory mails\/s:/ {print $3}' <<<"$PETREL_OUT")
DISK=$(awk '/^from-disk mails\/s:/ {print $3}' <<<"$PETREL_OUT")
MEMORY_CPU=$(awk '/^in-memory mails\/cpu-s:/ {print $3}' <<<"$PETREL_OUT")
DISK_CPU=$(awk '/^from-disk mails\/cpu-s:/ {print $3}' <<<"$PETREL_OUT")
echo
echo "== result ($(nproc) CPUs${RUN:+, both pinned to CPU 0}; load average $(cut -d' ' -f1-3 /proc/loadavg)) =="
awk -v s="$SISIMAI" -v m="$MEMORY" -v d="$DISK" \
  -v sc="$SISIMAI_CPU" -v mc="$MEMORY_CPU" -v dc="$DISK_CPU" -v goal="$GOAL" 'BEGIN {
  printf "%-34s %12s %14s\n", "", "mails/s", "mails/cpu-s"
  printf "%-34s %12.0f %14.0f\n", "Sisimai (reads the folder)", s, sc
  printf "%-34s %12.0f %14.0f\n", "Petrel, reading the folder", d, dc
  printf "%-34s %12.0f %14.0f\n", "Petrel, mails already in memory", m, mc
  printf "ratio, both reading the folder: %.1fx by wall clock, %.1fx by CPU time\n", d / s, dc / sc
  printf "ratio: %.1f (by CPU time, like for like): %s the goal of %dx\n", dc / sc, (dc / sc >= goal ? "meets" : "BELOW"), goal
}'
