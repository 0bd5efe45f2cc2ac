#!/usr/bin/env bash
# Browser end-to-end test: import the demo corpus into a temporary data dir,
# start a real SMTP server (Debian's python3-aiosmtpd, on /usr/bin/python3)
# and newsdesk on free ports, newsdesk's [mail] pointing at the SMTP server,
# and run e2e.mjs (headless Chromium) against it.
#
# Usage: tests/browser/run.sh NEWSDESK_BINARY REPO_ROOT [OUT_DIR]
#   OUT_DIR defaults to REPO_ROOT/build/screenshots.
# Environment: CHROMIUM (default /usr/bin/chromium).
# Exit status is e2e.mjs's (non-zero on any failed check), or 1 on setup errors.
set -euo pipefail

usage() { echo "usage: $0 NEWSDESK_BINARY REPO_ROOT [OUT_DIR]" >&2; exit 2; }
[[ $# -ge 2 && $# -le 3 ]] || usage

die() { echo "run.sh: FAIL: $*" >&2; exit 1; }

[[ -f $1 && -x $1 ]] || die "newsdesk binary not found or not executable: $1"
[[ -d $2 ]] || die "repo root is not a directory: $2"
BIN=$(realpath -- "$1")
ROOT=$(realpath -- "$2")
OUT=${3:-$ROOT/build/screenshots}
mkdir -p -- "$OUT"
OUT=$(realpath -- "$OUT")
HERE=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
DEMO=$ROOT/demo/articles.jsonl
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

# A missing browser is a failure, never a skip.
[[ -x $CHROMIUM ]] || die "chromium not found at $CHROMIUM (install Debian's chromium package)"
command -v node >/dev/null || die "node not found"
[[ -f $DEMO ]] || die "demo corpus not found: $DEMO"

if [[ ! -d $HERE/node_modules/playwright-core ]]; then
  echo "run.sh: installing playwright-core in $HERE"
  (cd -- "$HERE" && npm ci --no-audit --no-fund) || die "npm ci failed"
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/newsdesk-e2e.XXXXXX")
SERVER_PID=
SMTP_PID=
OUTLET_PID=
APY_PID=
LOG=$TMP/server.log

# shellcheck disable=SC2317  # invoked via trap
cleanup() {
  local rc=$?
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    # Give it up to 5 s to stop gracefully, then force it.
    for _ in $(seq 50); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "run.sh: warning: server did not exit within 5 s of SIGTERM; sending SIGKILL" >&2
      kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    local st=0
    wait "$SERVER_PID" 2>/dev/null || st=$?
    if [[ $st -ne 0 ]]; then
      echo "run.sh: warning: server exited with status $st after SIGTERM" >&2
    fi
  fi
  if [[ -n $SMTP_PID ]]; then
    exec 3>&- 2>/dev/null || true  # the SMTP server stops when its stdin closes
    for _ in $(seq 50); do
      kill -0 "$SMTP_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -TERM "$SMTP_PID" 2>/dev/null || true
    wait "$SMTP_PID" 2>/dev/null || true
  fi
  if [[ -n $APY_PID ]]; then
    kill -TERM -- "-$APY_PID" 2>/dev/null || kill -TERM "$APY_PID" 2>/dev/null || true
    wait "$APY_PID" 2>/dev/null || true
  fi
  if [[ -n $OUTLET_PID ]]; then
    kill -TERM "$OUTLET_PID" 2>/dev/null || true
    wait "$OUTLET_PID" 2>/dev/null || true
  fi
  rm -rf -- "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

show_log() {
  echo "---- server log ($LOG, last 40 lines) ----" >&2
  tail -n 40 -- "$LOG" >&2 || true
  echo "---- end of server log ----" >&2
}

mkdir -p -- "$TMP/data"
echo "run.sh: importing $DEMO"
"$BIN" import "$DEMO" --data "$TMP/data" >"$TMP/import.log" 2>&1 || {
  cat -- "$TMP/import.log" >&2
  die "import failed"
}

# The desk's editor, and a loopback outlet for it to add (python3's
# http.server over a folder with a home page, its feed and two articles).
DESK_EMAIL=editor@e2e.example
DESK_PASSWORD='e2e editor passphrase'
"$BIN" user add "$DESK_EMAIL" --role editor --name "E2E Editor" --password "$DESK_PASSWORD" --data "$TMP/data" \
  >"$TMP/user.log" 2>&1 || { cat -- "$TMP/user.log" >&2; die "user add failed"; }
# A reader who will spam the comments, for the desk to ban.
SPAMMER_EMAIL=spammer@e2e.example
SPAMMER_PASSWORD='e2e spammer passphrase'
"$BIN" user add "$SPAMMER_EMAIL" --role reader --name "Spam Bot" --password "$SPAMMER_PASSWORD" --data "$TMP/data" \
  >"$TMP/spammer.log" 2>&1 || { cat -- "$TMP/spammer.log" >&2; die "user add (spammer) failed"; }
mkdir -p -- "$TMP/outlet"
/usr/bin/python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$TMP/outlet" >"$TMP/outlet.log" 2>&1 &
OUTLET_PID=$!
OUTLET_PORT=
for _ in $(seq 100); do
  OUTLET_PORT=$(grep -oE 'port [0-9]+' -- "$TMP/outlet.log" 2>/dev/null | head -n1 | grep -oE '[0-9]+' || true)
  [[ -n $OUTLET_PORT ]] && break
  sleep 0.1
done
[[ -n $OUTLET_PORT ]] || die "the loopback outlet (python3 -m http.server) printed no port"
OUTLET=http://127.0.0.1:$OUTLET_PORT
PARAS=
for i in 1 2 3 4; do
  PARAS+="<p>Paragraph $i: the ministry said the programme would continue through the next year, with deliveries to units in several regions, additional tests at the range, and a review of the results by the end of the quarter.</p>"
done
cat >"$TMP/outlet/index.html" <<HTML
<!doctype html><html><head><title>E2E Outlet</title><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body><p>News.</p></body></html>
HTML
cat >"$TMP/outlet/feed.xml" <<XML
<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>E2E Outlet</title><link>$OUTLET/</link><language>en</language>
<item><title>Corvette launched</title><link>$OUTLET/a1.html</link><pubDate>$(date -u -R)</pubDate></item>
<item><title>Radar tested</title><link>$OUTLET/a2.html</link><pubDate>$(date -u -R)</pubDate></item>
</channel></rss>
XML
# Its second feed, followed after the editor holds the source's articles.
cat >"$TMP/outlet/world.xml" <<XML
<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>E2E Outlet: World</title><link>$OUTLET/</link><language>en</language>
<item><title>Frigate trials</title><link>$OUTLET/a3.html</link><pubDate>$(date -u -R)</pubDate></item>
<item><title>Drone order</title><link>$OUTLET/a4.html</link><pubDate>$(date -u -R)</pubDate></item>
</channel></rss>
XML
for n in 1 2 3 4; do
  cat >"$TMP/outlet/a$n.html" <<HTML
<!doctype html><html><head><meta charset="utf-8"><title>Story $n | E2E Outlet</title></head><body><article><h1>Story $n from the northern yard</h1>$PARAS</article></body></html>
HTML
done
echo "run.sh: loopback outlet at $OUTLET"

# The SMTP server: it prints "PORT <n>" and runs until its stdin closes
# (fd 3 here, closed in cleanup).
SMTP_PY=$ROOT/src/mail/testing/smtp_server.py
[[ -x /usr/bin/python3 ]] || die "/usr/bin/python3 not found (Debian's python3 with python3-aiosmtpd)"
mkdir -p -- "$TMP/mail"
mkfifo -- "$TMP/smtp.in"
/usr/bin/python3 "$SMTP_PY" --dir "$TMP/mail" <"$TMP/smtp.in" >"$TMP/smtp.out" 2>&1 &
SMTP_PID=$!
exec 3>"$TMP/smtp.in"
SMTP_PORT=
for _ in $(seq 100); do
  SMTP_PORT=$(grep -oE '^PORT [0-9]+' -- "$TMP/smtp.out" 2>/dev/null | grep -oE '[0-9]+' || true)
  [[ -n $SMTP_PORT ]] && break
  kill -0 "$SMTP_PID" 2>/dev/null || { cat -- "$TMP/smtp.out" >&2; die "the SMTP server (aiosmtpd) did not start"; }
  sleep 0.1
done
[[ -n $SMTP_PORT ]] || die "the SMTP server printed no port within 10 s"
echo "run.sh: SMTP server (aiosmtpd) on 127.0.0.1:$SMTP_PORT, mail in $TMP/mail"
# Machine translation into the Spanish edition, for the desk's review:
# Debian's apertium-apy with apertium-eng-spa, as the editions test uses.
if [[ ! -x /usr/bin/apertium-apy || ! -f /usr/share/apertium/modes/eng-spa.mode ]]; then
  die "apertium-apy and apertium-eng-spa are required: scripts/install-deps --test"
fi
APY_PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
setsid /usr/bin/apertium-apy -p "$APY_PORT" /usr/share/apertium/modes >"$TMP/apy.log" 2>&1 &
APY_PID=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$APY_PORT/listPairs" >/dev/null && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$APY_PORT/listPairs" >/dev/null || { cat -- "$TMP/apy.log" >&2; die "apertium-apy did not answer within 20 s"; }
cat >"$TMP/newsdesk.toml" <<TOML
[site]
editions = ["en", "ru", "es"]
[translate]
enabled = true
interval_seconds = 2
[[translate.servers]]
kind = "apertium"
url = "http://127.0.0.1:$APY_PORT"
pairs = ["en-es"]
[ingest]
allowed_hosts = ["127.0.0.1:$OUTLET_PORT"]
[mail]
smtp_url = "smtp://127.0.0.1:$SMTP_PORT"
from = "newsdesk <newsdesk@example.org>"
TOML

echo "run.sh: starting $BIN serve"
"$BIN" serve --data "$TMP/data" --config "$TMP/newsdesk.toml" --listen 127.0.0.1:0 >"$LOG" 2>&1 &
SERVER_PID=$!

PORT=
for _ in $(seq 100); do  # 100 x 0.1 s = 10 s
  PORT=$(grep -oE 'listening on http://127\.0\.0\.1:[0-9]+' -- "$LOG" 2>/dev/null | head -n1 | grep -oE '[0-9]+$' || true)
  [[ -n $PORT ]] && break
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    show_log
    die "server exited before it was listening"
  fi
  sleep 0.1
done
if [[ -z $PORT ]]; then
  show_log
  die "no 'listening on http://127.0.0.1:PORT' line in the server log within 10 s"
fi
BASE=http://127.0.0.1:$PORT
echo "run.sh: server pid $SERVER_PID at $BASE"

status=0
MAIL_DIR=$TMP/mail DESK_EMAIL=$DESK_EMAIL DESK_PASSWORD=$DESK_PASSWORD OUTLET_URL=$OUTLET \
  SPAMMER_EMAIL=$SPAMMER_EMAIL SPAMMER_PASSWORD=$SPAMMER_PASSWORD \
  node "$HERE/e2e.mjs" "$BASE" "$OUT" | tee "$TMP/e2e.out" || status=${PIPESTATUS[0]}
if [[ $status -ne 0 ]]; then
  show_log
  # CI shows the head and the tail of a long output: repeat the failed
  # checks last, where the tail keeps them.
  echo "---- failed checks ----" >&2
  grep -E '^FAIL ' -- "$TMP/e2e.out" >&2 || true
fi
exit "$status"
