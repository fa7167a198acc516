#!/usr/bin/env bash
# Message search with 100,000 messages in the store (the dashboard's list must stay fast).
# Starts `petrel serve` once to create the schema, fills the SQLite store directly with synthetic
# rows (100,000 messages, one recipient each over 500 domains, 80 % delivered, 10 % bounced, 10 %
# deferred, one attempt each: much faster than sending them), starts serve again and times
# GET /api/v1/messages with each filter, a second page through the cursor, and GET /api/v1/stats.
# Usage: bench/search-100k.sh            (MESSAGES, PORT, BENCH_DIR override the defaults)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MESSAGES=${MESSAGES:-100000}
PORT=${PORT:-28480}
DIR=${BENCH_DIR:-/tmp/petrel-search-bench}
KEY=bench-key-0123456789abcdef
rm -rf "$DIR" && mkdir -p "$DIR"

serve() {
  PETREL_BOOTSTRAP_API_KEY=$KEY "$ROOT/petrel" serve --data-dir "$DIR/data" --smtp-port 0 \
    --http-port "$PORT" --listen-address 127.0.0.1 --paused=true >"$DIR/serve.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 150); do
    curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && return 0
    sleep 1
  done
  echo "serve did not start; see $DIR/serve.log" >&2
  exit 1
}
stop() { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }
trap stop EXIT

serve
stop
python3 - "$DIR/data/petrel.db" "$MESSAGES" <<'PY'
import random, sqlite3, sys
db, n = sys.argv[1], int(sys.argv[2])
c = sqlite3.connect(db)
random.seed(7)
t0 = 1764300000000
kinds = {"delivered": (250, "delivered"), "bounced": (550, "userunknown"), "deferred": (450, "greylisted")}
states = ["delivered"] * 8 + ["bounced", "deferred"]
m, r, a = [], [], []
for i in range(n):
    mid, created, st = "M%015d" % i, t0 + i * 1000, random.choice(states)
    dom = "d%d.example" % (i % 500)
    m.append((mid, "default", "app@example.com", 1000, created, 0, "7BIT", 0, "smtp"))
    r.append((mid, 0, "u%d@%s" % (i, dom), dom, st, created + 600000 if st == "deferred" else None, 1, created))
    code, reason = kinds[st]
    a.append((mid, 0, created + 500, "mx." + dom, "127.0.0.1", "rcpt", code, "text", reason))
c.executemany("INSERT INTO messages (id, account, sender, size, created, held, body_type, smtputf8, source) VALUES (?,?,?,?,?,?,?,?,?)", m)
c.executemany("INSERT INTO recipients (message_id, position, address, domain, state, next_attempt, attempts, updated) VALUES (?,?,?,?,?,?,?,?)", r)
c.executemany("INSERT INTO attempts (message_id, position, at, mx, ip, phase, code, text, reason) VALUES (?,?,?,?,?,?,?,?,?)", a)
c.commit()
print("stored", c.execute("SELECT count(*) FROM messages").fetchone()[0], "messages")
PY
serve
H="Authorization: Bearer $KEY"
t() { curl -s -o "$DIR/out.json" -w "%{http_code} %{time_total}" -H "$H" "http://127.0.0.1:$PORT$1"; }
curl -s -o /dev/null -H "$H" "http://127.0.0.1:$PORT/api/v1/messages?limit=50"  # warm-up
printf '%-55s %s\n' "request" "status seconds"
for q in "limit=50" "status=bounced&limit=50" "status=deferred&limit=50" "reason=userunknown&limit=50" \
  "domain=d7.example&limit=50" "recipient=u$((MESSAGES - 1))@d$(((MESSAGES - 1) % 500)).example" \
  "status=deferred&domain=d3.example&limit=50" "limit=500"; do
  printf '%-55s %s\n' "/api/v1/messages?$q" "$(t "/api/v1/messages?$q")"
done
NEXT=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['next'] or '')" "$DIR/out.json")
printf '%-55s %s\n' "/api/v1/messages?limit=500&next=<cursor>" "$(t "/api/v1/messages?limit=500&next=$NEXT")"
printf '%-55s %s\n' "/api/v1/stats (7 days by day)" "$(t "/api/v1/stats")"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
