# A webhook receiver for WebhooksAreSignedAndRetried, written against the Standard Webhooks layout
# with Python's own hmac and base64 (nothing of Petrel's). It listens on a free port (written to
# PORT_FILE), verifies each request's signature with the secret named in SECRETS_FILE for the
# request's path, answers 500 to the first FAILS tries of each (path, webhook-id) and 200 after,
# and appends one JSON line per request to LOG_FILE.
import base64
import hashlib
import hmac
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port_file, secrets_file, log_file, fails = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
tries = {}
lock = threading.Lock()


def verify(secret, msg_id, timestamp, body, header):
    key = base64.b64decode(secret[len("whsec_"):])
    signed = msg_id.encode() + b"." + timestamp.encode() + b"." + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    # the header may list several space-separated signatures, each "v1,<base64>"
    for candidate in header.split(" "):
        version, _, sig = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(sig, expected):
            return True
    return False


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        msg_id = self.headers.get("webhook-id", "")
        timestamp = self.headers.get("webhook-timestamp", "")
        signature = self.headers.get("webhook-signature", "")
        with open(secrets_file) as f:
            secret = json.load(f).get(self.path, "")
        ok = bool(secret) and verify(secret, msg_id, timestamp, body, signature)
        with lock:
            n = tries.get((self.path, msg_id), 0) + 1
            tries[(self.path, msg_id)] = n
            status = 500 if n <= fails else 200
            try:
                payload = json.loads(body)
            except ValueError:
                payload = None
            line = {"path": self.path, "id": msg_id, "timestamp": timestamp, "verified": ok,
                    "try": n, "answered": status, "payload": payload}
            with open(log_file, "a") as f:
                f.write(json.dumps(line) + "\n")
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.replace(port_file + ".tmp", port_file)
server.serve_forever()
