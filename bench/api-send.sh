#!/usr/bin/env bash
# Messages accepted per second through POST /api/v1/messages with 20 concurrent clients (wrk and a
# Lua script that posts a 1 KB message), then the same number through the SMTP listener with
# smtp-source (20 sessions, 1 KB), against one `./petrel serve` with delivery paused. Both counts
# come from Petrel's own /metrics (petrel_accepted_messages_total by source), so only mail that
# was really queued counts.
#
# The API limits each account to 200 requests a second (burst 400); one account would measure that
# limit, not the server. The wrk connections therefore take turns over ACCOUNTS accounts (unlimited
# plan, keys made with `petrel keys create` before the server starts).
#
#   bench/api-send.sh   # DURATION=20 (s of wrk), CLIENTS=20, ACCOUNTS=10, REPEAT=3, HTTP_PORT, SMTP_PORT
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION="${DURATION:-20}"
CLIENTS="${CLIENTS:-20}"
ACCOUNTS="${ACCOUNTS:-10}" # 200 requests/s each: 2,000/s in all, over twice the SMTP rate here
REPEAT="${REPEAT:-3}"
HTTP_PORT="${HTTP_PORT:-28081}"
SMTP_PORT="${SMTP_PORT:-25261}"
work="${BENCH_DIR:-/var/tmp/petrel-bench-api}"

die() { echo "api-send: $*" >&2; exit 1; }
command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk)"
command -v curl >/dev/null || die "curl is not installed"
source_bin="$(command -v smtp-source || echo /usr/sbin/smtp-source)"
[ -x "$source_bin" ] || die "smtp-source is not installed (it comes with postfix)"

petrel_pid=""
cleanup() {
  if [ -n "$petrel_pid" ] && kill -0 "$petrel_pid" 2>/dev/null; then
    kill -TERM "$petrel_pid" 2>/dev/null || true
    wait "$petrel_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT

data="$work/petrel-data"
if [ "${REUSE_ACCOUNTS:-0}" = 1 ] && [ -f "$work/keys" ] && [ ! -f "$work/petrel.log" ]; then
  echo "reusing the accounts made by the last run (its server never started)" >&2
else
  rm -rf "$work"
  mkdir -p "$work"

"$root/petrel" --version >/dev/null # builds the jar when needed, outside the measurement
echo "making $ACCOUNTS accounts and keys (one JVM start each, one after another) ..." >&2
for i in $(seq 0 $((ACCOUNTS - 1))); do
  "$root/petrel" accounts create "bench$i" --plan unlimited --data-dir "$data" >/dev/null 2>&1
  "$root/petrel" keys create "bench$i" --data-dir "$data" 2>/dev/null | awk '/^key:/ { print $2 }'
done >"$work/keys"
[ "$(grep -c . "$work/keys")" = "$ACCOUNTS" ] || die "could not make $ACCOUNTS keys"
fi

PETREL_BOOTSTRAP_API_KEY="pk_bench_$(date +%s%N)_operator" \
  "$root/petrel" serve --paused=true --data-dir "$data" --smtp-port "$SMTP_PORT" \
  --http-port "$HTTP_PORT" --listen-address 127.0.0.1 --hostname petrel.bench.test \
  >"$work/petrel.log" 2>&1 &
petrel_pid=$!
for _ in $(seq 1 600); do
  curl -fs "http://127.0.0.1:$HTTP_PORT/readyz" >/dev/null 2>&1 && break
  kill -0 "$petrel_pid" 2>/dev/null || die "petrel did not start: $(cat "$work/petrel.log")"
  sleep 0.1
done
curl -fs "http://127.0.0.1:$HTTP_PORT/readyz" >/dev/null || die "petrel did not start within 60 s"

# One connection per wrk thread, each with its own account's key; 1 KB of text in the body.
cat >"$work/post.lua" <<'LUA'
local keys = {}
for line in io.lines(os.getenv("KEYS_FILE")) do keys[#keys + 1] = line end
local next_key = 0
function setup(thread)
  next_key = next_key + 1
  thread:set("key", keys[(next_key - 1) % #keys + 1])
end
local body = '{"from": "app@bench.test", "to": ["to@example.net"], "subject": "bench",'
  .. ' "text": "' .. string.rep("x", 1024) .. '"}'
function request()
  return wrk.format("POST", "/api/v1/messages",
    { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json" }, body)
end
LUA

accepted() { # accepted SOURCE: Petrel's own count of messages queued from that source
  curl -fs "http://127.0.0.1:$HTTP_PORT/metrics" |
    awk -v s="$1" '$1 == "petrel_accepted_messages_total{source=\"" s "\"}" { printf "%d", $2 }'
}

api_rate() { # prints "count rate"
  local before after start end
  before=$(accepted api)
  start=$(date +%s.%N)
  KEYS_FILE="$work/keys" wrk -t "$CLIENTS" -c "$CLIENTS" -d "${DURATION}s" --timeout 30s \
    -s "$work/post.lua" "http://127.0.0.1:$HTTP_PORT" >"$work/wrk.out" 2>&1 ||
    die "wrk failed: $(cat "$work/wrk.out")"
  end=$(date +%s.%N)
  after=$(accepted api)
  if grep -q "Non-2xx" "$work/wrk.out"; then
    echo "api-send: wrk saw refusals: $(grep Non-2xx "$work/wrk.out")" >&2
  fi
  awk -v n="$((after - before))" -v a="$start" -v b="$end" 'BEGIN { printf "%d %.0f\n", n, n / (b - a) }'
}

smtp_rate() { # smtp_rate COUNT: prints the rate
  local count=$1 before after start end
  before=$(accepted smtp)
  start=$(date +%s.%N)
  "$source_bin" -s "$CLIENTS" -m "$count" -l 1024 -f app@bench.test -t to@example.net \
    "127.0.0.1:$SMTP_PORT" >/dev/null
  end=$(date +%s.%N)
  after=$(accepted smtp)
  [ "$((after - before))" = "$count" ] || echo "api-send: $count sent over SMTP, $((after - before)) queued" >&2
  awk -v n="$count" -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", n / (b - a) }'
}

echo "machine: $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
# Warm-up of both paths (JIT), not measured.
KEYS_FILE="$work/keys" wrk -t "$CLIENTS" -c "$CLIENTS" -d 5s -s "$work/post.lua" \
  "http://127.0.0.1:$HTTP_PORT" >"$work/wrk-warmup.out" 2>&1 || die "wrk failed: $(cat "$work/wrk-warmup.out")"
"$source_bin" -s "$CLIENTS" -m 1000 -l 1024 -f app@bench.test -t to@example.net \
  "127.0.0.1:$SMTP_PORT" >/dev/null || die "smtp-source failed"

for run in $(seq 1 "$REPEAT"); do
  read -r count api < <(api_rate)
  smtp=$(smtp_rate "$count")
  ratio=$(awk -v a="$api" -v s="$smtp" 'BEGIN { printf "%.2f", a / s }')
  echo "run $run: HTTP $api msg/s ($count messages in ${DURATION} s), SMTP $smtp msg/s (same count)," \
    "HTTP/SMTP $ratio; load average $(cut -d' ' -f1-3 /proc/loadavg)"
done
