#!/usr/bin/env bash
# Two newsdesk nodes on one PostgreSQL (issue 8), each with its own data
# directory (search index), as behind one address in production:
#   an article imported through node A is served by node B; a comment posted
#   on A shows on B within a second; 1,000 jobs run exactly once across both;
#   kill -9 of the node running a job: the other completes it after the
#   lease; PostgreSQL restarted under load: both serve again, no request
#   hangs, nothing written before is lost.
# Usage: nodes_test.sh NEWSDESK SOURCE_DIR
set -uo pipefail
nd=$1
src=$2
source "$src/tests/lib.sh"
pg="$tmp/pg"
a_pid=""
b_pid=""
stop_all() {
  [[ -n "$a_pid" ]] && kill "$a_pid" 2>/dev/null
  [[ -n "$b_pid" ]] && kill "$b_pid" 2>/dev/null
  wait 2>/dev/null
  "$src/tests/postgres/cluster.sh" stop "$pg" >/dev/null 2>&1
  cleanup
}
trap stop_all EXIT

"$src/tests/postgres/cluster.sh" start "$pg" >/dev/null || { echo "FAIL cannot start PostgreSQL"; exit 1; }
admin=$(cat "$pg/url")
psql -q "$admin" -c "CREATE DATABASE site" || { echo "FAIL cannot create the database"; exit 1; }
db="${admin%/postgres}/site"
cat >"$tmp/site.toml" <<CONF
[store]
database = "$db"
[jobs]
lease_seconds = 3
CONF

start_node() {  # start_node NAME: serve from data dir $tmp/NAME; sets NAME_pid, NAME_port
  local seen=0
  [[ -f "$tmp/$1.log" ]] && seen=$(wc -l <"$tmp/$1.log")  # a restarted node appends to its log
  "$nd" serve --config "$tmp/site.toml" --data "$tmp/$1" --listen 127.0.0.1:0 2>>"$tmp/$1.log" &
  local pid=$! port=""
  for _ in $(seq 1 150); do
    port=$(tail -n +"$((seen + 1))" "$tmp/$1.log" | grep -o 'listening on http://127.0.0.1:[0-9]*' | tail -1 | grep -o '[0-9]*$' || true)
    [[ -n "$port" ]] && break
    sleep 0.1
  done
  printf -v "${1}_pid" '%s' "$pid"
  printf -v "${1}_port" '%s' "$port"
}
now_ms() { date +%s%3N; }
jobs_json() { "$nd" jobs --json --state all --limit 5 --config "$tmp/site.toml" --data "$tmp/a" 2>/dev/null; }
json_get() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

check "the demo site imports into PostgreSQL" bash -c "'$nd' import '$src/demo' --config '$tmp/site.toml' --data '$tmp/a' >/dev/null"
start_node a
start_node b
check "node A serves" test -n "$a_port"
check "node B serves" test -n "$b_port"
A="http://127.0.0.1:$a_port"
B="http://127.0.0.1:$b_port"

# --- an article imported through node A is served by node B ------------------------
cat >"$tmp/new.jsonl" <<'JSON'
{"url": "https://wire.example/frigate", "source": {"name": "Wire", "url": "https://wire.example/", "language": "en"}, "language": "en", "headline": "Navy orders a frigate from the northern yard", "published_at": "2026-11-28T10:00:00Z", "body": [{"type": "paragraph", "text": "The navy ordered a frigate on Friday."}]}
JSON
curl -sf "$B/en/" >/dev/null  # B's front page is now cached
check "an article imported through node A's store" bash -c "'$nd' import '$tmp/new.jsonl' --config '$tmp/site.toml' --data '$tmp/a' >/dev/null"
id=$(curl -sf "$A/api/v1/articles?limit=50" | python3 -c "
import json,sys
for a in json.load(sys.stdin)['articles']:
    if a['headline'].startswith('Navy orders a frigate'): print(a['id'])")
check "… is listed by node A" test -n "$id"
seen=""
for _ in $(seq 1 20); do
  if curl -sf "$B/en/" | grep -qF "Navy orders a frigate from the northern yard"; then seen=1; break; fi
  sleep 0.1
done
check "… and served by node B, whose cached front page made way for it" test -n "$seen"
check "… and node B's article page has it" bash -c "curl -sfL '$B/en/articles/$id' | grep -qF 'The navy ordered a frigate on Friday.'"
for _ in $(seq 1 40); do
  curl -sf "$B/api/v1/search?q=frigate" | grep -q "\"id\":$id" && break
  sleep 0.25
done
curl -s "$B/api/v1/search?q=frigate" >"$tmp/search.json"
check "… and found by node B's own search index" grep -q "\"id\":$id" "$tmp/search.json"
grep -q "\"id\":$id" "$tmp/search.json" || head -c 600 "$tmp/search.json"

# --- a comment posted on A shows on B within a second ---------------------------------
"$nd" user add reader@example.org --password 'correct horse battery' --config "$tmp/site.toml" --data "$tmp/a" >/dev/null
jar="$tmp/cookies"
pre=$(curl -sf -c "$jar" -b "$jar" "$A/en/account/login" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "email=reader@example.org" \
  --data-urlencode "password=correct horse battery" --data-urlencode "csrf=$pre" "$A/en/account/login"
csrf=$(curl -sfL -c "$jar" -b "$jar" "$A/en/articles/$id" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
check "a reader logs in on node A" test -n "$csrf"
curl -sfL "$B/en/articles/$id" >/dev/null  # B's article page is now cached, without the comment
# The session made on A is good on B: both keep it in the store and sign alike.
check "… and the session is good on node B too" bash -c \
  "curl -sfL -b '$jar' '$B/en/articles/$id' | grep -q 'name=\"csrf\"'"
t0=$(now_ms)
status=$(curl -s -o "$tmp/comment.json" -w '%{http_code}' -b "$jar" -H 'Content-Type: application/json' \
  -H "X-CSRF-Token: $csrf" --data '{"body": "Posted on node A, read on node B."}' "$A/api/v1/articles/$id/comments")
check "the comment is posted on node A" test "$status" = 201 -o "$status" = 200
shown=""
for _ in $(seq 1 100); do
  if curl -sfL "$B/en/articles/$id" | grep -qF "Posted on node A, read on node B."; then shown=$(($(now_ms) - t0)); break; fi
  sleep 0.02
done
echo "     the comment showed on node B after ${shown:-never} ms"
check "… and shows on node B's cached page within a second" bash -c "[[ -n '$shown' && '$shown' -lt 1000 ]]"

# --- 1,000 jobs run exactly once across both nodes ----------------------------------------
"$nd" jobs enqueue probe --count 1000 --payload 1 --config "$tmp/site.toml" --data "$tmp/a" >/dev/null
for _ in $(seq 1 300); do
  done_n=$(jobs_json | json_get "d['counts']['done']")
  [[ "$done_n" -ge 1000 ]] && break
  sleep 0.2
done
check "1,000 probe jobs are done" test "${done_n:-0}" -ge 1000
runs=$(cat "$tmp/a.log" "$tmp/b.log" | grep -o 'probe job [0-9]* done' | wc -l)
distinct=$(cat "$tmp/a.log" "$tmp/b.log" | grep -o 'probe job [0-9]* done' | sort -u | wc -l)
by_a=$(grep -c 'probe job [0-9]* done' "$tmp/a.log")
by_b=$(grep -c 'probe job [0-9]* done' "$tmp/b.log")
echo "     node A ran $by_a, node B ran $by_b"
check "… each exactly once (1,000 runs of 1,000 jobs)" test "$runs" -eq 1000 -a "$distinct" -eq 1000
check "… shared by both nodes" test "$by_a" -gt 0 -a "$by_b" -gt 0

# --- kill -9 of the node running a job: the other completes it after the lease -----------
"$nd" jobs enqueue probe --payload 4000 --key slow --config "$tmp/site.toml" --data "$tmp/a" >/dev/null
holder=""
for _ in $(seq 1 100); do
  holder=$("$nd" jobs --json --state running --config "$tmp/site.toml" --data "$tmp/a" 2>/dev/null |
    json_get "next((j['holder'] for j in d['jobs'] if j['key']=='slow'), '')")
  [[ -n "$holder" ]] && break
  sleep 0.05
done
slow_id=$("$nd" jobs --json --state all --config "$tmp/site.toml" --data "$tmp/a" | json_get "next(j['id'] for j in d['jobs'] if j['key']=='slow')")
check "the slow job is running on a node" test -n "$holder"
victim_pid=$(echo "$holder" | cut -d: -f2)
if [[ "$victim_pid" == "$a_pid" ]]; then victim=a; survivor=b; else victim=b; survivor=a; fi
kill -9 "$victim_pid" 2>/dev/null
wait "$victim_pid" 2>/dev/null
printf -v "${victim}_pid" '%s' ""
state=""
for _ in $(seq 1 100); do
  state=$("$nd" jobs --json --state all --config "$tmp/site.toml" --data "$tmp/a" | json_get "next(j['state'] for j in d['jobs'] if j['id']==$slow_id)")
  [[ "$state" == "done" ]] && break
  sleep 0.2
done
check "after kill -9 of node $victim, node $survivor completes its job once the lease ran out" bash -c \
  "[[ '$state' == done ]] && grep -q 'probe job $slow_id done' '$tmp/$survivor.log'"
start_node "$victim"
eval "check 'the killed node starts again' test -n \"\$${victim}_port\""
A="http://127.0.0.1:$a_port"
B="http://127.0.0.1:$b_port"

# --- PostgreSQL restarted under load -------------------------------------------------------
articles_before=$(curl -sf "$A/api/v1/articles?limit=100" | json_get "len(d['articles'])")
load() {  # load URL OUT: requests until $tmp/stop_load exists, "code seconds" per line
  local n=0
  while [[ ! -e "$tmp/stop_load" ]]; do
    n=$((n + 1))  # a new address each time: past the page cache, to the store
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 30 "$1&n=$n" >>"$2"
  done
}
rm -f "$tmp/stop_load"
load "$A/api/v1/articles?limit=5" "$tmp/load_a" &
la=$!
load "$B/api/v1/articles?limit=7" "$tmp/load_b" &
lb=$!
sleep 1
"$src/tests/postgres/cluster.sh" restart "$pg" >/dev/null
back=""
t0=$(now_ms)
for _ in $(seq 1 150); do
  if curl -sf --max-time 5 "$A/healthz" >/dev/null && curl -sf --max-time 5 "$B/healthz" >/dev/null; then back=$(($(now_ms) - t0)); break; fi
  sleep 0.1
done
sleep 1
touch "$tmp/stop_load"
wait "$la" "$lb" 2>/dev/null
echo "     both nodes answered again ${back:-never} ms after the restart; $(wc -l <"$tmp/load_a") + $(wc -l <"$tmp/load_b") requests under load"
check "after PostgreSQL restarts, both nodes serve again" test -n "$back"
check "… no request hung (each answered well within curl's 30 s)" bash -c \
  "! awk '\$2 >= 29 || \$1 == \"000\"' '$tmp/load_a' '$tmp/load_b' | grep -q ."
check "… the last requests under load were answered 200" bash -c \
  "tail -1 '$tmp/load_a' | grep -q '^200 ' && tail -1 '$tmp/load_b' | grep -q '^200 '"
articles_after=$(curl -sf "$B/api/v1/articles?limit=100" | json_get "len(d['articles'])")
check "… nothing written before the restart is lost ($articles_before articles)" test "$articles_before" = "$articles_after"
check "… the comment is still there" bash -c "curl -sfL '$B/en/articles/$id' | grep -qF 'Posted on node A, read on node B.'"
check "… and writing works again" bash -c "'$nd' jobs enqueue probe --config '$tmp/site.toml' --data '$tmp/a' | grep -q '1 probe job queued'"

if [[ $failed -gt 0 ]]; then
  for n in a b; do echo "--- node $n's log (last 15 lines)"; tail -15 "$tmp/$n.log"; done
fi
finish
