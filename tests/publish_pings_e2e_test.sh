#!/usr/bin/env bash
# The publish pings end to end (issue 17, part 3): `newsdesk serve` with a
# WebSub hub and IndexNow configured (a recording loopback server), an
# import while it runs, and the pings arriving as a job moments later,
# without anything waiting for them; /{key}.txt; `newsdesk jobs` showing
# the publish-ping job done.
# Usage: tests/publish_pings_e2e_test.sh NEWSDESK_BINARY REPO_ROOT
set -uo pipefail
nd=$1
root=$2
source "$(dirname "$0")/lib.sh"
key=e2e-ping-key-1

mkdir -p "$tmp/pings"
python3 "$root/tests/publish/ping_recorder.py" "$tmp/pings" 0 >"$tmp/recorder.port" &
recorder_pid=$!
trap 'kill $recorder_pid 2>/dev/null; cleanup' EXIT
for _ in $(seq 1 50); do [[ -s "$tmp/recorder.port" ]] && break; sleep 0.1; done
hub_port=$(cat "$tmp/recorder.port")

cat >"$tmp/newsdesk.toml" <<TOML
[site]
base_url = "http://news.example"
[publish]
websub_hubs = ["http://127.0.0.1:$hub_port/hub"]
indexnow_key = "$key"
indexnow_endpoint = "http://127.0.0.1:$hub_port/indexnow"
[ingest]
enabled = false
allowed_hosts = ["127.0.0.1:$hub_port"]
TOML

start_server "$nd" --config "$tmp/newsdesk.toml" --data "$tmp/data"
check "serve starts with pings configured" test -n "$port"
check "... and says whom it pings" grep -q "publish pings: 1 WebSub hub(s) and IndexNow" "$tmp/serve.log"
check "/{key}.txt answers the key" bash -c "[[ \$(curl -s 'http://127.0.0.1:$port/$key.txt') == '$key' ]]"

head -n 2 "$root/demo/articles.jsonl" >"$tmp/two.jsonl"
"$nd" import "$tmp/two.jsonl" --config "$tmp/newsdesk.toml" --data "$tmp/data" >/dev/null 2>"$tmp/import.err"
check "an import while serving succeeds" test $? -eq 0

# Within the schedule's settle time and a job's run.
for _ in $(seq 1 150); do
  grep -qs "^/indexnow$" "$tmp"/pings/*.txt && grep -qs "^/hub$" "$tmp"/pings/*.txt && break
  sleep 0.1
done
hub=$(grep -ls "^/hub$" "$tmp"/pings/*.txt | head -1)
indexnow=$(grep -ls "^/indexnow$" "$tmp"/pings/*.txt | head -1)
check "the hub gets a ping" test -n "$hub"
check "... a form with hub.mode=publish" bash -c "sed -n 2p '$hub' | grep -q '^application/x-www-form-urlencoded' && sed -n 3p '$hub' | grep -q '^hub.mode=publish&'"
check "... naming the edition's feeds, as RSS, Atom and JSON Feed" bash -c \
  "for f in feed.xml feed.atom feed.json; do grep -q \"hub.url=http%3A%2F%2Fnews.example%2Fen%2F\$f\" '$hub' || exit 1; done"
check "... and the sources' feeds" grep -q "hub.url=http%3A%2F%2Fnews.example%2Fen%2Fsources%2Fbaltic-defence-review%2Ffeed.xml" "$hub"
check "IndexNow gets the two articles' addresses in each edition offering them" bash -c "sed -n 3p '$indexnow' | python3 -c '
import json, sys
b = json.load(sys.stdin)
assert b[\"host\"] == \"news.example\" and b[\"key\"] == \"$key\", b
assert b[\"keyLocation\"] == \"http://news.example/$key.txt\", b
assert sorted(u.split(\"/\")[3] for u in b[\"urlList\"]) == [\"en\", \"en\", \"ru\"], b  # the first has a Russian translation
'"
check "... as JSON" bash -c "sed -n 2p '$indexnow' | grep -q '^application/json; charset=utf-8'"
check "newsdesk jobs lists the publish-ping job done" bash -c \
  "for _ in \$(seq 1 30); do '$nd' jobs --state done --config '$tmp/newsdesk.toml' --data '$tmp/data' 2>/dev/null | grep -q 'publish-ping' && exit 0; sleep 0.1; done; exit 1"
requests=$(ls "$tmp"/pings | wc -l)
sleep 3
check "nothing new, nothing pinged again" test "$(ls "$tmp"/pings | wc -l)" -eq "$requests"

finish
