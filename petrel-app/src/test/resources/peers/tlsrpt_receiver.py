# An HTTPS receiver of SMTP TLS reports (RFC 8460 §5.4) for the tests: http.server wrapped in
# ssl with the given certificate. Every POST is answered 201 and written to the log as one JSON
# line: path, Content-Type, Content-Length and the body in base64.
# Arguments: PORT_FILE CERT_PEM KEY_PEM LOG
import base64
import http.server
import json
import ssl
import sys

port_file, cert, key, log = sys.argv[1:5]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        with open(log, "a") as f:
            f.write(json.dumps({
                "path": self.path,
                "content_type": self.headers.get("Content-Type"),
                "length": length,
                "body": base64.b64encode(body).decode("ascii"),
            }) + "\n")
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
server.socket = context.wrap_socket(server.socket, server_side=True)
with open(port_file, "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
