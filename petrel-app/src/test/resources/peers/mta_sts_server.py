# An HTTPS server for MTA-STS policy files (RFC 8461 §3.3), for the tests: it serves
# /.well-known/mta-sts.txt from POLICY_DIR/<host>.txt, the host taken from the Host header
# (port dropped), as text/plain; anything else is 404. Each request is logged to stdout.
#
# usage: mta_sts_server.py PORT_FILE CERT_PEM KEY_PEM POLICY_DIR [BIND_ADDRESS [PORT]]
# (PORT 0, the default, picks a free one; 443 is where a real sender fetches policies.)
import http.server
import os
import ssl
import sys

port_file, cert, key, policies = sys.argv[1:5]
bind = sys.argv[5] if len(sys.argv) > 5 else "127.0.0.1"
port = int(sys.argv[6]) if len(sys.argv) > 6 else 0


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        path = os.path.join(policies, host + ".txt")
        if self.path != "/.well-known/mta-sts.txt" or not os.path.isfile(path):
            body = b"not found\n"
            self.send_response(404)
            self.send_header("Content-Type", "text/plain")
        else:
            with open(path, "rb") as f:
                body = f.read()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        print(self.headers.get("Host"), fmt % args, flush=True)


server = http.server.ThreadingHTTPServer((bind, port), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
server.socket = context.wrap_socket(server.socket, server_side=True)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
