#!/usr/bin/env bash
# Editors grow the knowledge base from the names articles use: candidates,
# add, alias, merge, dismiss, retag, and a running server that picks the
# changes up without a restart.
# Usage: entities_cli_test.sh PATH/TO/newsdesk
set -uo pipefail
nd=$1
source "$(dirname "$0")/lib.sh"
data="$tmp/data"

# Three articles name a shipbuilder the gazetteer does not know; one names a
# yard only once.
for i in 1 2 3; do
  cat >>"$tmp/articles.jsonl" <<JSON
{"url": "https://navy.example/$i", "source": {"name": "Navy Review", "url": "https://navy.example/", "language": "en"}, "language": "en", "headline": "Frigate order number $i", "published_at": "2026-11-2${i}T10:00:00Z", "body": [{"type": "paragraph", "text": "The navy ordered a frigate from Kestrel Marine on Monday. Officials said Kestrel Marine would deliver it in 2029, and the Brest Arsenal Yard would fit it out."}]}
JSON
done
check "articles import" bash -c "'$nd' import '$tmp/articles.jsonl' --data '$data' | grep -q '3 new'"
"$nd" entities candidates --data "$data" >"$tmp/out" 2>&1
check "candidates list the unknown name with its counts" grep -Eq "^ +3 +6 +en +Kestrel Marine" "$tmp/out"
check "and the other one too" grep -q "Brest Arsenal Yard" "$tmp/out"
"$nd" entities candidates --min 4 --data "$data" >"$tmp/out" 2>&1
check "--min leaves out names fewer articles use" grep -q "no unknown names" "$tmp/out"
check "--json gives key, form and counts" bash -c "'$nd' entities candidates --json --data '$data' | python3 -c 'import json,sys; c=json.load(sys.stdin)[\"candidates\"][0]; assert c[\"form\"]==\"Kestrel Marine\" and c[\"articles\"]==3, c'"

"$nd" entities add "Kestrel Marine" --type organisation --en "Kestrel Marine" --data "$data" >/dev/null 2>"$tmp/err"
check "an id that is not a slug is refused, saying why" grep -q "not an id" "$tmp/err"
"$nd" entities add kestrel-marine --type ship --en "Kestrel Marine" --data "$data" >/dev/null 2>"$tmp/err"
check "an unknown type is refused, listing the types" grep -q "person, organisation" "$tmp/err"
"$nd" entities add nato-two --type organisation --en "NATO" --exact NATO --data "$data" >/dev/null 2>"$tmp/err"
check "a form another entity has is refused, naming it" grep -q "nato" "$tmp/err"
"$nd" entities add russia --type country --en "Russia" --data "$data" >/dev/null 2>"$tmp/err"
check "an existing id is refused" grep -q "exists" "$tmp/err"

# A running server picks the change up.
start_server "$nd" --data "$data"
check "the server starts" test -n "$port"
check "before: no page for the entity" bash -c "[[ \$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$port/en/mentions/kestrel-marine) == 404 ]]"

check "add creates the entity" bash -c "'$nd' entities add kestrel-marine --type organisation --en 'Kestrel Marine' --ru 'Kestrel Marine' --alias 'KMS' --data '$data' | grep -q 'added organisation'"
check "the audit log records the entity added" bash -c "'$nd' audit --data '$data' | grep -qE 'cli:entities add +entity.add +entity:kestrel-marine +Kestrel Marine\$'"
check "alias adds a Russian form by its letters" bash -c "'$nd' entities alias kestrel-marine 'Кестрел Марин' --data '$data' | grep -q 'now a form'"
check "the audit log records the form added" bash -c "'$nd' audit --limit 1 --data '$data' | grep -qE 'cli:entities alias +entity.alias +entity:kestrel-marine +Kestrel Marine\$'"
"$nd" entities alias kestrel-marine KMS --data "$data" >/dev/null 2>"$tmp/err"
check "the same form twice is refused" grep -q "already a form" "$tmp/err"
check "retag tags the stored articles" bash -c "'$nd' entities retag --data '$data' | grep -q 're-tagged 3 articles: 3 changed'"
"$nd" entities candidates --min 1 --data "$data" >"$tmp/out" 2>&1
check "the name is no longer a candidate" bash -c "! grep -q 'Kestrel Marine' '$tmp/out'"

page_has() {  # page_has PATH TEXT: within 5 s, the page shows TEXT
  for _ in $(seq 1 50); do
    curl -s "http://127.0.0.1:$port$1" | grep -q "$2" && return 0
    sleep 0.1
  done
  return 1
}
check "the running server shows the new entity's page" page_has /en/mentions/kestrel-marine "Kestrel Marine"
check "and the article's mentions link to it" page_has /api/v1/articles/1 "kestrel-marine"

check "dismiss keeps a candidate off the list" bash -c "'$nd' entities dismiss 'brest arsenal yard' --data '$data' >/dev/null && ! '$nd' entities candidates --min 1 --data '$data' | grep -q Brest"
check "the audit log records the dismissal" bash -c "'$nd' audit --action entity.dismiss --data '$data' | grep -qE 'cli:entities dismiss +entity.dismiss +candidate:brest arsenal yard +brest arsenal yard\$'"

check "merge folds one entity into another" bash -c "'$nd' entities add kms-old --type organisation --en 'Kestrel Marine Systems Ltd' --data '$data' >/dev/null && '$nd' entities merge kms-old kestrel-marine --data '$data' | grep -q merged"
check "the audit log records the merge" bash -c "'$nd' audit --limit 1 --data '$data' | grep -qE 'cli:entities merge +entity.merge +entity:kms-old +Kestrel Marine Systems Ltd into Kestrel Marine\$'"
check "the merged entity's page redirects" bash -c "for _ in \$(seq 1 50); do [[ \$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' http://127.0.0.1:$port/en/mentions/kms-old) == '301 http://127.0.0.1:$port/en/mentions/kestrel-marine' ]] && exit 0; sleep 0.1; done; exit 1"
"$nd" entities merge kestrel-marine nowhere --data "$data" >/dev/null 2>"$tmp/err"
check "merging into an unknown entity is refused" grep -q "no entity 'nowhere'" "$tmp/err"

kill -TERM "$server_pid"
wait "$server_pid"
server_pid=""
check "the server logged the reload" grep -q "reloaded the gazetteer" "$tmp/serve.log"

finish
