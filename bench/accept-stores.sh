#!/usr/bin/env bash
# Accepting mail with each store, back to back in one run on this machine: Postfix, Petrel on its
# embedded store, Petrel on PostgreSQL (this tree; with BEFORE_TREE also an older tree, for a
# before/after), then two and three Petrel nodes sharing one PostgreSQL database. Every server
# fsyncs each message before its 250 (Postfix always; Petrel's group commit; PostgreSQL with
# fsync=on, synchronous_commit=on). Postfix puts everything on hold and Petrel runs with delivery
# paused, so only acceptance is measured. Driven by Postfix's smtp-source: SESSIONS sessions per
# node, 1 KB messages, one message per connection.
#
# Also CPU seconds per message of each server, from /proc (utime+stime): Petrel's JVM; PostgreSQL's
# postmaster and every backend (exited ones through the postmaster's cutime); Postfix's master and
# its daemons. The load average is printed before each configuration: the machine may be shared.
#
#   bench/accept-stores.sh                                   # MESSAGES=2000 REPEAT=3 WARMUP=5000
#   BEFORE_TREE=/var/tmp/petrel-before bench/accept-stores.sh  # also that tree's build on PostgreSQL
#   PG_PARAMS='&writers=4' bench/accept-stores.sh              # store URL options of this tree
#   PG_STATEMENTS=1 NODES=1 bench/accept-stores.sh             # where PostgreSQL's time goes
#
# PG_STATEMENTS=1 loads pg_stat_statements and, after each PostgreSQL configuration, prints the
# statements that took the server's time, with calls per accepted message. NODES lists the node
# counts to measure on PostgreSQL (default "1 2 3").
#
# Needs root (Postfix's daemons and PostgreSQL's server switch users), postfix (smtp-source),
# postgresql (Debian's server binaries under /usr/lib/postgresql/N/bin), a JDK 25.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MESSAGES="${MESSAGES:-2000}" # per measured run and node
REPEAT="${REPEAT:-3}"
WARMUP="${WARMUP:-5000}" # messages to each node before its runs, not measured (was 500 until 2026-12-07)
SESSIONS="${SESSIONS:-20}"
POSTFIX_PORT="${POSTFIX_PORT:-25252}"
PG_PORT="${PG_PORT:-25260}"
BASE_PORT="${BASE_PORT:-25270}" # Petrel node i: SMTP BASE_PORT+2i, HTTP BASE_PORT+2i+1
BEFORE_TREE="${BEFORE_TREE:-}"
PG_STATEMENTS="${PG_STATEMENTS:-}"
NODES="${NODES:-1 2 3}"
PG_PARAMS="${PG_PARAMS:-}" # appended to this tree's store URLs, e.g. "&writers=4&pool=12"
work="${BENCH_DIR:-/var/tmp/petrel-bench-stores}"

die() { echo "accept-stores: $*" >&2; exit 1; }
# shellcheck source=bench/accept-lib.sh
source "$root/bench/accept-lib.sh"
# shellcheck source=bench/accept-nodes-lib.sh
source "$root/bench/accept-nodes-lib.sh"
check_tools
[ -z "$BEFORE_TREE" ] || [ -x "$BEFORE_TREE/petrel" ] || die "no petrel launcher in $BEFORE_TREE"

postfix_conf="$work/postfix/conf"
pids=()
begin_run

# measure NAME "SERVER PIDS" "DATABASE PIDS" PORT...: warm-up, REPEAT runs; one result line
results=()
measure() {
  local name=$1 servers=$2 db=$3 runs="" r t0 d0 t1 d1 port
  shift 3
  local load
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  for port in "$@"; do
    "$source_bin" -s "$SESSIONS" -m "$WARMUP" -l 1024 -f from@bench.test -t to@example.net \
      "127.0.0.1:$port" >/dev/null # warm-up (the JIT compiler), not measured
  done
  # shellcheck disable=SC2086
  t0=$(ticks_of $servers)
  # shellcheck disable=SC2086
  d0=$(ticks_of $db)
  for _ in $(seq 1 "$REPEAT"); do
    r=$(rate_nodes "$MESSAGES" "$@")
    runs="$runs $r"
  done
  # shellcheck disable=SC2086
  t1=$(ticks_of $servers)
  # shellcheck disable=SC2086
  d1=$(ticks_of $db)
  local n=$((MESSAGES * REPEAT * $#))
  local line
  line=$(awk -v name="$name" -v med="$(echo "$runs" | median)" -v runs="$runs" -v n="$n" \
    -v s="$((t1 - t0))" -v d="$((d1 - d0))" -v hz="$tck" -v load="$load" \
    'BEGIN { printf "%-34s %7s msg/s (runs%s)  server %.2f ms CPU/msg  database %s  load before %s",
             name, med, runs, 1000 * s / hz / n, (d > 0 ? sprintf("%.2f ms CPU/msg", 1000 * d / hz / n) : "-"), load }')
  echo "  $line" >&2
  results+=("$line")
}

print_machine

# 1. Postfix
setup_postfix
wait_port "$POSTFIX_PORT"
echo "Postfix ..." >&2
measure "postfix" "$(cat "$work/postfix/queue/pid/master.pid" | tr -d ' ')" "" "$POSTFIX_PORT"
postfix -c "$postfix_conf" stop >/dev/null 2>&1 || true

# 2. Petrel, embedded store
echo "Petrel, embedded store ..." >&2
start_node "$root" 0 "$work/embedded"
measure "petrel, embedded store" "${pids[*]}" "" "$BASE_PORT"
stop_nodes

# 3. Petrel on PostgreSQL: the older tree first, then this one; each on a new database
setup_pg
if [ -n "$BEFORE_TREE" ]; then
  echo "Petrel (before: $BEFORE_TREE) on PostgreSQL ..." >&2
  url=$(new_database before1)
  start_node "$BEFORE_TREE" 0 "$work/before1" --store "$url"
  measure "petrel before, postgresql, 1 node" "${pids[*]}" "$(pg_pid)" "$BASE_PORT"
  stop_nodes
fi
for nodes in $NODES; do
  echo "Petrel on PostgreSQL, $nodes node(s) ..." >&2
  url=$(new_database "after$nodes")$PG_PARAMS
  ports=()
  for i in $(seq 0 $((nodes - 1))); do
    start_node "$root" "$i" "$work/after$nodes-$i" --store "$url"
    ports+=($((BASE_PORT + 2 * i)))
  done
  measure "petrel, postgresql, $nodes node(s)" "${pids[*]}" "$(pg_pid)" "${ports[@]}"
  stop_nodes
  echo "  messages in the database: $(psql_q -d "after$nodes" -c 'SELECT count(*) FROM messages')" \
    "(expected $(((MESSAGES * REPEAT + WARMUP) * nodes)))" >&2
  if [ -n "$PG_STATEMENTS" ]; then
    echo "  PostgreSQL's time by statement (this database; calls and ms per accepted message):" >&2
    psql_q -d "after$nodes" -F ' | ' -c "
      WITH n AS (SELECT count(*)::numeric AS m FROM messages)
      SELECT round(s.calls / n.m, 2), round((s.total_exec_time / n.m)::numeric, 3),
             left(regexp_replace(s.query, '\s+', ' ', 'g'), 110)
      FROM pg_stat_statements s, n, pg_database d
      WHERE s.dbid = d.oid AND d.datname = 'after$nodes'
      ORDER BY s.total_exec_time DESC LIMIT 20" | sed 's/^/    /' >&2
  fi
done

echo
echo "Accepting mail: smtp-source, $SESSIONS sessions per node, 1 KB, one message per connection,"
echo "fsync before each 250; median of $REPEAT runs of $MESSAGES messages per node"
for line in "${results[@]}"; do echo "$line"; done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
