#!/usr/bin/env bash
# The daily mailing as a reader meets it, over real HTTP and a real SMTP
# server (python3-aiosmtpd): subscribe on the site, confirm through the link
# in the mail, receive the digest (parsed as MIME: both parts, valid headers,
# links that resolve against the running server), unsubscribe with RFC 8058's
# one-click POST, and receive nothing more.
# Usage: mailing_e2e_test.sh PATH/TO/newsdesk REPO_ROOT
set -uo pipefail
nd=$1
root=$2
source "$(dirname "$0")/lib.sh"
python=/usr/bin/python3
smtp_pid=""
stop_smtp() { [[ -n "$smtp_pid" ]] && { pkill -P "$smtp_pid" 2>/dev/null; wait "$smtp_pid" 2>/dev/null; }; smtp_pid=""; }
trap 'stop_smtp; cleanup' EXIT

mkdir -p "$tmp/mail"
(sleep 600 | "$python" "$root/src/mail/testing/smtp_server.py" --dir "$tmp/mail" >"$tmp/smtp.out" 2>"$tmp/smtp.err") >/dev/null 2>&1 &
smtp_pid=$!
for _ in $(seq 1 100); do grep -q PORT "$tmp/smtp.out" 2>/dev/null && break; sleep 0.1; done
smtp_port=$(grep -o 'PORT [0-9]*' "$tmp/smtp.out" | grep -o '[0-9]*')
port=$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
site="http://127.0.0.1:$port"
cat >"$tmp/newsdesk.toml" <<TOML
[server]
listen = "127.0.0.1:$port"
[site]
base_url = "$site"
[mail]
smtp_url = "smtp://127.0.0.1:$smtp_port"
from = "News <digest@news.example>"
[digest]
time_zone = "UTC"
enabled = false
[ingest]
enabled = false
TOML
"$nd" import "$root/demo/articles.jsonl" --data "$tmp/data" >/dev/null
"$nd" serve --config "$tmp/newsdesk.toml" --data "$tmp/data" 2>"$tmp/serve.log" &
server_pid=$!
for _ in $(seq 1 100); do curl -sf "$site/healthz" >/dev/null && break; sleep 0.1; done

mail_count() { find "$tmp/mail" -name '*.json' | wc -l; }
wait_mail() { for _ in $(seq 1 100); do (( $(mail_count) >= $1 )) && return 0; sleep 0.1; done; return 1; }

check "every page has the subscribe box" bash -c "curl -s '$site/en/' | grep -q 'action=\"/en/subscriptions\"'"
code=$(curl -s -o /dev/null -w '%{http_code}' -d 'email=reader@example.org' "$site/en/subscriptions")
check "a form POST from another site is refused (403)" test "$code" = 403
code=$(curl -s -o "$tmp/page" -w '%{http_code}' -H "Origin: $site" -d 'email=reader@example.org' "$site/en/subscriptions")
check "the site's own form subscribes" bash -c "[[ $code == 200 ]] && grep -q 'Check your mail' '$tmp/page'"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Origin: $site" -d 'email=robot@example.org&website=http://spam' "$site/en/subscriptions")
check "a filled-in honeypot gets the usual answer" test "$code" = 200
code=$(curl -s -o "$tmp/page" -w '%{http_code}' -H "Origin: $site" -d 'email=not-an-address' "$site/en/subscriptions")
check "a malformed address is refused, saying why" bash -c "[[ $code == 400 ]] && grep -q 'e-mail address' '$tmp/page'"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: text/plain' -d '{"email":"api@example.org"}' "$site/api/v1/subscriptions")
check "the API wants JSON (415 otherwise)" test "$code" = 415
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d '{"email":"api@example.org","edition":"ru"}' "$site/api/v1/subscriptions")
check "the API subscribes (202)" test "$code" = 202

check "two confirmation mails arrive (none for the robot)" wait_mail 2
sleep 0.5
check "and no more" test "$(mail_count)" -eq 2
link=$("$python" - "$tmp/mail" <<'PY'
import glob, json, re, sys
for f in sorted(glob.glob(sys.argv[1] + "/*.json")):
    m = json.load(open(f))
    if m["rcpt_tos"] == ["reader@example.org"]:
        print(re.search(r"https?://\S+/subscriptions/confirm\?token=\S+", m["text"]["content"]).group(0))
PY
)
check "the confirmation mail has the link" test -n "$link"
check "the link confirms" bash -c "curl -s '$link' | grep -q 'You are subscribed'"
check "a forged link does not" bash -c "curl -s '${link}0' | grep -q 'does not work'"

"$nd" digest send --date 2026-11-24 --config "$tmp/newsdesk.toml" --data "$tmp/data" >"$tmp/send.out" 2>&1
check "the digest goes to the one confirmed subscriber" grep -q "1 subscribers, 1 sent, 0 failed" "$tmp/send.out"
check "it arrives" wait_mail 3
"$python" - "$tmp/mail/3.json" "$tmp/mail/3.eml" "$site" >"$tmp/digest.check" <<'PY'
import email, email.policy, json, re, sys, urllib.request
m = json.load(open(sys.argv[1]))
raw = open(sys.argv[2], "rb").read()
msg = email.message_from_bytes(raw, policy=email.policy.default)
site = sys.argv[3]
assert m["rcpt_tos"] == ["reader@example.org"], m["rcpt_tos"]
assert m["content_type"] == "multipart/alternative", m["content_type"]
assert m["text"] and m["html"], "both parts"
assert not m["defects"], m["defects"]
assert m["message_id"].startswith("<digest.2026-11-24.en."), m["message_id"]
assert m["date"] and m["subject"] == "newsdesk: the news of November 24, 2026", m["subject"]
lu = str(msg["List-Unsubscribe"])
assert lu.startswith("<" + site + "/en/subscriptions/unsubscribe?token=") and "<mailto:" in lu, lu
assert str(msg["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click"
links = set(re.findall(r'href="([^"]+)"', m["html"]["content"])) | set(re.findall(r"https?://\S+", m["text"]["content"]))
assert any("/en/articles/" in l for l in links), links
for l in sorted(links):
    l = l.replace("&amp;", "&")
    with urllib.request.urlopen(l) as r:
        assert r.status == 200, (l, r.status)
print("ok", len(links), "links resolve")
print(re.search(r"<(http[^>]+unsubscribe[^>]+)>", lu).group(1))
PY
check "the digest is valid MIME whose links all resolve" grep -q "^ok" "$tmp/digest.check"
unsubscribe=$(tail -1 "$tmp/digest.check")
code=$(curl -s -o "$tmp/page" -w '%{http_code}' -X POST -d 'List-Unsubscribe=One-Click' "$unsubscribe")
check "the one-click POST unsubscribes at once" bash -c "[[ $code == 200 ]] && grep -q 'unsubscribed' '$tmp/page'"
"$nd" digest send --date 2026-11-25 --config "$tmp/newsdesk.toml" --data "$tmp/data" >"$tmp/send.out" 2>&1
check "the next digest goes to nobody" grep -q "0 subscribers, 0 sent" "$tmp/send.out"
sleep 0.3
check "no further mail" test "$(mail_count)" -eq 3
check "/metrics has the mailing's counters" bash -c "curl -s '$site/metrics' | grep -q newsdesk_digest_messages_total"

kill -TERM "$server_pid"
wait "$server_pid"
server_pid=""
finish
