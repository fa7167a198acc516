#!/usr/bin/env bash
# Relaying mail: Petrel against Postfix on this machine, end to end. Each server in turn takes the
# same load from Postfix's smtp-source (SESSIONS parallel sessions, 1 KB messages, one message per
# connection) and relays all of it to Postfix's smtp-sink on loopback; both keep their default
# durability (each message fsync'd into the queue before its 250: Postfix always; Petrel's group
# commit) and their default delivery concurrency (20 connections to one destination on both sides).
# Postfix sends through `relayhost`, Petrel through `--relay-host`; Petrel delivers unpaused.
#
#   bench/relay-vs-postfix.sh              # MESSAGES=2000 REPEAT=3 by default
#   MESSAGES=5000 REPEAT=5 bench/relay-vs-postfix.sh
#
# Both servers run side by side, each with its own sink, and are measured in turn (postfix, petrel,
# postfix, ...) so that both meet the same machine. Messages per second = MESSAGES / (time the sink counted the last message - time smtp-source
# started); the sink's count is smtp-sink's own counter (-c), read every 50 ms. Each server first
# relays WARMUP messages, not measured. Also printed: the rate of acceptance alone (smtp-source's
# run time), and each server's CPU time per 1000 messages (user + system, Postfix's master and all
# its daemons, Petrel's JVM), which is less sensitive to a noisy machine than wall time.
#
# Needs root (Postfix's daemons switch users), postfix, smtp-source and smtp-sink (Debian: postfix),
# a JDK 25. Prints the median of REPEAT runs for each server and the ratio Petrel/Postfix.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MESSAGES="${MESSAGES:-2000}"
REPEAT="${REPEAT:-3}"
WARMUP="${WARMUP:-1000}"
SESSIONS="${SESSIONS:-20}"
LENGTH="${LENGTH:-1024}"
PETREL_PORT="${PETREL_PORT:-25261}"
POSTFIX_PORT="${POSTFIX_PORT:-25262}"
POSTFIX_SINK_PORT="${POSTFIX_SINK_PORT:-25263}"
PETREL_SINK_PORT="${PETREL_SINK_PORT:-25264}"
work="${BENCH_DIR:-/var/tmp/petrel-relay-bench}"

die() { echo "relay-vs-postfix: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (Postfix needs it)"
command -v postfix >/dev/null || die "postfix is not installed (apt-get install postfix)"
source_bin="$(command -v smtp-source || echo /usr/sbin/smtp-source)"
sink_bin="$(command -v smtp-sink || echo /usr/sbin/smtp-sink)"
[ -x "$source_bin" ] && [ -x "$sink_bin" ] || die "smtp-source/smtp-sink missing (they come with postfix)"

petrel_pid=""
declare -A sink_pid sink_out
postfix_conf="$work/postfix/conf"
cleanup() {
  local s
  if [ -n "$petrel_pid" ] && kill -0 "$petrel_pid" 2>/dev/null; then
    kill -TERM "$petrel_pid" 2>/dev/null || true
    wait "$petrel_pid" 2>/dev/null || true
  fi
  if [ -f "$postfix_conf/main.cf" ]; then postfix -c "$postfix_conf" stop >/dev/null 2>&1 || true; fi
  for s in "${sink_pid[@]}"; do
    kill -TERM "$s" 2>/dev/null || true
    wait "$s" 2>/dev/null || true
  done
}
for port in "$PETREL_PORT" "$POSTFIX_PORT" "$POSTFIX_SINK_PORT" "$PETREL_SINK_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    die "port $port is in use (another run?); choose others with PETREL_PORT, POSTFIX_PORT, POSTFIX_SINK_PORT, PETREL_SINK_PORT"
  fi
done
trap cleanup EXIT
rm -rf "$work"
mkdir -p "$work"
chmod 755 "$work"

# ---- the sinks: smtp-sink with running counters, one for each server -------------------------
start_sink() { # start_sink NAME PORT
  "$sink_bin" -c -u nobody "127.0.0.1:$2" 1024 >"$work/sink-$1.out" 2>&1 &
  sink_pid[$1]=$!
  sink_out[$1]="$work/sink-$1.out"
  wait_port "$2"
}

# Messages server NAME's sink has taken so far: the last "mesg=N" of its counter line (which
# smtp-sink rewrites after a carriage return).
sink_count() {
  local n
  n=$(tail -c 200 "${sink_out[$1]}" | tr '\r' '\n' | grep -o 'mesg=[0-9]*' | tail -1 | cut -d= -f2)
  echo "${n:-0}"
}

wait_port() {
  for _ in $(seq 1 600); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  die "nothing listens on port $1"
}

# ---- Postfix: a private instance on loopback relaying everything to the sink -----------------
setup_postfix() {
  local q="$work/postfix/queue" d="$work/postfix/data"
  mkdir -p "$postfix_conf" "$q" "$d"
  cat >"$postfix_conf/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $q
data_directory = $d
mail_owner = postfix
setgid_group = postdrop
myhostname = postfix.bench.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_peername_lookup = no
smtpd_relay_restrictions = permit_mynetworks, reject
relayhost = [127.0.0.1]:$POSTFIX_SINK_PORT
message_size_limit = 26214400
default_process_limit = 200
smtpd_client_connection_count_limit = 0
smtpd_client_connection_rate_limit = 0
smtpd_client_message_rate_limit = 0
alias_maps =
alias_database =
local_recipient_maps =
biff = no
maillog_file = $work/postfix/maillog
maillog_file_prefixes = $work
CONF
  # The distribution's services, without chroot (the private queue has no /etc inside), and the
  # SMTP listener on the benchmark port.
  sed -e 's/^\([a-z0-9]*[ \t]*\(unix\|unix-dgram\|inet\|fifo\|pass\)[ \t]*[-yn][ \t]*[-yn][ \t]*\)[-y]/\1n/' \
      -e "s/^smtp      inet/127.0.0.1:$POSTFIX_PORT inet/" \
      /usr/share/postfix/master.cf.dist >"$postfix_conf/master.cf"
  chown postfix "$d"
  postfix -c "$postfix_conf" check >/dev/null 2>&1 || postfix -c "$postfix_conf" check
  postfix -c "$postfix_conf" start >/dev/null 2>&1 || die "postfix did not start: see $work/postfix/maillog"
}

# ---- Petrel ------------------------------------------------------------------------------------
start_petrel() {
  env -u PETREL_JAVA_OPTS "$root/petrel" --version >/dev/null # builds the jar when needed, outside the measurement
  PETREL_LOG_LEVEL="${PETREL_LOG_LEVEL:-WARN}" "$root/petrel" serve --data-dir "$work/petrel-data" \
    --smtp-port "$PETREL_PORT" --listen-address 127.0.0.1 --hostname petrel.bench.test \
    --relay-host "127.0.0.1:$PETREL_SINK_PORT" >"$work/petrel.log" 2>&1 &
  petrel_pid=$!
  wait_port "$PETREL_PORT"
}

# CPU time in clock ticks of a process and its live descendants, with their reaped children.
cpu_ticks() {
  local pid=$1 total=0 p
  for p in $pid $(descendants "$pid"); do
    [ -r "/proc/$p/stat" ] || continue
    total=$((total + $(sed 's/^.*) //' "/proc/$p/stat" | awk '{ print $12 + $13 + $14 + $15 }')))
  done
  echo "$total"
}
descendants() {
  local c
  for c in $(pgrep -P "$1" || true); do
    echo "$c"
    descendants "$c"
  done
}

# run NAME PORT COUNT PID -> "relay_rate accept_rate cpu_ms_per_1000"
run() {
  local name=$1 port=$2 count=$3 pid=$4 base start accepted end cpu0 cpu1 src deadline
  base=$(sink_count "$name")
  cpu0=$(cpu_ticks "$pid")
  start=$(date +%s.%N)
  "$source_bin" -s "$SESSIONS" -m "$count" -l "$LENGTH" -f from@bench.test -t to@example.net \
    "127.0.0.1:$port" >/dev/null &
  src=$!
  accepted=""
  deadline=$((SECONDS + 600))
  while [ "$(sink_count "$name")" -lt $((base + count)) ]; do
    if [ -z "$accepted" ] && ! kill -0 "$src" 2>/dev/null; then
      accepted=$(date +%s.%N)
      wait "$src" || die "smtp-source failed against $name (see its message above)"
    fi
    sleep 0.05
    [ "$SECONDS" -lt "$deadline" ] || die "$name's sink has $(( $(sink_count "$name") - base )) of $count messages after 10 minutes"
  done
  end=$(date +%s.%N)
  if [ -z "$accepted" ]; then
    accepted=$end
    wait "$src" || die "smtp-source failed against $name"
  fi
  cpu1=$(cpu_ticks "$pid")
  awk -v n="$count" -v a="$start" -v b="$end" -v c="$accepted" -v t=$((cpu1 - cpu0)) \
    -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.0f %.0f %.0f", n / (b - a), n / (c - a), t * 1000 / hz * 1000 / n }'
}

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

declare -A result runs
# One measured run of server NAME (PORT, PID), its figures printed and kept.
measure() {
  local name=$1 port=$2 pid=$3 r load
  load=$(cut -d' ' -f1 /proc/loadavg)
  r=$(run "$name" "$port" "$MESSAGES" "$pid")
  set -- $r
  runs["$name,relay"]="${runs["$name,relay"]:-} $1"
  runs["$name,accept"]="${runs["$name,accept"]:-} $2"
  runs["$name,cpu"]="${runs["$name,cpu"]:-} $3"
  echo "  $name: relayed $1 msg/s end to end (accepted $2 msg/s; $3 CPU ms per 1000 messages; load before: $load)" >&2
}

echo "machine: $(nproc) cores, $(free -g | awk '/^Mem/ { print $2 }') GiB; disk under $work: $(df -T "$work" | awk 'NR==2 { print $2 }'); load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "postfix $(postconf -d -h mail_version 2>/dev/null), $(env -u PETREL_JAVA_OPTS "$root/petrel" --version 2>/dev/null)" >&2

start_sink postfix "$POSTFIX_SINK_PORT"
start_sink petrel "$PETREL_SINK_PORT"
setup_postfix
wait_port "$POSTFIX_PORT"
postfix_pid=$(tr -d ' \n' <"$work/postfix/queue/pid/master.pid")
start_petrel
echo "Postfix on 127.0.0.1:$POSTFIX_PORT -> smtp-sink on $POSTFIX_SINK_PORT; Petrel on 127.0.0.1:$PETREL_PORT -> smtp-sink on $PETREL_SINK_PORT" >&2
echo "warming up each with $WARMUP messages ..." >&2
run postfix "$POSTFIX_PORT" "$WARMUP" "$postfix_pid" >/dev/null
run petrel "$PETREL_PORT" "$WARMUP" "$petrel_pid" >/dev/null
# Alternating runs, so both servers see the same (noisy) machine.
for _ in $(seq 1 "$REPEAT"); do
  measure postfix "$POSTFIX_PORT" "$postfix_pid"
  measure petrel "$PETREL_PORT" "$petrel_pid"
done
for k in "${!runs[@]}"; do result[$k]=$(echo "${runs[$k]}" | median); done
result[postfix,runs]=${runs[postfix,relay]}
result[petrel,runs]=${runs[petrel,relay]}

# The sink counts a message at its final dot, a moment before the server records the 250: give
# Petrel's last results a few seconds to be written before stopping it.
undelivered() {
  env -u PETREL_JAVA_OPTS "$root/petrel" queue list --json --limit 100000000 --data-dir "$work/petrel-data" 2>/dev/null |
    grep '^{"id"' | grep -c -v '"state":"delivered"' || true
}
for _ in $(seq 1 10); do
  [ "$(undelivered)" = 0 ] && break
  sleep 1
done
sunk_postfix=$(sink_count postfix)
sunk_petrel=$(sink_count petrel)
left_postfix=$(find "$work/postfix/queue/active" "$work/postfix/queue/deferred" "$work/postfix/queue/incoming" -type f | wc -l)
postfix -c "$postfix_conf" stop >/dev/null 2>&1 || true
kill -TERM "$petrel_pid"
wait "$petrel_pid" 2>/dev/null || true
petrel_pid=""
not_delivered=$(undelivered)

total=$((WARMUP + REPEAT * MESSAGES))
echo
echo "Relaying mail, smtp-source -> server -> smtp-sink, $SESSIONS sessions, $LENGTH-byte messages, fsync on; median of $REPEAT runs of $MESSAGES"
printf '%-8s %16s %14s %18s\n' server "relayed msg/s" "accepted msg/s" "CPU ms/1000 msgs"
for s in postfix petrel; do
  printf '%-8s %16s %14s %18s\n' "$s" "${result["$s,relay"]}" "${result["$s,accept"]}" "${result["$s,cpu"]}"
done
echo "ratio petrel/postfix, relayed end to end: $(awk -v a="${result[petrel,relay]}" -v b="${result[postfix,relay]}" 'BEGIN { printf "%.2f", a / b }')"
echo "runs (relayed msg/s): postfix${result[postfix,runs]}; petrel${result[petrel,runs]}"
echo "sent to each server: $total; the sink counted $sunk_postfix from Postfix, $sunk_petrel from Petrel; left in Postfix's queue: $left_postfix; Petrel messages with a recipient not delivered: $not_delivered"
