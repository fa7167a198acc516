"""Sends numbered messages to one or more Petrel nodes, over SMTP (smtplib) and the HTTP API (curl),
until a stop file appears or each client has sent its share. Every answer is written to the output
file as one line:

    TAG CHANNEL PORT PHASE CODE [RETRY-AFTER CONTENT-TYPE]

CHANNEL is smtp or api; PHASE is connect, mail, rcpt, data (SMTP) or post (API); CODE is the reply
code, or "lost" when the connection broke before an answer. A message counts as accepted only with
"data 250" or "post 202". Each message carries its tag in an X-Load-Tag header.

Arguments: OUT STOP SMTP_PORTS HTTP_PORTS API_KEY DOMAIN PREFIX SMTP_CLIENTS API_CLIENTS LIMIT
(ports comma-separated, either list may be "-"; LIMIT: messages per client).
"""

import json
import os
import smtplib
import socket
import subprocess
import sys
import threading
import time

(out_path, stop_path, smtp_ports, http_ports, api_key, domain, prefix,
 smtp_clients, api_clients, limit) = sys.argv[1:11]
smtp_ports = [] if smtp_ports == "-" else [int(p) for p in smtp_ports.split(",")]
http_ports = [] if http_ports == "-" else [int(p) for p in http_ports.split(",")]
smtp_clients, api_clients, limit = int(smtp_clients), int(api_clients), int(limit)

lock = threading.Lock()
out = open(out_path, "a", buffering=1)


def record(*fields):
    with lock:
        out.write(" ".join(str(f) for f in fields) + "\n")


def stopped():
    return os.path.exists(stop_path)


def smtp_client(i):
    sent = 0
    conns = 0
    while sent < limit and not stopped():
        port = smtp_ports[(i + conns) % len(smtp_ports)]
        conns += 1
        try:
            s = smtplib.SMTP("127.0.0.1", port, timeout=60)
        except (OSError, smtplib.SMTPException):
            record("-", "smtp", port, "connect", "lost")
            time.sleep(0.2)
            continue
        try:
            code, _ = s.ehlo()
            if code != 250:
                record("-", "smtp", port, "ehlo", code)
                time.sleep(0.2)
                continue
            for _ in range(5):
                if sent >= limit or stopped():
                    break
                tag = "%s-s%d-%d" % (prefix, i, sent)
                sent += 1
                code, _ = s.mail("load@load.test")
                if code != 250:
                    record(tag, "smtp", port, "mail", code)
                    s.rset()
                    time.sleep(0.2)
                    break
                code, _ = s.rcpt("r%d@%s" % (sent % 7, domain))
                if code != 250:
                    record(tag, "smtp", port, "rcpt", code)
                    s.rset()
                    time.sleep(0.2)
                    break
                body = ("X-Load-Tag: %s\r\nSubject: load %s\r\nFrom: load@load.test\r\n"
                        "\r\nmessage %s\r\n" % (tag, tag, tag))
                code, _ = s.data(body.encode())
                record(tag, "smtp", port, "data", code)
                if code != 250:
                    time.sleep(0.2)
                    break
        except (OSError, smtplib.SMTPException) as e:
            code = getattr(e, "smtp_code", "lost")
            record("-", "smtp", port, "session", code)
            time.sleep(0.2)
        finally:
            try:
                s.close()
            except OSError:
                pass


def api_client(i):
    for n in range(limit):
        if stopped():
            return
        port = http_ports[(i + n) % len(http_ports)]
        tag = "%s-a%d-%d" % (prefix, i, n)
        body = json.dumps({"from": "load@load.test", "to": ["r%d@%s" % (n % 7, domain)],
                           "subject": "load " + tag, "text": "message " + tag,
                           "headers": {"X-Load-Tag": tag}})
        headers = out_path + ".h%d" % i
        r = subprocess.run(
            ["curl", "-s", "-m", "60", "-o", "/dev/null", "-D", headers, "-w", "%{http_code}",
             "-H", "Authorization: Bearer " + api_key, "-H", "Content-Type: application/json",
             "--data-binary", "@-", "http://127.0.0.1:%d/api/v1/messages" % port],
            input=body.encode(), capture_output=True)
        code = r.stdout.decode().strip() or "lost"
        if code == "000":
            code = "lost"
        retry, ctype = "-", "-"
        try:
            with open(headers) as f:
                for line in f:
                    k, _, v = line.partition(":")
                    if k.lower() == "retry-after":
                        retry = v.strip()
                    elif k.lower() == "content-type":
                        ctype = v.strip().replace(" ", "")
        except OSError:
            pass
        record(tag, "api", port, "post", code, retry, ctype)
        if code != "202":
            time.sleep(0.2)


threads = [threading.Thread(target=smtp_client, args=(i,)) for i in range(smtp_clients)]
threads += [threading.Thread(target=api_client, args=(i,)) for i in range(api_clients)]
for t in threads:
    t.start()
for t in threads:
    t.join()
record("-", "done", "-", "-", "-")
