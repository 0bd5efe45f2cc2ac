#!/usr/bin/python3
"""The soak's two halves (bench/soak starts both; python3's standard library only).

  soak_load.py outlets DIR
      Fixture outlets on loopback: /o1/ /o2/ /o3/, each with an RSS feed
      (/oN/rss.xml) and article pages. Every outlet publishes a new story
      each minute, so each fetch of a feed finds new articles. Prints
      "PORT <n>" once listening, stops when its stdin closes.

  soak_load.py load --base URL --pid PID --minutes N --mail-dir DIR --log FILE
                    --import-cmd "newsdesk import ... {file}"
                    --digest-cmd "newsdesk digest send ... --date {date}"
      The load: readers (front pages, articles, search, entity and source
      pages, feeds, the API), accounts (register, confirm through the mail
      the SMTP sink kept, log in, comment with the form's CSRF token), an
      import of a small batch each minute and a digest run from the command
      line every ten minutes, beside the digest the server sends itself.
      Samples the server's RSS, open descriptors and threads every 10 s and
      prints a summary with PASS or FAIL; the exit status says which.
"""
import argparse
import collections
import datetime
import glob
import html
import http.client
import http.server
import json
import os
import random
import re
import shlex
import socketserver
import subprocess
import sys
import threading
import time
import urllib.parse

WORDS = ("harbour frigate tender radar brigade ministry convoy logistics depot corvette runway hangar "
         "procurement treaty summit corridor battalion shipyard drone artillery patrol coastline border "
         "exercise reservist budget satellite submarine helicopter airlift engineer bridge pipeline").split()


# --- outlets ------------------------------------------------------------------

class Outlets(http.server.BaseHTTPRequestHandler):
    started = time.time()
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    @staticmethod
    def story_count():
        return 3 + int((time.time() - Outlets.started) // 60)

    def send(self, status, body, ctype):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        m = re.fullmatch(r"/o([1-3])/(rss\.xml|story-(\d+)\.html|)", self.path)
        if not m:
            return self.send(404, "not found", "text/plain")
        outlet = int(m.group(1))
        base = "http://%s/o%d/" % (self.headers.get("Host", "127.0.0.1"), outlet)
        if m.group(2) == "":
            return self.send(200, '<html><head><title>Outlet %d</title><link rel="alternate" '
                             'type="application/rss+xml" href="rss.xml"></head><body>Outlet</body></html>' % outlet,
                             "text/html; charset=utf-8")
        if m.group(2) == "rss.xml":
            n = Outlets.story_count()
            items = "".join(
                "<item><title>%s</title><link>%sstory-%d.html</link><guid>o%d-%d</guid><pubDate>%s</pubDate></item>"
                % (html.escape(self.headline(outlet, i)), base, i, outlet, i,
                   time.strftime("%a, %d %b %Y %H:%M:%S +0000",
                                 time.gmtime(Outlets.started + 60 * (i - 3))))
                for i in range(max(0, n - 20), n))
            return self.send(200, '<?xml version="1.0"?><rss version="2.0"><channel><title>Soak outlet %d</title>'
                             "<link>%s</link><language>en</language>%s</channel></rss>" % (outlet, base, items),
                             "application/rss+xml")
        i = int(m.group(3))
        if i >= Outlets.story_count():
            return self.send(404, "not yet", "text/plain")
        rnd = random.Random(outlet * 100003 + i)
        paragraphs = "".join(
            "<p>%s</p>" % " ".join(rnd.choice(WORDS) for _ in range(40)).capitalize() + "." for _ in range(5))
        self.send(200, "<!doctype html><html><head><meta charset=\"utf-8\"><title>%s</title></head><body>"
                  "<nav><a href=\"/\">Home</a></nav><article><h1>%s</h1>%s</article><footer>Outlet %d</footer>"
                  "</body></html>" % (self.headline(outlet, i), self.headline(outlet, i), paragraphs, outlet),
                  "text/html; charset=utf-8")

    @staticmethod
    def headline(outlet, i):
        rnd = random.Random(outlet * 7919 + i)
        return "Outlet %d story %d: %s" % (outlet, i, " ".join(rnd.choice(WORDS) for _ in range(5)))


def serve_outlets(args):
    class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True
    server = Server(("127.0.0.1", 0), Outlets)
    print("PORT %d" % server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()  # until the caller closes our stdin
    server.shutdown()


# --- load ---------------------------------------------------------------------

class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = collections.Counter()
        self.errors = collections.Counter()
        self.examples = []

    def ok(self, kind):
        with self.lock:
            self.requests[kind] += 1

    def error(self, kind, what):
        with self.lock:
            self.requests[kind] += 1
            self.errors[kind] += 1
            if len(self.examples) < 20:
                self.examples.append("%s %s: %s" % (time.strftime("%H:%M:%S"), kind, what))


class Client:
    """One browser: its own cookies, a new connection per request (so the
    server accepts and closes connections all the time, as with many readers)."""

    def __init__(self, host, port, tally):
        self.host, self.port, self.tally = host, port, tally
        self.cookies = {}

    def request(self, kind, method, path, form=None, expect=(200,)):
        headers = {"Connection": "close", "Accept-Encoding": random.choice(["gzip", "identity"])}
        if self.cookies:
            headers["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            c = http.client.HTTPConnection(self.host, self.port, timeout=30)
            c.request(method, path, body=body, headers=headers)
            r = c.getresponse()
            data = r.read()
            for k, v in r.getheaders():
                if k.lower() == "set-cookie":
                    name, _, rest = v.partition("=")
                    value = rest.split(";")[0]
                    if "Max-Age=0" in v or value == "":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = value
            c.close()
        except Exception as e:  # refused, reset, timed out: all errors
            self.tally.error(kind, "%s %s: %s" % (method, path, e))
            return None, b"", None
        if r.status not in expect:
            self.tally.error(kind, "%s %s: %d" % (method, path, r.status))
        else:
            self.tally.ok(kind)
        return r.status, data, r.getheader("Location")


class Links:
    """What the readers visit, refreshed from the site's own pages."""

    def __init__(self):
        self.lock = threading.Lock()
        self.articles, self.mentions, self.sources, self.feeds = [], [], [], []

    def refresh(self, page):
        text = page.decode("utf-8", "replace")
        with self.lock:
            for attr, pattern in (("articles", r'href="(/(?:en|ru)/articles/[^"#?]+)"'),
                                  ("mentions", r'href="(/(?:en|ru)/mentions/[^"#?]+)"'),
                                  ("sources", r'href="(/(?:en|ru)/sources/[^"#?]+)"'),
                                  ("feeds", r'<link rel="alternate" type="application/(?:rss|atom)\+xml[^>]*href="([^"]+)"')):
                found = [html.unescape(u) for u in re.findall(pattern, text)]
                found = [urllib.parse.urlparse(u).path if u.startswith("http") else u for u in found]
                merged = list(dict.fromkeys(getattr(self, attr) + found))
                setattr(self, attr, merged[-200:])

    def pick(self, attr):
        with self.lock:
            items = getattr(self, attr)
            return random.choice(items) if items else None


def reader(stop, pause, host, port, tally, links, think):
    c = Client(host, port, tally)
    while not stop.is_set():
        pause.wait()
        ed = random.choice(["en", "ru"])
        kind = random.choices(["front", "article", "search", "entity", "source", "feed", "api"],
                              weights=[3, 6, 2, 2, 1, 2, 2])[0]
        if kind == "front":
            status, body, _ = c.request(kind, "GET", "/%s/" % ed)
            if status == 200:
                links.refresh(body)
        elif kind == "article":
            path = links.pick("articles")
            if path:
                c.request(kind, "GET", path)
        elif kind == "search":
            c.request(kind, "GET", "/%s/search?q=%s" % (ed, random.choice(WORDS + ["defence", "air", "navy"])))
        elif kind == "entity":
            path = links.pick("mentions") or "/%s/mentions/" % ed
            c.request(kind, "GET", path)
        elif kind == "source":
            path = links.pick("sources")
            if path:
                c.request(kind, "GET", path)
        elif kind == "feed":
            path = links.pick("feeds")
            if path:
                c.request(kind, "GET", path)
        else:
            c.request(kind, "GET", random.choice(["/api/v1/articles?limit=20", "/api/v1/sources",
                                                  "/api/v1/entities", "/api/v1/search?q=harbour"]))
        stop.wait(think)


def hidden(body, name):
    m = re.search(r'name="%s"[^>]*value="([^"]*)"' % name, body.decode("utf-8", "replace")) or \
        re.search(r'value="([^"]*)"[^>]*name="%s"' % name, body.decode("utf-8", "replace"))
    return html.unescape(m.group(1)) if m else None


def mail_link(mail_dir, address, pattern, seen, timeout=60):
    """The first link matching `pattern` in a mail to `address` not in `seen`."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        for f in sorted(glob.glob(os.path.join(mail_dir, "*.json")), key=lambda p: int(os.path.basename(p)[:-5])):
            if f in seen:
                continue
            try:
                m = json.load(open(f))
            except (OSError, ValueError):
                continue  # being written
            if m.get("rcpt_tos") != [address]:
                continue
            found = re.search(pattern, (m.get("text") or {}).get("content", ""))
            if found:
                seen.add(f)
                return found.group(0)
        time.sleep(0.5)
    return None


def local(url):
    u = urllib.parse.urlparse(url)
    return u.path + ("?" + u.query if u.query else "")


def commenter(stop, pause, host, port, tally, links, mail_dir, n0, think):
    seen = set()
    n = n0
    while not stop.is_set():
        pause.wait()
        n += 1
        c = Client(host, port, tally)
        address = "soak%d.%d@example.org" % (os.getpid(), n)
        password = "soak password %d long enough" % n
        status, body, _ = c.request("register", "GET", "/en/account/register")
        if status != 200:
            stop.wait(think); continue
        status, _, _ = c.request("register", "POST", "/en/account/register", expect=(303,), form={
            "email": address, "display_name": "Soak reader %d" % n, "password": password,
            "website": "", "next": "", "csrf": hidden(body, "csrf") or ""})
        if status != 303:
            stop.wait(think); continue
        link = mail_link(mail_dir, address, r"https?://\S+/account/confirm\?token=\S+", seen)
        if not link:
            tally.error("mail", "no confirmation mail for %s" % address)
            continue
        tally.ok("mail")
        c.request("confirm", "GET", local(link), expect=(303,))
        status, body, _ = c.request("login", "GET", "/en/account/login")
        status, _, _ = c.request("login", "POST", "/en/account/login", expect=(303,), form={
            "email": address, "password": password, "next": "", "csrf": hidden(body, "csrf") or ""})
        if status != 303:
            stop.wait(think); continue
        for _ in range(5):
            if stop.is_set():
                break
            pause.wait()
            path = links.pick("articles")
            if not path:
                stop.wait(think); continue
            status, body, _ = c.request("article", "GET", path)
            if status != 200:
                continue
            action = re.search(r'<form[^>]*action="(/[a-z]{2}/articles/[^"]+/comments)"', body.decode("utf-8", "replace"))
            csrf = hidden(body, "csrf")
            if not action or not csrf:
                tally.error("comment", "no comment form on %s" % path)
                continue
            c.request("comment", "POST", html.unescape(action.group(1)), expect=(303,), form={
                "body": "Soak comment %d at %s: an ordinary sentence about the %s." % (n, time.strftime("%H:%M:%S"),
                                                                                        random.choice(WORDS)),
                "csrf": csrf})
            stop.wait(think)
        status, body, _ = c.request("account", "GET", "/en/account")
        csrf = hidden(body, "csrf") if status == 200 else None
        c.request("logout", "POST", "/en/account/logout", expect=(303,), form={"csrf": csrf or ""})
        stop.wait(think)


def run_cmd(tally, kind, cmd, expect_re):
    try:
        p = subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        tally.error(kind, "timed out: %s" % cmd)
        return ""
    out = p.stdout + p.stderr
    if p.returncode != 0 or not re.search(expect_re, out):
        tally.error(kind, "exit %d: %s" % (p.returncode, out.strip()[-300:]))
    else:
        tally.ok(kind)
    return out


def importer(stop, pause, tally, import_cmd, tmp):
    batch = 0
    while not stop.wait(60):
        pause.wait()
        batch += 1
        path = os.path.join(tmp, "batch-%d.jsonl" % batch)
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        with open(path, "w") as f:
            for i in range(3):
                rnd = random.Random(batch * 31 + i)
                f.write(json.dumps({
                    "url": "https://soak-wire.example/%d/%d" % (batch, i),
                    "source": {"name": "Soak Wire", "url": "https://soak-wire.example/", "country": "GB",
                               "language": "en"},
                    "language": "en",
                    "headline": "Soak wire %d.%d: %s" % (batch, i, " ".join(rnd.choice(WORDS) for _ in range(5))),
                    "published_at": (now - datetime.timedelta(minutes=i)).isoformat(),
                    "body": [{"type": "paragraph",
                              "text": " ".join(rnd.choice(WORDS) for _ in range(60)).capitalize() + "."}
                             for _ in range(4)]}) + "\n")
        run_cmd(tally, "import", import_cmd.format(file=shlex.quote(path)), r"\b3\b")
        os.remove(path)


def digester(stop, pause, tally, digest_cmd, every):
    day = datetime.date.today() - datetime.timedelta(days=2)
    while not stop.wait(every):
        pause.wait()
        day -= datetime.timedelta(days=1)  # a date of its own: each run sends
        run_cmd(tally, "digest-cli", digest_cmd.format(date=day.isoformat()), r"[1-9]\d* sent, 0 failed")


PORT_NAMES = {}  # port -> what listens there ("smtp sink", "outlets", "postgresql", "site")
TCP_STATES = {"01": "established", "06": "time-wait", "08": "close-wait", "0A": "listen"}


def tcp_sockets():
    """inode -> "tcp to <what> (<state>)" for the loopback TCP sockets."""
    found = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            f = line.split()
            local, remote, state, inode = int(f[1].split(":")[1], 16), int(f[2].split(":")[1], 16), f[3], f[9]
            peer = PORT_NAMES.get(remote) or ("from a client" if local in PORT_NAMES else "port %d" % remote)
            if state == "0A":
                peer = PORT_NAMES.get(local, "port %d" % local)
            found[inode] = "tcp %s %s" % (TCP_STATES.get(state, state), peer)
    return found


def fd_kinds(pid):
    """The open descriptors by what they are: a file's path, a TCP socket's
    peer, or socket, pipe..."""
    kinds = collections.Counter()
    tcp = tcp_sockets()
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        m = re.fullmatch(r"socket:\[(\d+)\]", target)
        kinds[tcp.get(m.group(1), "socket (not TCP)") if m else re.sub(r":\[\d+\]$", "", target)] += 1
    return kinds


def sample(pid):
    with open("/proc/%d/status" % pid) as f:
        rss = int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))
    return {"t": time.time(), "rss_kb": rss, "fds": len(os.listdir("/proc/%d/fd" % pid)),
            "threads": len(os.listdir("/proc/%d/task" % pid))}


def quiet_sample(pid, pause):
    """A sample at rest: the clients paused and their connections closed, so
    the open descriptors are the server's own, not the requests in flight."""
    pause.clear()
    time.sleep(3)
    s = []
    for _ in range(10):  # 5 s: a fetch or a mail being sent comes and goes
        s.append(dict(sample(pid), fd_kinds=fd_kinds(pid)))
        time.sleep(0.5)
    pause.set()
    fewest = min(s, key=lambda x: x["fds"])
    return {"t": s[0]["t"], "rss_kb": min(x["rss_kb"] for x in s), "fds": fewest["fds"],
            "threads": min(x["threads"] for x in s), "fd_kinds": fewest["fd_kinds"]}


def log_lines(log, levels):
    """The server log's lines at `levels` (spdlog's "<time> <level> <message>")."""
    try:
        with open(log, errors="replace") as f:
            return [l.rstrip() for l in f if re.match(r"\S+ (%s) " % levels, l)]
    except OSError:
        return ["cannot read %s" % log]


def load(args):
    u = urllib.parse.urlparse(args.base)
    host, port = u.hostname, u.port
    tally, links = Tally(), Links()
    PORT_NAMES[port] = "the site"
    for spec in args.port_name or []:
        p, _, name = spec.partition("=")
        PORT_NAMES[int(p)] = name
    stop, pause = threading.Event(), threading.Event()
    pause.set()
    Client(host, port, tally).request("front", "GET", "/en/")  # warm up the links
    status, body, _ = Client(host, port, tally).request("front", "GET", "/en/")
    links.refresh(body)
    links.refresh(Client(host, port, tally).request("front", "GET", "/ru/")[1])

    # Subscribers for the digests: the API, then the link in the mail.
    seen = set()
    for i in range(3):
        address = "digest%d.%d@example.org" % (os.getpid(), i)
        c = Client(host, port, tally)
        headers = {"Content-Type": "application/json", "Connection": "close"}
        conn = http.client.HTTPConnection(host, port, timeout=30)
        conn.request("POST", "/api/v1/subscriptions", body=json.dumps({"email": address, "edition": "en"}),
                     headers=headers)
        r = conn.getresponse(); r.read(); conn.close()
        (tally.ok if r.status == 202 else lambda k: tally.error(k, "status %d" % r.status))("subscribe")
        link = mail_link(args.mail_dir, address, r"https?://\S+/subscriptions/confirm\?token=\S+", seen)
        if link:
            c.request("subscribe", "GET", local(link))
        else:
            tally.error("subscribe", "no confirmation mail for %s" % address)

    threads = [threading.Thread(target=reader, args=(stop, pause, host, port, tally, links, args.think))
               for _ in range(args.readers)]
    threads += [threading.Thread(target=commenter, args=(stop, pause, host, port, tally, links, args.mail_dir,
                                                         1000 * k, args.think)) for k in range(args.commenters)]
    threads.append(threading.Thread(target=importer, args=(stop, pause, tally, args.import_cmd, args.tmp)))
    threads.append(threading.Thread(target=digester, args=(stop, pause, tally, args.digest_cmd,
                                                           max(60, args.minutes * 60 // 3))))
    start = time.time()
    for t in threads:
        t.daemon = True
        t.start()
    end = start + args.minutes * 60
    # The baseline is taken once the caches and pools have filled (the
    # server's own digest, a minute in, fills the SMTP connection pool): at
    # minute 5 of a long run, two fifths into a short one.
    base_at = start + (300 if args.minutes >= 10 else args.minutes * 24)
    mid_at = (base_at + end) / 2
    samples, baseline, middle = [], None, None
    while time.time() < end:
        time.sleep(min(10, max(0, end - time.time())))
        try:
            if baseline is None and time.time() >= base_at:
                baseline = quiet_sample(args.pid, pause)
                samples.append(baseline)
            elif middle is None and time.time() >= mid_at:
                middle = quiet_sample(args.pid, pause)
                samples.append(middle)
            else:
                samples.append(sample(args.pid))
        except (OSError, AttributeError) as e:
            tally.error("server", "the server is gone: %s" % e)
            break
        s = samples[-1]
        print("soak: %4.1f min  RSS %6.1f MB  fds %3d  threads %3d  requests %6d  errors %d"
              % ((s["t"] - start) / 60, s["rss_kb"] / 1024, s["fds"], s["threads"],
                 sum(tally.requests.values()), sum(tally.errors.values())), file=sys.stderr, flush=True)
    try:
        final = quiet_sample(args.pid, pause)
    except OSError as e:
        final = None
        tally.error("server", "the server is gone: %s" % e)
    stop.set()
    pause.set()
    for t in threads:
        t.join(timeout=120)

    logged = log_lines(args.log, "error|critical")
    warned = log_lines(args.log, "warning|warn")
    mails = len(glob.glob(os.path.join(args.mail_dir, "*.json")))
    digests = 0
    for f in glob.glob(os.path.join(args.mail_dir, "*.json")):
        try:
            if (json.load(open(f)).get("message_id") or "").startswith("<digest."):
                digests += 1
        except (OSError, ValueError):
            pass
    print("\n== soak: %s, %d minutes, %d readers + %d account clients ==" % (args.label, args.minutes, args.readers,
                                                                           args.commenters))
    print("requests by kind (errors):")
    for kind in sorted(tally.requests):
        print("  %-11s %7d  (%d)" % (kind, tally.requests[kind], tally.errors[kind]))
    print("  %-11s %7d  (%d)" % ("total", sum(tally.requests.values()), sum(tally.errors.values())))
    print("mail received by the sink: %d (%d digests)" % (mails, digests))
    print("ERROR lines in the server log: %d (warnings: %d)" % (len(logged), len(warned)))
    for line in tally.examples + logged[:10] + warned[:5]:
        print("  " + line)
    ok = True
    if sum(tally.errors.values()) or logged:
        ok = False
    if digests == 0:
        print("no digest reached the sink")
        ok = False
    if baseline and middle and final:
        ratio = final["rss_kb"] / baseline["rss_kb"]
        print("RSS      at %.1f min %7.1f MB, at the end %7.1f MB, ratio %.3f (limit 1.10)"
              % ((baseline["t"] - start) / 60, baseline["rss_kb"] / 1024, final["rss_kb"] / 1024, ratio))
        print("fds      at %.1f min %5d, at the end %5d" % ((baseline["t"] - start) / 60, baseline["fds"], final["fds"]))
        print("threads  at %.1f min %5d, at the end %5d" % ((baseline["t"] - start) / 60, baseline["threads"],
                                                           final["threads"]))
        print("fds      at %.1f min %5d (at rest, halfway to the end)" % ((middle["t"] - start) / 60, middle["fds"]))
        grown = final["fd_kinds"] - baseline["fd_kinds"]
        if grown:
            print("descriptors more at the end than at the baseline: " +
                  ", ".join("%s +%d" % kv for kv in sorted(grown.items())))
        fds_ok = final["fds"] <= baseline["fds"]
        # The store's connection pool (SQLite's has no cap: it keeps as many
        # connections as were ever busy at once) and the mailer's idle SMTP
        # connections may reach a new high-water mark after minute 5. That
        # is no leak when it is all that grew and nothing grew over the
        # second half of the run; a leak keeps growing.
        pooled = re.compile(r".*/newsdesk\.db(-wal|-shm)?$|tcp \S+ (PostgreSQL|the SMTP sink)$")
        if not fds_ok and final["fds"] <= middle["fds"] and all(pooled.match(k) for k in grown):
            print("fds: only pooled connections grew (%s), and not over the second half: a pool's "
                  "high-water mark, not a leak" % ", ".join(sorted(grown)))
            fds_ok = True
        ok = ok and ratio <= 1.10 and fds_ok and final["threads"] <= baseline["threads"]
        peak = max(samples, key=lambda s: s["rss_kb"])
        print("peak RSS %.1f MB at %.1f min; samples every 10 s: %d" % (peak["rss_kb"] / 1024,
                                                                         (peak["t"] - start) / 60, len(samples)))
    else:
        ok = False
        print("no baseline or final sample")
    if args.samples:
        with open(args.samples, "w") as f:
            json.dump([dict({k: v for k, v in s.items() if k != "fd_kinds"}, min=(s["t"] - start) / 60)
                       for s in samples], f)
    print("%s: %s" % (args.label, "PASS" if ok else "FAIL"))
    return 0 if ok else 1


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("outlets")
    l = sub.add_parser("load")
    l.add_argument("--base", required=True)
    l.add_argument("--pid", type=int, required=True)
    l.add_argument("--minutes", type=float, required=True)
    l.add_argument("--mail-dir", required=True)
    l.add_argument("--log", required=True)
    l.add_argument("--import-cmd", required=True)
    l.add_argument("--digest-cmd", required=True)
    l.add_argument("--tmp", required=True)
    l.add_argument("--label", default="soak")
    l.add_argument("--readers", type=int, default=3)
    l.add_argument("--commenters", type=int, default=1)
    l.add_argument("--think", type=float, default=0.05)
    l.add_argument("--samples")
    l.add_argument("--port-name", action="append", help="PORT=NAME, to say what a socket is connected to")
    args = p.parse_args()
    if args.cmd == "outlets":
        serve_outlets(args)
        return 0
    return load(args)


if __name__ == "__main__":
    sys.exit(main())
