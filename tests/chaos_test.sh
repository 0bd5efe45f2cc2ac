#!/usr/bin/env bash
# Every background part heals itself (issue 18): faults are injected into a
# running `newsdesk serve` and it recovers without a restart, saying so once
# in the log (not once per retry), in /readyz and in the
# newsdesk_component_up gauge.
#   1. Disk full: the search index lives on a 8 MB tmpfs (in a mount
#      namespace of the server's own), filled until Xapian's commit fails with
#      ENOSPC; once space is freed, articles imported meanwhile and after are
#      found by search.
#   2. On PostgreSQL, with a real SMTP sink (aiosmtpd) and a real MT server
#      (Debian's apertium-apy):
#      - the throwaway cluster is stopped and started again: the store, the
#        job runner, the schedule and LISTEN/NOTIFY go down and come back,
#        and an article imported afterwards is searchable and translated;
#      - the SMTP sink is stopped: a subscription's confirmation waits, the
#        "mail" part is down; restarted on its port, the mail arrives;
#      - APy is stopped: the translation pass fails, "translate" is down;
#        restarted, the next article is translated.
# Usage: chaos_test.sh PATH/TO/newsdesk REPO_ROOT
set -uo pipefail
nd=$1
root=$2
source "$root/tests/lib.sh"
python=/usr/bin/python3
pg="$tmp/pg"
apy_pid=""
smtp_pid=""
stop_smtp() { [[ -n "$smtp_pid" ]] && { pkill -P "$smtp_pid" 2>/dev/null; wait "$smtp_pid" 2>/dev/null; }; smtp_pid=""; }
stop_apy() { [[ -n "$apy_pid" ]] && { kill -TERM -- "-$apy_pid" 2>/dev/null; wait "$apy_pid" 2>/dev/null; }; apy_pid=""; }
stop_server() { [[ -n "$server_pid" ]] && { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; }; server_pid=""; }
trap 'stop_server; stop_smtp; stop_apy; "$root/tests/postgres/cluster.sh" stop "$pg" >/dev/null 2>&1; cleanup' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() {  # wait_for SECONDS COMMAND...: true once COMMAND succeeds within SECONDS
  local until=$((SECONDS + $1))
  shift
  while ((SECONDS < until)); do "$@" && return 0; sleep 0.5; done
  "$@"
}
readyz() { curl -s "$base/readyz"; }
# part_is NAME true|false: /readyz lists NAME with that "up".
part_is() {
  readyz | python3 -c "import json,sys; d=json.load(sys.stdin); sys.exit(not any(c['name']=='$1' and str(c['up']).lower()=='$2' for c in d['components']))" 2>/dev/null
}
ready() { [[ $(curl -s -o /dev/null -w '%{http_code}' "$base/readyz") == 200 ]]; }
finds() { curl -s "$base/api/v1/search?q=$1" | grep -q '"id"'; }
# article WORD N: a JSON Lines record of an English article whose text has WORD.
article() {
  printf '{"url": "https://wire.example/%s-%s", "source": {"name": "Wire", "url": "https://wire.example/", "language": "en"}, "language": "en", "headline": "The navy tested %s number %s", "published_at": "2026-11-28T10:00:00Z", "body": [{"type": "paragraph", "text": "The government bought a new frigate. %s %s was tested at sea by the navy, and the tests were successful. %s"}]}\n' \
    "$1" "$2" "$1" "$2" "$1" "$2" "$(head -c 300 /dev/urandom | base64 -w0 | tr -d '+/=' | sed 's/\(.\{9\}\)/\1 /g')"
}
log_lines() { grep -c -- "$1" "$tmp/serve.log"; }

# --- 1. disk full, on SQLite ------------------------------------------------
# (ND_CHAOS_ONLY=disk or =pg runs one half, when working on it.)
if [[ ${ND_CHAOS_ONLY:-} != pg ]]; then
# The server runs in a mount namespace of its own (unshare), with a small
# tmpfs over DATA/search: mounting needs root, or a user namespace where the
# kernel allows them. nsenter reaches that mount to fill and free it.
if [[ $(id -u) -eq 0 ]]; then ns=(unshare -m --propagation private); enter=(nsenter -m)
else ns=(unshare -r -m --propagation private); enter=(nsenter -U -m --preserve-credentials); fi
if ! "${ns[@]}" true 2>/dev/null; then
  echo "FAIL cannot make a mount namespace (${ns[*]}): run as root or allow user namespaces"
  exit 1
fi
data="$tmp/disk"
mkdir -p "$data/search"
for i in 1 2 3; do article warmup "$i"; done >"$tmp/warm.jsonl"
"$nd" import "$tmp/warm.jsonl" --data "$data" >/dev/null 2>"$tmp/import.err"
check "a few articles are imported" test $? -eq 0
cat >"$tmp/disk.toml" <<TOML
[ingest]
enabled = false
TOML
"${ns[@]}" bash -c 'mount -t tmpfs -o size=8m tmpfs "$0/search" && exec "$1" serve --data "$0" --config "$2" --listen 127.0.0.1:0' \
  "$data" "$nd" "$tmp/disk.toml" 2>"$tmp/serve.log" &
server_pid=$!
await_port
check "serve starts with its index on a 8 MB tmpfs" test -n "$port"
base="http://127.0.0.1:$port"
in_ns() { "${enter[@]}" -t "$server_pid" -- "$@"; }
check "the index is on the tmpfs" bash -c "$(printf '%q ' "${enter[@]}") -t $server_pid -- df '$data/search' | grep -q tmpfs"
check "search finds the first articles" wait_for 20 finds warmup
check "/readyz says every part works (200)" wait_for 10 ready

in_ns sh -c "cat /dev/zero >'$data/search/.filler' 2>/dev/null; sync"
for i in $(seq 1 40); do article zebrafinch "$i"; done >"$tmp/full.jsonl"
"$nd" import "$tmp/full.jsonl" --data "$data" >/dev/null 2>>"$tmp/import.err"
check "articles are imported while the index's disk is full" test $? -eq 0
check "… the search part goes down (/readyz 503, search up=false)" wait_for 20 part_is search false
sleep 6  # retries happen meanwhile, with backoff
check "… and the log says so once, not once per retry" test "$(log_lines 'search: not working')" -eq 1
check "… naming the full disk" grep -q 'search: not working.*[Ss]pace' "$tmp/serve.log"
check "… the gauge says 0" bash -c "curl -s '$base/metrics' | grep -q 'newsdesk_component_up{component=\"search\"} 0'"
check "… /healthz stays about the store (200)" test "$(curl -s -o /dev/null -w '%{http_code}' "$base/healthz")" = 200

in_ns rm -f "$data/search/.filler"
article quokka 1 >"$tmp/after.jsonl"
"$nd" import "$tmp/after.jsonl" --data "$data" >/dev/null 2>>"$tmp/import.err"
check "once space is freed, search finds the article imported after, without a restart" wait_for 30 finds quokka
check "… and those imported while the disk was full, all 40" bash -c "curl -s '$base/api/v1/search?q=zebrafinch' | grep -q '\"total\":40'"
check "… the search part is up again" wait_for 5 part_is search true
check "… and the log says so once" test "$(log_lines 'search: working again')" -eq 1
check "… /readyz is 200 again" ready
((failed)) && { readyz; in_ns df -h "$data/search"; in_ns du -sh "$data/search"; ls -l /proc/$server_pid/fd | grep -c shard; ls -l /proc/$server_pid/fd | grep lock; pgrep -P $server_pid -a; }
stop_server
if ((failed)); then echo "--- server log (last 40 lines)"; tail -40 "$tmp/serve.log"; fi
fi
if [[ ${ND_CHAOS_ONLY:-} == disk ]]; then finish; exit; fi

# --- 2. PostgreSQL, SMTP and APy --------------------------------------------
if [[ ! -x /usr/bin/apertium-apy || ! -f /usr/share/apertium/modes/eng-spa.mode ]]; then
  echo "FAIL apertium-apy and apertium-eng-spa are required: scripts/install-deps --test"
  exit 1
fi
"$root/tests/postgres/cluster.sh" start "$pg" >/dev/null || { echo "FAIL cannot start PostgreSQL"; exit 1; }
admin=$(cat "$pg/url")
psql -q "$admin" -c "CREATE DATABASE chaos" || { echo "FAIL cannot create the database"; exit 1; }
db="${admin%/postgres}/chaos"
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_postgres() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_down() { as_postgres "$pgbin/pg_ctl" -D "$pg/data" -w -t 60 -m fast stop >/dev/null; }
pg_up() { as_postgres "$pgbin/pg_ctl" -D "$pg/data" -l "$pg/server.log" -w -t 60 start >/dev/null; }

smtp_port=$(free_port)
start_smtp() {
  (sleep 900 | "$python" "$root/src/mail/testing/smtp_server.py" --dir "$tmp/mail" --port "$smtp_port" \
     >"$tmp/smtp.out" 2>"$tmp/smtp.err") >/dev/null 2>&1 &
  smtp_pid=$!
  wait_for 10 grep -qs PORT "$tmp/smtp.out"
}
apy_port=$(free_port)
start_apy() {
  setsid /usr/bin/apertium-apy -p "$apy_port" /usr/share/apertium/modes >>"$tmp/apy.log" 2>&1 &
  apy_pid=$!
  wait_for 30 curl -sf "http://127.0.0.1:$apy_port/listPairs" -o /dev/null
}
mkdir -p "$tmp/mail"
check "the SMTP sink starts" start_smtp
check "apertium-apy starts" start_apy

cat >"$tmp/pg.toml" <<TOML
[site]
editions = ["en", "es"]
[store]
database = "$db"
[ingest]
enabled = false
[mail]
smtp_url = "smtp://127.0.0.1:$smtp_port"
from = "newsroom@news.example"
[translate]
enabled = true
interval_seconds = 1
retry_failed_seconds = 2
[[translate.servers]]
kind = "apertium"
url = "http://127.0.0.1:$apy_port"
pairs = ["en-es"]
TOML
article osprey 1 >"$tmp/pg1.jsonl"
"$nd" import "$tmp/pg1.jsonl" --config "$tmp/pg.toml" --data "$tmp/pgdata" >/dev/null 2>>"$tmp/import.err"
check "an article is imported into PostgreSQL" test $? -eq 0
start_server "$nd" --config "$tmp/pg.toml" --data "$tmp/pgdata"
check "serve starts on PostgreSQL" test -n "$port"
base="http://127.0.0.1:$port"
translated() {  # translated ID: the article has its Spanish machine translation
  curl -s "$base/api/v1/articles/$1" | python3 -c '
import json, sys
sys.exit(not any(t["language"] == "es" for t in json.load(sys.stdin).get("translations", [])))' 2>/dev/null
}
id_of() { curl -s "$base/api/v1/search?q=$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["results"][0]["id"])' 2>/dev/null; }
check "search finds the article" wait_for 20 finds osprey
check "APy translates it (the first translation starts APy's pipeline)" wait_for 180 translated "$(id_of osprey)"
check "/readyz: every part works" wait_for 20 ready
check "/readyz lists the store, search, jobs, schedule, notify, mail and translate" bash -c "
  curl -s '$base/readyz' | python3 -c 'import json,sys; names={c[\"name\"] for c in json.load(sys.stdin)[\"components\"]}; sys.exit(not {\"store\",\"search\",\"jobs\",\"schedule\",\"notify\",\"mail\",\"translate\"} <= names)'"

# PostgreSQL goes away and comes back.
pg_down
check "with PostgreSQL stopped, /readyz is 503 and names the store" wait_for 30 part_is store false
check "… answering at once, not waiting on the database" curl -s -m 1 -o /dev/null "$base/readyz"
check "… /healthz is 503" test "$(curl -s -o /dev/null -w '%{http_code}' "$base/healthz")" = 503
check "… the job runner and the schedule are down" wait_for 20 bash -c "$(declare -f part_is readyz); base=$base; part_is jobs false && part_is schedule false"
check "… LISTEN/NOTIFY is down" wait_for 20 part_is notify false
check "… the reasons are given to a local caller" bash -c "curl -s '$base/readyz' | grep -q '\"error\"'"
sleep 5
check "… each part's failure is logged once, not once per retry" bash -c "
  [[ \$(grep -c 'jobs: not working' '$tmp/serve.log') -eq 1 && \$(grep -c 'schedule: not working' '$tmp/serve.log') -eq 1 ]]"
pg_up
check "PostgreSQL back: /readyz is 200 again within 30 s, without a restart" wait_for 30 ready
check "… each part logged its return once" bash -c "
  [[ \$(grep -c 'jobs: working again' '$tmp/serve.log') -eq 1 && \$(grep -c 'schedule: working again' '$tmp/serve.log') -eq 1 ]]"
article heron 1 >"$tmp/pg2.jsonl"
"$nd" import "$tmp/pg2.jsonl" --config "$tmp/pg.toml" --data "$tmp/pgdata" >/dev/null 2>>"$tmp/import.err"
check "… an article imported afterwards is found by search" wait_for 30 finds heron
check "… and translated by the job runner" wait_for 60 translated "$(id_of heron)"

# The SMTP server goes away and comes back.
stop_smtp
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d '{"email":"reader@example.org"}' "$base/api/v1/subscriptions")
check "with SMTP down, a subscription is still taken (202)" test "$code" = 202
check "… the mail part goes down" wait_for 20 part_is mail false
check "… /readyz is 503" bash -c "$(declare -f ready); base=$base; ! ready"
start_smtp
check "SMTP back on its port: the confirmation arrives (retried after 10 s)" wait_for 40 bash -c "ls '$tmp/mail'/*.eml >/dev/null 2>&1"
check "… the mail part is up again" wait_for 5 part_is mail true
check "… said once each way in the log" bash -c "
  [[ \$(grep -c 'mail: not working' '$tmp/serve.log') -eq 1 && \$(grep -c 'mail: working again' '$tmp/serve.log') -eq 1 ]]"

# The MT server goes away and comes back.
stop_apy
article plover 1 >"$tmp/pg3.jsonl"
"$nd" import "$tmp/pg3.jsonl" --config "$tmp/pg.toml" --data "$tmp/pgdata" >/dev/null 2>>"$tmp/import.err"
check "with APy down, the translate part goes down" wait_for 30 part_is translate false
check "… and the article stays untranslated" bash -c "$(declare -f translated); base=$base; ! translated \$(curl -s '$base/api/v1/search?q=plover' | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"results\"][0][\"id\"])')"
check "APy restarts on its port" start_apy
check "… the article is translated by the next passes, without a restart" wait_for 180 translated "$(id_of plover)"
check "… and the translate part is up again" wait_for 10 part_is translate true
check "the metrics carry one gauge per part" bash -c "[[ \$(curl -s '$base/metrics' | grep -c '^newsdesk_component_up{') -ge 6 ]]"
stop_server
if ((failed)); then echo "--- server log (last 40 lines)"; tail -40 "$tmp/serve.log"; fi
finish
