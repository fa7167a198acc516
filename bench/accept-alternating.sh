#!/usr/bin/env bash
# Postfix, Petrel on PostgreSQL (one node) and Petrel on its embedded store, measured in turns on
# one machine: all three servers run side by side (idle while another is measured), and each round
# times one smtp-source run against each, in an order that rotates from round to round. A machine
# that is shared, or whose speed drifts, then weighs on all three alike, and each round gives a
# ratio of like with like; the result is the median of the rounds' ratios, with the rounds listed.
# accept-stores.sh measures one server after the other instead (and several nodes).
#
# Settings as in accept-stores.sh: SESSIONS sessions, 1 KB messages, one message per connection,
# every server fsyncs each message before its 250, Postfix holds everything and Petrel runs with
# delivery paused. CPU per message from /proc (utime+stime) of each server's processes, and of
# PostgreSQL's during Petrel's PostgreSQL turns.
#
#   bench/accept-alternating.sh                      # ROUNDS=7 MESSAGES=2000 WARMUP=15000
#   ROUNDS=11 MESSAGES=3000 bench/accept-alternating.sh
#
# Needs root (Postfix's daemons and PostgreSQL's server switch users), postfix (smtp-source),
# postgresql (Debian's server binaries under /usr/lib/postgresql/N/bin), a JDK 25.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${ROUNDS:-7}"
MESSAGES="${MESSAGES:-2000}" # per run
WARMUP="${WARMUP:-15000}"    # messages to each server before the first round, not measured
SESSIONS="${SESSIONS:-20}"
POSTFIX_PORT="${POSTFIX_PORT:-25352}"
PG_PORT="${PG_PORT:-25360}"
BASE_PORT="${BASE_PORT:-25370}" # Petrel node i: SMTP BASE_PORT+2i, HTTP BASE_PORT+2i+1
PG_STATEMENTS=""
work="${BENCH_DIR:-/var/tmp/petrel-bench-alternating}"

die() { echo "accept-alternating: $*" >&2; exit 1; }
# shellcheck source=bench/accept-lib.sh
source "$root/bench/accept-lib.sh"
# shellcheck source=bench/accept-nodes-lib.sh
source "$root/bench/accept-nodes-lib.sh"
check_tools

postfix_conf="$work/postfix/conf"
pids=()
begin_run

print_machine

setup_postfix
wait_port "$POSTFIX_PORT"
setup_pg
start_node "$root" 0 "$work/postgresql" --store "$(new_database alternating)"
start_node "$root" 1 "$work/embedded"

names=(postfix postgresql embedded)
ports=("$POSTFIX_PORT" "$BASE_PORT" "$((BASE_PORT + 2))")
servers=("$(tr -d ' ' <"$work/postfix/queue/pid/master.pid")" "${pids[0]}" "${pids[1]}")
declare -A rates=() ticks=() dbticks=()
for i in 0 1 2; do
  "$source_bin" -s "$SESSIONS" -m "$WARMUP" -l 1024 -f from@bench.test -t to@example.net \
    "127.0.0.1:${ports[$i]}" >/dev/null # warm-up (the JIT compiler), not measured
  ticks[$i]=0
  dbticks[$i]=0
done

echo "round  order                          postfix  postgresql  embedded  pg/postfix  load before" >&2
pg_ratios=""
emb_ratios=""
for r in $(seq 1 "$ROUNDS"); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  order=""
  for k in 0 1 2; do
    i=$(((r + k) % 3))
    order="$order ${names[$i]}"
    t0=$(ticks_of "${servers[$i]}")
    d0=$(ticks_of "$(pg_pid)")
    rate=$(rate_nodes "$MESSAGES" "${ports[$i]}")
    t1=$(ticks_of "${servers[$i]}")
    d1=$(ticks_of "$(pg_pid)")
    rates[$r,$i]=$rate
    ticks[$i]=$((ticks[$i] + t1 - t0))
    dbticks[$i]=$((dbticks[$i] + d1 - d0))
  done
  pg_ratio=$(awk -v a="${rates[$r,1]}" -v b="${rates[$r,0]}" 'BEGIN { printf "%.2f", a / b }')
  emb_ratio=$(awk -v a="${rates[$r,2]}" -v b="${rates[$r,0]}" 'BEGIN { printf "%.2f", a / b }')
  pg_ratios="$pg_ratios $pg_ratio"
  emb_ratios="$emb_ratios $emb_ratio"
  printf '%5d %-31s %8s %11s %9s %11s  %s\n' "$r" "$order" "${rates[$r,0]}" "${rates[$r,1]}" \
    "${rates[$r,2]}" "$pg_ratio" "$load" >&2
done

echo "  messages in the database: $(psql_q -d alternating -c 'SELECT count(*) FROM messages')" \
  "(expected $((MESSAGES * ROUNDS + WARMUP)))" >&2

n=$((MESSAGES * ROUNDS))
echo
echo "Accepting mail in turns: smtp-source, $SESSIONS sessions, 1 KB, one message per connection,"
echo "fsync before each 250; $ROUNDS rounds of $MESSAGES messages to each server, order rotating"
for i in 0 1 2; do
  list=""
  for r in $(seq 1 "$ROUNDS"); do list="$list ${rates[$r,$i]}"; done
  awk -v name="${names[$i]}" -v med="$(echo "$list" | median)" -v runs="$list" -v n="$n" \
    -v s="${ticks[$i]}" -v d="${dbticks[$i]}" -v hz="$tck" -v db="$([ "$i" = 1 ] && echo 1 || echo 0)" \
    'BEGIN { printf "%-11s %5s msg/s median (rounds%s)  server %.2f ms CPU/msg%s\n", name, med, runs,
             1000 * s / hz / n, (db ? sprintf("  PostgreSQL %.2f ms CPU/msg", 1000 * d / hz / n) : "") }'
done
above=$(echo "$pg_ratios" | tr ' ' '\n' | awk '$1 >= 1 { c++ } END { print c + 0 }')
echo "PostgreSQL/Postfix: median $(echo "$pg_ratios" | median) (rounds$pg_ratios); at least 1.00 in $above of $ROUNDS rounds"
echo "embedded/Postfix:   median $(echo "$emb_ratios" | median) (rounds$emb_ratios)"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
