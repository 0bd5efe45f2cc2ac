#!/usr/bin/env bash
# The daily mailing's promise, with the real binary and a real SMTP server
# (Debian's python3-aiosmtpd): 1,000 subscribers, the sender killed with
# SIGKILL mid-run and started again, then the SMTP server stopped mid-run
# and started again; every subscriber holds exactly one digest of each day.
# Usage: digest_cli_test.sh PATH/TO/newsdesk REPO_ROOT
set -uo pipefail
nd=$1
root=$2
source "$(dirname "$0")/lib.sh"
python=/usr/bin/python3  # Debian's, with aiosmtpd
data="$tmp/data"
smtp_pid=""

start_smtp() {  # start_smtp DIR [PORT]: the server's port in $smtp_port
  mkdir -p "$1"
  local args=(--dir "$1")
  [[ -n "${2:-}" ]] && args+=(--port "$2")
  # The server stops when its stdin closes: a sleeping writer holds it open.
  (sleep 600 | "$python" "$root/src/mail/testing/smtp_server.py" "${args[@]}" >"$tmp/smtp.out" 2>"$tmp/smtp.err") >/dev/null 2>&1 &
  smtp_pid=$!
  smtp_port=""
  for _ in $(seq 1 100); do
    smtp_port=$(grep -o 'PORT [0-9]*' "$tmp/smtp.out" 2>/dev/null | grep -o '[0-9]*' || true)
    [[ -n "$smtp_port" ]] && break
    sleep 0.1
  done
  [[ -n "$smtp_port" ]]
}
stop_smtp() {
  [[ -z "$smtp_pid" ]] && return
  pkill -P "$smtp_pid" 2>/dev/null
  kill "$smtp_pid" 2>/dev/null
  wait "$smtp_pid" 2>/dev/null
  pkill -f "smtp_server.py --dir $tmp" 2>/dev/null
  smtp_pid=""
}
trap 'stop_smtp; cleanup' EXIT
received() { find "$1" -name '*.json' 2>/dev/null | wc -l; }

# One digest per subscriber and day: the Message-ID names both, so a copy
# sent twice (accepted just before a kill) is the same message to any mailbox.
one_each() {  # one_each DIR DAY: every subscriber holds exactly one digest of DAY
  "$python" - "$1" "$2" <<'PY'
import glob, json, sys, collections
directory, day = sys.argv[1], sys.argv[2]
ids = collections.defaultdict(set)
copies = 0
for f in glob.glob(directory + "/*.json"):
    m = json.load(open(f))
    if ("digest.%s." % day) not in (m["message_id"] or ""):
        continue
    copies += 1
    ids[m["rcpt_tos"][0]].add(m["message_id"])
bad = {r: i for r, i in ids.items() if len(i) != 1}
print("%d subscribers hold a digest of %s (%d messages, %d sent twice); wrong: %d" % (len(ids), day, copies, copies - len(ids), len(bad)))
sys.exit(0 if len(ids) == 1000 and not bad and copies - len(ids) <= 8 else 1)
PY
}

cat >"$tmp/newsdesk.toml" <<TOML
[site]
base_url = "http://news.example"
[digest]
time_zone = "UTC"
connections = 4
lease_seconds = 30
[mail]
from = "News <digest@news.example>"
TOML
check "the demo articles import" bash -c "'$nd' import '$root/demo/articles.jsonl' --data '$data' >/dev/null"
"$python" - "$data/newsdesk.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executemany("INSERT INTO subscribers (email, edition, state, created_at) VALUES (?, ?, 'confirmed', 0)",
               [("reader%d@example.org" % i, "en" if i % 2 else "ru") for i in range(1000)])
db.commit()
PY

start_smtp "$tmp/mail1"
check "the SMTP server starts" test -n "$smtp_port"
config() { sed "s|^\[mail\]|[mail]\nsmtp_url = \"smtp://127.0.0.1:$smtp_port\"|" "$tmp/newsdesk.toml" >"$tmp/run.toml"; }
config

# 1. Killed mid-run, started again.
"$nd" digest send --date 2026-11-24 --config "$tmp/run.toml" --data "$data" >"$tmp/send1.out" 2>&1 &
sender=$!
for _ in $(seq 1 300); do (( $(received "$tmp/mail1") >= 300 )) && break; sleep 0.05; done
kill -KILL "$sender"
wait "$sender" 2>/dev/null
killed_at=$(received "$tmp/mail1")
check "the sender was killed mid-run ($killed_at of 1000 sent)" test "$killed_at" -lt 1000
"$nd" digest send --date 2026-11-24 --config "$tmp/run.toml" --data "$data" >"$tmp/send2.out" 2>&1
check "the second run resumes and finishes" grep -q "1000 subscribers, 1000 sent, 0 failed" "$tmp/send2.out"
check "every subscriber holds exactly one digest after the kill" one_each "$tmp/mail1" 2026-11-24
before=$(received "$tmp/mail1")
"$nd" digest send --date 2026-11-24 --config "$tmp/run.toml" --data "$data" >/dev/null 2>&1
check "a finished day is never sent again" test "$(received "$tmp/mail1")" -eq "$before"

# 2. The SMTP server goes away mid-run and comes back on the same port.
port=$smtp_port
"$nd" digest send --date 2026-11-23 --config "$tmp/run.toml" --data "$data" >"$tmp/send3.out" 2>&1 &
sender=$!
start=$(received "$tmp/mail1")
for _ in $(seq 1 300); do (( $(received "$tmp/mail1") - start >= 300 )) && break; sleep 0.05; done
stop_smtp
sleep 3
start_smtp "$tmp/mail1" "$port"
check "the SMTP server comes back on port $port" test "$smtp_port" = "$port"
wait "$sender"
check "the run waited for it and finished" grep -q "1000 subscribers, 1000 sent, 0 failed" "$tmp/send3.out"
check "every subscriber holds exactly one digest after the outage" one_each "$tmp/mail1" 2026-11-23
stop_smtp

finish
