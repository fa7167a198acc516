# Stands in for an internal HTTP service for WebhooksToInternalAddressesAreRefused. It listens on
# 127.0.0.1 on a free port (written to PORT_FILE), answers POST /ok with 200 and every other path
# with 500 and a body holding SECRET (as an admin page or a metadata service would answer), and
# appends the path of each request to LOG_FILE.
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port_file, log_file, secret = sys.argv[1], sys.argv[2], sys.argv[3]


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with open(log_file, "a") as f:
            f.write(self.path + "\n")
        status = 200 if self.path == "/ok" else 500
        body = ("fine" if status == 200 else "internal error, see " + secret).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
