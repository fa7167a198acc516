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

# Postfix setup, smtp-source timing and the median: shared with accept-stores.sh.
# shellcheck source=bench/accept-lib.sh
source "$root/bench/accept-lib.sh"

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
