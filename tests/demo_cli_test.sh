#!/usr/bin/env bash
# What a newcomer's `make run` does, checked (issue 14): `newsdesk demo` into
# an empty data directory (dates moved to today, a demo editor with a fresh
# password printed once, readers' comments), a second run that changes
# nothing, serve saying where the site is and how to log in, the editor
# logging in with the printed password, the demo looking alive today
# (mentions of the week, the Discussion block, yesterday's digest), and a
# subscription whose confirmation lands in data/outbox/ as an .eml file.
# Usage: tests/demo_cli_test.sh NEWSDESK_BINARY REPO_ROOT
set -uo pipefail
nd=$1
root=$2
source "$(dirname "$0")/lib.sh"
data=$tmp/data

"$nd" demo "$root/demo" --data "$data" >"$tmp/demo1.out" 2>&1
check "the demo imports into an empty data directory" grep -q "imported the demo into $data: 40 articles" "$tmp/demo1.out"
check "... with the newest article a few hours old" grep -qE "the newest is [0-9]+ h [0-9]+ min old" "$tmp/demo1.out"
password=$(sed -n 's/^password: *//p' "$tmp/demo1.out")
check "it prints the demo editor and a password" bash -c "grep -q '^demo editor: editor@demo.example' '$tmp/demo1.out' && [[ ${#password} -ge 16 ]]"
password2=$(rm -rf "$tmp/other" && "$nd" demo "$root/demo" --data "$tmp/other" 2>&1 | sed -n 's/^password: *//p')
check "... never the same password twice" bash -c "[[ -n '$password2' && '$password2' != '$password' ]]"
check "... and keeps it out of the store" bash -c "! grep -rqa -- '$password' '$data'"

# A run stopped after making the accounts left no articles: the next run
# goes through, finding its accounts, and the editor gets a new password.
"$nd" user add editor@demo.example --role reader --password 'an older password 1' --data "$tmp/stopped" >/dev/null 2>&1
"$nd" demo "$root/demo" --data "$tmp/stopped" >"$tmp/stopped.out" 2>&1
check "a demo stopped half way is made again by the next run" grep -q "imported the demo into $tmp/stopped: 40 articles" "$tmp/stopped.out"
check "... with a new editor password printed" grep -qE '^password: +[A-Za-z0-9]{20}$' "$tmp/stopped.out"
check "... and the account made an editor again" bash -c "[[ \$(python3 -c \"import sqlite3; print(sqlite3.connect('$tmp/stopped/newsdesk.db').execute(\\\"SELECT role FROM users WHERE email = 'editor@demo.example'\\\").fetchone()[0])\") == editor ]]"

"$nd" demo "$root/demo" --data "$data" >"$tmp/demo2.out" 2>&1
check "a second run succeeds" test $? -eq 0
check "... and says the site is there already" grep -q "holds a site already" "$tmp/demo2.out"
check "... printing no new password" bash -c "! grep -q '^password:' '$tmp/demo2.out'"

# The greeting is on stdout, apart from the log on stderr.
"$nd" serve --data "$data" --listen 127.0.0.1:0 >"$tmp/serve.out" 2>"$tmp/serve.log" &
server_pid=$!
for _ in $(seq 1 100); do grep -q "newsdesk is serving" "$tmp/serve.out" 2>/dev/null && break; sleep 0.1; done
check "serve starts on the demo" grep -q "newsdesk is serving" "$tmp/serve.out"
check "serve says where the site is, where mail goes and how to log in" grep -qE \
  "^newsdesk is serving http://127.0.0.1:[0-9]+ \(data in $data; mail in $data/outbox/; demo editor: editor@demo.example / the password" \
  "$tmp/serve.out"
site=$(grep -oE 'http://127.0.0.1:[0-9]+' "$tmp/serve.out" | head -1)
for _ in $(seq 1 100); do curl -sf "$site/healthz" >/dev/null && break; sleep 0.1; done

jar=$tmp/jar
pre=$(curl -sf -c "$jar" -b "$jar" "$site/en/account/login" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
code=$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" -H "Origin: $site" --data-urlencode "email=editor@demo.example" \
  --data-urlencode "password=$password" --data-urlencode "csrf=$pre" "$site/en/account/login")
check "the demo editor logs in with the printed password" test "$code" = 303
check "... and reaches the moderation page" bash -c "[[ \$(curl -s -o /dev/null -w '%{http_code}' -b '$jar' '$site/en/moderation') == 200 ]]"

today_mentions=$(curl -s "$site/en/mentions/" | grep -o 'href="/en/mentions/[a-z][^"]*"' | sort -u | wc -l)
check "the mentions page ranks several entities of the last 7 days" test "$today_mentions" -ge 5
check "the Discussion block lists commented articles" bash -c "curl -s '$site/ru/discussion' | grep -q 'Зарево'"
yesterday=$(python3 -c 'import datetime, zoneinfo; print((datetime.datetime.now(zoneinfo.ZoneInfo("Europe/Moscow")) - datetime.timedelta(days=1)).date())')
"$nd" digest preview --date "$yesterday" --ed ru --data "$data" >"$tmp/digest.eml" 2>"$tmp/digest.err"
check "yesterday's digest has news" bash -c "! grep -q 'has no articles' '$tmp/digest.err' && grep -q '^Subject:' '$tmp/digest.eml'"

code=$(curl -s -o "$tmp/page" -w '%{http_code}' -H "Origin: $site" -d 'email=reader@example.org' "$site/en/subscriptions")
check "a reader subscribes on the demo" bash -c "[[ $code == 200 ]] && grep -q 'Check your mail' '$tmp/page'"
eml=""
# The outbox also holds the demo editor's daily desk mail: the reader's is
# the one addressed to them.
for _ in $(seq 1 100); do eml=$(grep -l '^To: .*reader@example.org' "$data/outbox/"*.eml 2>/dev/null | head -1); [[ -n "$eml" ]] && break; sleep 0.1; done
check "... and the confirmation is an .eml file in data/outbox/" test -n "$eml"
check "... readable by the owner only" bash -c "[[ \$(stat -c %a '$eml') == 600 ]]"
link=$(python3 - "$eml" <<'PY'
import email, email.policy, re, sys
msg = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
assert msg["To"] and "reader@example.org" in str(msg["To"]), msg["To"]
body = msg.get_body(preferencelist=("plain",)).get_content()
print(re.search(r"https?://\S+/subscriptions/confirm\?token=\S+", body).group(0))
PY
)
check "... holding the confirmation link" test -n "$link"
check "the demo editor has the day's desk mail in the outbox" python3 - "$data/outbox" <<'PY'
import email, email.policy, pathlib, sys
mails = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in pathlib.Path(sys.argv[1]).glob("*.eml")]
assert any("editor@demo.example" in str(m["To"]) and "/desk/" in m.get_body(preferencelist=("plain",)).get_content()
           for m in mails), [str(m["Subject"]) for m in mails]
PY
check "the link confirms" bash -c "curl -s '$link' | grep -q 'You are subscribed'"
check "no half-written file is left in the outbox" bash -c "! ls -A '$data/outbox' | grep -q '^\.'"
finish
