#!/usr/bin/env python3
"""A LibreTranslate-compatible server that misbehaves on demand, for tests.

POST /translate takes LibreTranslate's JSON ({q, source, target, format,
api_key}) and "translates" each text as "[TARGET] text". The `api_key`
chooses the behaviour, so one server serves every test:

  ok          translate
  slow        sleep 3 s, then translate (the client's timeout is shorter)
  429         answer 429 with Retry-After: 1 to the first request of each
              text batch seen, then translate it
  429-long    always 429 with Retry-After: 3600
  500         always 500
  500-once    500 to the first request of each batch, then translate
  malformed   200 with a body that is not JSON
  short       200 with one translation fewer than asked for
  drop        close the connection without answering
  after-1     translate the first request in this mode, then 500 for ever
  bad-key     403 {"error": "Invalid API key"}

GET /count answers {"requests": N}: requests received. Prints "PORT <n>"
on its first line, and stops when its stdin closes.
"""
import json
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
requests = 0
per_mode = {}  # requests received by behaviour
seen = set()  # (mode, batch) pairs answered with a failure once


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, headers=()):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path.startswith("/count"):
            with lock:
                n = requests
            self.reply(200, json.dumps({"requests": n}))
        else:
            self.reply(404, json.dumps({"error": "not found"}))

    def do_POST(self):
        global requests
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        with lock:
            requests += 1
        try:
            req = json.loads(raw)
        except ValueError:
            self.reply(400, json.dumps({"error": "Invalid request"}))
            return
        q = req.get("q")
        texts = q if isinstance(q, list) else [q]
        mode = req.get("api_key", "ok")
        key = (mode, json.dumps(texts))
        first = False
        with lock:
            per_mode[mode] = per_mode.get(mode, 0) + 1
            mode_requests = per_mode[mode]
            if key not in seen:
                seen.add(key)
                first = True
        out = ["[%s] %s" % (req.get("target", "?"), t) for t in texts]
        body = json.dumps({"translatedText": out if isinstance(q, list) else out[0]})
        if mode == "slow":
            time.sleep(3)
        elif mode == "429" and first:
            self.reply(429, json.dumps({"error": "Slowdown"}), [("Retry-After", "1")])
            return
        elif mode == "429-long":
            self.reply(429, json.dumps({"error": "Slowdown"}), [("Retry-After", "3600")])
            return
        elif mode == "500" or (mode == "500-once" and first):
            self.reply(500, json.dumps({"error": "internal error"}))
            return
        elif mode == "malformed":
            self.reply(200, '{"translatedText": ["unterminated')
            return
        elif mode == "short":
            body = json.dumps({"translatedText": out[:-1]})
        elif mode == "drop":
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        elif mode == "after-1":
            if mode_requests > 1:
                self.reply(500, json.dumps({"error": "internal error"}))
                return
        elif mode == "bad-key":
            self.reply(403, json.dumps({"error": "Invalid API key"}))
            return
        self.reply(200, body)


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a client that timed out and left is what the tests want


def main():
    server = QuietServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print("PORT %d" % server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()  # the test closes our stdin when it is done
    server.shutdown()


if __name__ == "__main__":
    main()
