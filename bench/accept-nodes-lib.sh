# Shared by accept-stores.sh and accept-alternating.sh: CPU ticks from /proc, a private PostgreSQL
# cluster, Petrel nodes started from a tree, and timed smtp-source runs against several ports.
# The sourcing script sets root, work, PG_PORT, BASE_PORT, SESSIONS, PG_STATEMENTS, postfix_conf,
# the array pids and die(), and calls check_tools (which sets source_bin and pg_bin); it sources
# accept-lib.sh too (for median).
# shellcheck shell=bash

# Stops the Petrel nodes in pids, the private Postfix and the private PostgreSQL cluster (the
# sourcing script traps EXIT with it).
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ -f "$postfix_conf/main.cf" ]; then postfix -c "$postfix_conf" stop >/dev/null 2>&1 || true; fi
  if [ -f "$work/pg/data/postmaster.pid" ]; then
    runuser -u postgres -- "$pg_bin/pg_ctl" stop -m fast -D "$work/pg/data" >/dev/null 2>&1 || true
  fi
}

# Checks that the run can work (root, Postfix's smtp-source, PostgreSQL's server programs) and
# sets source_bin and pg_bin.
check_tools() {
  [ "$(id -u)" = 0 ] || die "run as root (Postfix and PostgreSQL switch users)"
  command -v postfix >/dev/null || die "postfix is not installed (apt-get install postfix)"
  source_bin="$(command -v smtp-source || echo /usr/sbin/smtp-source)"
  [ -x "$source_bin" ] || die "smtp-source is not installed (it comes with postfix)"
  pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
  [ -x "$pg_bin/initdb" ] || die "PostgreSQL's server is not installed (apt-get install postgresql)"
}

# The start of a run: everything stopped on exit, a new empty work folder.
begin_run() {
  trap cleanup EXIT
  rm -rf "$work"
  mkdir -p "$work"
}

# The machine, the servers' versions and the load average, on stderr.
print_machine() {
  echo "machine: $(nproc) cores, $(free -g | awk '/^Mem/ { print $2 }') GiB; disk under $work: $(df -T "$work" | awk 'NR==2 { print $2 }')" >&2
  echo "postfix $(postconf -d -h mail_version), PostgreSQL $("$pg_bin/postgres" --version | awk '{ print $3 }'), $("$root/petrel" --version 2>/dev/null)" >&2
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
}

tck=$(getconf CLK_TCK)
# CPU ticks of a process and its children: its own and reaped children's (fields 14-17 of
# /proc/PID/stat), plus the living children's own.
ticks_tree() {
  local top=$1 t=0 c
  [ -r "/proc/$top/stat" ] || { echo 0; return; }
  t=$(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$top/stat")
  for c in $(ps -o pid= --ppid "$top" 2>/dev/null); do
    [ -r "/proc/$c/stat" ] && t=$((t + $(awk '{ print $14 + $15 }' "/proc/$c/stat" 2>/dev/null || echo 0)))
  done
  echo "$t"
}
ticks_of() { local t=0 p; for p in "$@"; do t=$((t + $(ticks_tree "$p"))); done; echo "$t"; }

# ---- PostgreSQL: a private cluster on loopback -------------------------------------------------
setup_pg() {
  mkdir -p "$work/pg"
  chown postgres "$work/pg"
  runuser -u postgres -- "$pg_bin/initdb" -D "$work/pg/data" -U postgres --auth=trust -E UTF8 \
    --locale=C.UTF-8 >"$work/pg/initdb.log" 2>&1 || die "initdb failed: $(cat "$work/pg/initdb.log")"
  runuser -u postgres -- "$pg_bin/pg_ctl" start -w -t 120 -D "$work/pg/data" -l "$work/pg/server.log" \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $work/pg -c max_connections=200 -c fsync=on -c synchronous_commit=on${PG_STATEMENTS:+ -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all}" \
    >/dev/null || die "PostgreSQL did not start: $(cat "$work/pg/server.log")"
}
pg_pid() { head -n1 "$work/pg/data/postmaster.pid"; }
psql_q() { runuser -u postgres -- psql -h "$work/pg" -p "$PG_PORT" -U postgres -At "$@"; }
new_database() { # prints the store URL of a new empty database
  psql_q -c "CREATE DATABASE $1" >/dev/null
  if [ -n "$PG_STATEMENTS" ]; then
    psql_q -d "$1" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
    psql_q -d "$1" -c "SELECT pg_stat_statements_reset()" >/dev/null
  fi
  echo "postgresql://127.0.0.1:$PG_PORT/$1?user=postgres"
}

# ---- Petrel nodes ------------------------------------------------------------------------------
# start_node TREE INDEX DATA_DIR [--store URL]: starts serve, appends its pid to pids
start_node() {
  local tree=$1 i=$2 data=$3
  shift 3
  local smtp=$((BASE_PORT + 2 * i)) http=$((BASE_PORT + 2 * i + 1)) log="$data.log"
  "$tree/petrel" --version >/dev/null # builds the jar when needed, outside the measurement
  "$tree/petrel" serve --data-dir "$data" --smtp-port "$smtp" --http-port "$http" \
    --listen-address 127.0.0.1 --hostname "node$i.bench.test" --node-name "node$i" --paused "$@" \
    >"$log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 600); do
    grep -q "smtp listening on" "$log" 2>/dev/null && return 0
    kill -0 "${pids[-1]}" 2>/dev/null || die "petrel did not start: $(cat "$log")"
    sleep 0.1
  done
  die "petrel did not start listening within 60 s"
}
stop_nodes() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
}

# rate_nodes COUNT PORT... -> messages per second over all ports, COUNT messages to each at once
rate_nodes() {
  local count=$1 start end port jobs=()
  shift
  start=$(date +%s.%N)
  for port in "$@"; do
    "$source_bin" -s "$SESSIONS" -m "$count" -l 1024 -f from@bench.test -t to@example.net \
      "127.0.0.1:$port" >/dev/null &
    jobs+=($!)
  done
  for j in "${jobs[@]}"; do wait "$j"; done
  end=$(date +%s.%N)
  awk -v n="$((count * $#))" -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", n / (b - a) }'
}

