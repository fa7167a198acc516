#!/usr/bin/env bash
# Side by side: Debian's Sisimai (libsisimai-perl) and Petrel's bounce parser over the same folder
# of bounce mails, pinned to the same CPU. Installs Sisimai with apt-get when it is missing (needs
# root or sudo). Each is measured twice: parsing mails already in memory (Sisimai->make on a scalar
# reference, Petrel's BounceParser.parse on bytes), and reading the folder and parsing (Sisimai->make
# on the folder, Petrel's MailInputs.read as `petrel bounce` does). Prints the rates and both
# ratios; the goal is Petrel at least 20 times Sisimai.
#
# Rates are given per second of wall-clock time and per second of CPU time (process user + system
# time; for Petrel this includes the JIT compiler and garbage collector). The verdicts use CPU
# time, which other processes on a shared machine do not distort. Sisimai is measured before and
# after Petrel and its best round counts, so a machine whose speed drifts during the run errs in
# Sisimai's favour.
#
# Usage: bench/bounce-vs-sisimai.sh [FOLDER]   (default corpus/sisimai/maildir/bsd)
# Environment: SKIP_BUILD=1 to use the jar as built; PIN=0 not to pin both to CPU 0;
# SISIMAI_ROUNDS (3), PETREL_WARMUP (60 s), PETREL_MEASURE (10 s). The warm-up is long because the
# JIT compiler shares the one pinned CPU: after 10 s Petrel is still some 25 % below its steady
# state (Sisimai, interpreted, has no warm-up beyond its first pass, which is not counted).
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

# Sisimai runs before and after Petrel, and its best round of all counts: a machine that slows
# down or speeds up during the run then cannot flatter Petrel.
echo "== Sisimai (before Petrel) =="
SISIMAI_OUT=$("${RUN[@]}" perl bench/sisimai-rate.pl "$CORPUS" "${SISIMAI_ROUNDS:-3}")
echo "$SISIMAI_OUT"
echo
echo "== Petrel =="
PETREL_OUT=$("${RUN[@]}" "$JAVA" -cp "$JAR" dev.petrel.bench.BounceRate "$CORPUS" \
  "${PETREL_WARMUP:-60}" "${PETREL_MEASURE:-10}")
echo "$PETREL_OUT"
echo
echo "== Sisimai (after Petrel) =="
SISIMAI_OUT2=$("${RUN[@]}" perl bench/sisimai-rate.pl "$CORPUS" "${SISIMAI_ROUNDS:-3}")
echo "$SISIMAI_OUT2"

best() { printf '%s\n%s\n' "$SISIMAI_OUT" "$SISIMAI_OUT2" | awk -v key="$1" 'index($0, key) == 1 {v = substr($0, length(key) + 1) + 0; if (v > m) m = v} END {print m}'; }
SISIMAI=$(best "mails/s:")
SISIMAI_CPU=$(best "mails/cpu-s:")
SISIMAI_MEM=$(best "in-memory mails/s:")
SISIMAI_MEM_CPU=$(best "in-memory mails/cpu-s:")
MEMORY=$(awk '/^in-memory mails\/s:/ {print $3}' <<<"$PETREL_OUT")
DISK=$(awk '/^from-disk mails\/s:/ {print $3}' <<<"$PETREL_OUT")
MEMORY_CPU=$(awk '/^in-memory mails\/cpu-s:/ {print $3}' <<<"$PETREL_OUT")
DISK_CPU=$(awk '/^from-disk mails\/cpu-s:/ {print $3}' <<<"$PETREL_OUT")
echo
echo "== result ($(nproc) CPUs${RUN:+, both pinned to CPU 0}; load average $(cut -d' ' -f1-3 /proc/loadavg)) =="
awk -v s="$SISIMAI" -v sm="$SISIMAI_MEM" -v m="$MEMORY" -v d="$DISK" \
  -v sc="$SISIMAI_CPU" -v smc="$SISIMAI_MEM_CPU" -v mc="$MEMORY_CPU" -v dc="$DISK_CPU" \
  -v goal="$GOAL" 'BEGIN {
  printf "%-36s %12s %14s\n", "", "mails/s", "mails/cpu-s"
  printf "%-36s %12.0f %14.0f\n", "Sisimai, mails already in memory", sm, smc
  printf "%-36s %12.0f %14.0f\n", "Petrel, mails already in memory", m, mc
  printf "%-36s %12.0f %14.0f\n", "Sisimai, reading the folder", s, sc
  printf "%-36s %12.0f %14.0f\n", "Petrel, reading the folder", d, dc
  printf "parsing, both from memory:   %.1fx by CPU time (%.1fx by wall clock): %s the goal of %dx\n", mc / smc, m / sm, (mc / smc >= goal ? "meets" : "BELOW"), goal
  printf "reading the folder and parsing: %.1fx by CPU time (%.1fx by wall clock): %s the goal of %dx\n", dc / sc, d / s, (dc / sc >= goal ? "meets" : "BELOW"), goal
}'
