"""A WebSub hub and IndexNow endpoint on loopback for tests/publish_pings_e2e_test.sh:
every POST is written to DIR/<n>.txt as its path, its Content-Type and its body,
one a line, and answered 204; the first FAIL requests are answered 500.
Usage: python3 ping_recorder.py DIR FAIL  (prints its port, then serves)"""
import http.server
import os
import sys
import threading

out, fail = sys.argv[1], int(sys.argv[2])
lock = threading.Lock()
count = 0


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global count
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        with lock:
            count += 1
            n = count
        with open(os.path.join(out, f"{n}.txt"), "w") as f:
            f.write(f"{self.path}\n{self.headers.get('Content-Type', '')}\n{body}\n")
        self.send_response(500 if n <= fail else 204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
