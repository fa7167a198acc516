#!/usr/bin/env bash
# Side by side: Debian's Sisimai (libsisimai-perl) and Petrel's bounce parser over the same folder
# of bounce mails, one CPU each. Installs Sisimai with apt-get when it is missing (needs root or
# sudo). Prints both rates and the ratio; the goal is Petrel at least 20 times Sisimai.
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
MEMORY=$(awk '/^in-memory mails\/s:/ {print $3}' <<<"$PETREL_OUT")
DISK=$(awk '/^from-disk mails\/s:/ {print $3}' <<<"$PETREL_OUT")
echo
echo "== result ($(nproc) CPUs${RUN:+, both pinned to CPU 0}) =="
awk -v s="$SISIMAI" -v m="$MEMORY" -v d="$DISK" -v goal="$GOAL" 'BEGIN {
  printf "Sisimai (reads the folder):      %10.1f mails/s\n", s
  printf "Petrel, reading the folder:      %10.1f mails/s  = %.1fx Sisimai\n", d, d / s
  printf "Petrel, mails already in memory: %10.1f mails/s  = %.1fx Sisimai\n", m, m / s
  printf "ratio: %.1f (like for like, both reading the folder): %s the goal of %dx\n", d / s, (d / s >= goal ? "meets" : "BELOW"), goal
}'
