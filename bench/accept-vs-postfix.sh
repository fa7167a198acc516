#!/usr/bin/env bash
# Accepting mail: Petrel against Postfix on this machine, both driven by Postfix's smtp-source
# (20 sessions; 1 KB and 100 KB messages; one and ten messages per connection), both fsyncing
# each message before its 250 (Postfix always does; Petrel's 250 follows its group commit).
# Postfix runs as a private instance on loopback with everything it accepts put on hold, so only
# acceptance is measured (no delivery work competes for the CPU).
#
#   bench/accept-vs-postfix.sh            # MESSAGES=2000 REPEAT=3 by default
#   MESSAGES=5000 REPEAT=5 bench/accept-vs-postfix.sh
#
# Needs root (Postfix's daemons switch users), postfix and smtp-source (Debian: postfix), a JDK 25.
# Prints messages per second for each server and the ratio Petrel/Postfix (median of REPEAT runs).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MESSAGES="${MESSAGES:-2000}"        # per measured run (1 KB); 100 KB runs send a quarter of it
REPEAT="${REPEAT:-3}"
SESSIONS="${SESSIONS:-20}"
PETREL_PORT="${PETREL_PORT:-25251}"
POSTFIX_PORT="${POSTFIX_PORT:-25252}"
work="${BENCH_DIR:-/var/tmp/petrel-bench}"

die() { echo "accept-vs-postfix: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (Postfix needs it)"
command -v postfix >/dev/null || die "postfix is not installed (apt-get install postfix)"
source_bin="$(command -v smtp-source || echo /usr/sbin/smtp-source)"
[ -x "$source_bin" ] || die "smtp-source is not installed (it comes with postfix)"

petrel_pid=""
postfix_conf="$work/postfix/conf"
cleanup() {
  if [ -n "$petrel_pid" ] && kill -0 "$petrel_pid" 2>/dev/null; then
    kill -TERM "$petrel_pid" 2>/dev/null || true
    wait "$petrel_pid" 2>/dev/null || true
  fi
  if [ -f "$postfix_conf/main.cf" ]; then postfix -c "$postfix_conf" stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

rm -rf "$work"
mkdir -p "$work"

# ---- Postfix: a private instance on loopback, holding everything it accepts -------------------
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
# Every message goes to the hold queue: accepted and fsync'd, never delivered.
smtpd_recipient_restrictions = check_client_access static:HOLD, permit_mynetworks, reject_unauth_destination
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
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
CONF
  # The distribution's services, without chroot (the private queue has no /etc inside), and the
  # SMTP listener on the benchmark port.
  sed -e 's/^\([a-z0-9]*[ \t]*\(unix\|unix-dgram\|inet\|fifo\|pass\)[ \t]*[-yn][ \t]*[-yn][ \t]*\)[-y]/\1n/' \
      -e "s/^smtp      inet/127.0.0.1:$POSTFIX_PORT inet/" \
      /usr/share/postfix/master.cf.dist >"$postfix_conf/master.cf"
  chown postfix "$d"
  postfix -c "$postfix_conf" set-permissions >/dev/null 2>&1 || true
  postfix -c "$postfix_conf" check >/dev/null 2>&1 || postfix -c "$postfix_conf" check
  postfix -c "$postfix_conf" start >/dev/null 2>&1 || die "postfix did not start: see $work/postfix/maillog"
}

# ---- Petrel ------------------------------------------------------------------------------------
start_petrel() {
  "$root/petrel" --version >/dev/null # builds the jar when needed, outside the measurement
  "$root/petrel" serve --data-dir "$work/petrel-data" --smtp-port "$PETREL_PORT" \
    --listen-address 127.0.0.1 --hostname petrel.bench.test >"$work/petrel.log" 2>&1 &
  petrel_pid=$!
  for _ in $(seq 1 600); do
    grep -q "smtp listening on" "$work/petrel.log" 2>/dev/null && return 0
    kill -0 "$petrel_pid" 2>/dev/null || die "petrel did not start: $(cat "$work/petrel.log")"
    sleep 0.1
  done
  die "petrel did not start listening within 60 s"
}

wait_port() {
  for _ in $(seq 1 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  die "nothing listens on port $1"
}

# rate PORT LENGTH PER_CONNECTION COUNT -> prints messages per second
rate() {
  local port=$1 len=$2 per=$3 count=$4 start end
  start=$(date +%s.%N)
  if [ "$per" = 1 ]; then
    "$source_bin" -s "$SESSIONS" -m "$count" -l "$len" -f from@bench.test -t to@example.net \
      "127.0.0.1:$port" >/dev/null
  else
    # -d keeps each session's connection for its next message: SESSIONS*PER messages per round
    # is PER messages on each of SESSIONS connections.
    local round=$((SESSIONS * per)) done=0
    while [ "$done" -lt "$count" ]; do
      "$source_bin" -d -s "$SESSIONS" -m "$round" -l "$len" -f from@bench.test -t to@example.net \
        "127.0.0.1:$port" >/dev/null
      done=$((done + round))
    done
    count=$done
  fi
  end=$(date +%s.%N)
  awk -v n="$count" -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", n / (b - a) }'
}

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

declare -A result
measure() { # measure NAME PORT
  local name=$1 port=$2 len per count runs r
  "$source_bin" -s "$SESSIONS" -m 1000 -l 1024 -f from@bench.test -t to@example.net \
    "127.0.0.1:$port" >/dev/null # warm-up, not measured
  for len in 1024 102400; do
    for per in 1 10; do
      count=$MESSAGES
      [ "$len" = 102400 ] && count=$((MESSAGES / 4))
      runs=""
      for _ in $(seq 1 "$REPEAT"); do
        r=$(rate "$port" "$len" "$per" "$count")
        runs="$runs $r"
      done
      result["$name,$len,$per"]=$(echo "$runs" | median)
      echo "  $name ${len}B x$per per connection: runs$runs msgs/s" >&2
    done
  done
}

rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM/ { print $2 }' "/proc/$1/status"; }

echo "machine: $(nproc) cores, $(free -g | awk '/^Mem/ { print $2 }') GiB; disk under $work: $(df -T "$work" | awk 'NR==2 { print $2 }')" >&2
echo "postfix $(postconf -d -h mail_version), $("$root/petrel" --version 2>/dev/null)" >&2

setup_postfix
wait_port "$POSTFIX_PORT"
echo "measuring Postfix on 127.0.0.1:$POSTFIX_PORT ..." >&2
measure postfix "$POSTFIX_PORT"
held=$(find "$work/postfix/queue/hold" -type f | wc -l)
postfix -c "$postfix_conf" stop >/dev/null 2>&1 || true

start_petrel
idle_rss=$(rss_kb "$petrel_pid")
echo "measuring Petrel on 127.0.0.1:$PETREL_PORT (idle RSS $((idle_rss / 1024)) MiB) ..." >&2
measure petrel "$PETREL_PORT"
peak_rss=$(hwm_kb "$petrel_pid")
after_rss=$(rss_kb "$petrel_pid")
kill -TERM "$petrel_pid"
wait "$petrel_pid" 2>/dev/null || true
petrel_pid=""
queued=$("$root/petrel" queue list --json --limit 100000000 --data-dir "$work/petrel-data" 2>/dev/null | wc -l)

echo
echo "Accepting mail, $SESSIONS sessions, smtp-source, fsync before 250; median of $REPEAT runs"
printf '%-8s %-10s %14s %14s %8s\n' size per-conn "postfix msg/s" "petrel msg/s" ratio
for len in 1024 102400; do
  for per in 1 10; do
    p=${result["postfix,$len,$per"]}
    q=${result["petrel,$len,$per"]}
    printf '%-8s %-10s %14s %14s %8s\n' "$((len / 1024)) KB" "$per" "$p" "$q" \
      "$(awk -v a="$q" -v b="$p" 'BEGIN { printf "%.2f", a / b }')"
  done
done
echo "messages held by postfix: $held; queued by petrel: $queued"
echo "petrel RSS: idle $((idle_rss / 1024)) MiB, after the runs $((after_rss / 1024)) MiB, peak $((peak_rss / 1024)) MiB"
