# An SMTP server that knows no mailbox: it greets, takes EHLO/HELO and MAIL, and refuses every RCPT
# with 550 5.1.1 (RFC 5321 section 4.2.2: no such user; RFC 3463 X.1.1: bad destination mailbox
# address), as a real MTA does for an unknown address. Listens on 127.0.0.1 on a free port, written
# to PORT_FILE. Used by the tests that need hard bounces (and so suppressions) from a real peer.
import os
import socketserver
import sys

port_file = sys.argv[1]


class Handler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write((line + "\r\n").encode())
        self.wfile.flush()

    def handle(self):
        self.reply("220 refuser.test ESMTP")
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            verb = raw.decode("latin-1").strip().split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.reply("250-refuser.test")
                self.reply("250 ENHANCEDSTATUSCODES")
            elif verb == "HELO":
                self.reply("250 refuser.test")
            elif verb in ("MAIL", "RSET", "NOOP"):
                self.reply("250 2.0.0 Ok")
            elif verb == "RCPT":
                self.reply("550 5.1.1 Recipient address rejected: User unknown in local recipient table")
            elif verb == "DATA":
                self.reply("554 5.5.1 Error: no valid recipients")
            elif verb == "QUIT":
                self.reply("221 2.0.0 Bye")
                return
            else:
                self.reply("502 5.5.2 Error: command not recognized")


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


server = Server(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
