#!/usr/bin/env bash
# A deferred backlog: MESSAGES messages queued for a destination that answers
# every RCPT with 450, then fresh mail to another destination. Petrel runs as `petrel serve` with a
# 512 MB heap, routing a.test to Postfix's smtp-sink with -r RCPT (4xx to every recipient) and
# b.test to an smtp-sink that accepts; smtp-source fills the queue (20 sessions, 1 KB messages).
#
#   bench/deferred-backlog.sh                 # MESSAGES=100000
#   MESSAGES=20000 bench/deferred-backlog.sh
#
# Prints: time to fill, time until every message was tried and deferred, time for FRESH messages to
# b.test to be delivered, heap used after a full GC (jcmd GC.run, GC.heap_info), RSS, and the
# recipients of a.test by state (all must be deferred, each with its next attempt).
# Needs smtp-sink and smtp-source (Debian: postfix), sqlite3, a JDK 25 (jcmd).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MESSAGES="${MESSAGES:-100000}"
FRESH="${FRESH:-20}"
PORT="${PORT:-25261}"
SINK_A="${SINK_A:-25262}"
SINK_B="${SINK_B:-25263}"
HEAP="${HEAP:--Xms32m -Xmx512m}"
work="${BENCH_DIR:-/var/tmp/petrel-backlog}"

die() { echo "deferred-backlog: $*" >&2; exit 1; }
for p in smtp-sink smtp-source sqlite3; do
  command -v "$p" >/dev/null || [ -x "/usr/sbin/$p" ] || die "$p is not installed"
done
PATH="$PATH:/usr/sbin"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

rm -rf "$work" && mkdir -p "$work" && chmod 777 "$work"
user=(); [ "$(id -u)" = 0 ] && user=(-u nobody)
smtp-sink "${user[@]}" -r RCPT "127.0.0.1:$SINK_A" 256 >"$work/sink-a.log" 2>&1 & pids+=($!)
smtp-sink "${user[@]}" "127.0.0.1:$SINK_B" 256 >"$work/sink-b.log" 2>&1 & pids+=($!)

PETREL_JAVA_OPTS="$HEAP" "$root/petrel" serve --data-dir "$work/data" --smtp-port "$PORT" \
  --listen-address 127.0.0.1 --hostname petrel.test \
  --route "a.test=127.0.0.1:$SINK_A" --route "b.test=127.0.0.1:$SINK_B" >"$work/petrel.log" 2>&1 &
petrel=$!; pids+=("$petrel")
for _ in $(seq 1 600); do grep -q "smtp listening" "$work/petrel.log" && break; sleep 0.2; done
grep -q "smtp listening" "$work/petrel.log" || die "petrel did not start: $(tail -5 "$work/petrel.log")"
jpid=$(pgrep -P "$petrel" java || echo "$petrel")   # ./petrel execs java: usually the same pid

db="$work/data/petrel.db"
count() { sqlite3 -cmd ".timeout 10000" "$db" "SELECT count(*) FROM recipients WHERE $1"; }
now() { date +%s.%N; }

t0=$(now)
smtp-source -s 20 -m "$MESSAGES" -l 1024 -f load@load.test -t rcpt@a.test "127.0.0.1:$PORT"
t1=$(now)
until [ "$(count "domain = 'a.test' AND state = 'deferred'")" -ge "$MESSAGES" ]; do
  kill -0 "$jpid" 2>/dev/null || die "petrel died: $(tail -5 "$work/petrel.log")"
  sleep 1
done
t2=$(now)
smtp-source -s 2 -m "$FRESH" -l 1024 -f load@load.test -t fresh@b.test "127.0.0.1:$PORT"
until [ "$(count "domain = 'b.test' AND state = 'delivered'")" -ge "$FRESH" ]; do sleep 0.05; done
t3=$(now)

jcmd "$jpid" GC.run >/dev/null
heap=$(jcmd "$jpid" GC.heap_info | sed -n 's/.*committed \([0-9]*\)K, used \([0-9]*\)K.*/\2 \1/p' | head -1)
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$jpid/status")
kill -0 "$jpid" || die "petrel died"
! grep -q OutOfMemoryError "$work/petrel.log" || die "OutOfMemoryError in $work/petrel.log"

echo "deferred backlog: $MESSAGES messages to a.test (450 to every RCPT), $FRESH fresh to b.test"
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v n="$MESSAGES" -v f="$FRESH" 'BEGIN {
  printf "  fill (smtp-source, 20 sessions, 1 KB):  %.1f s (%.0f msg/s)\n", b - a, n / (b - a)
  printf "  all tried and deferred after:           %.1f s\n", c - a
  printf "  %d fresh messages delivered in:         %.2f s\n", f, d - c }'
read -r used committed <<<"$heap"
awk -v u="$used" -v c="$committed" -v r="$rss" 'BEGIN {
  printf "  heap used after GC: %.1f MiB (committed %.1f MiB, limit 512 MiB); RSS %.1f MiB\n", u / 1024, c / 1024, r / 1024 }'
echo "  a.test recipients by state (state|count|with next attempt|leased):"
sqlite3 -cmd ".timeout 10000" "$db" "SELECT state, count(*), count(next_attempt), count(lease_id) FROM recipients WHERE domain = 'a.test' GROUP BY state" | sed 's/^/    /'
