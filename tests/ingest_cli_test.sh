#!/usr/bin/env bash
# Following a site from the command line, against a real HTTP server on
# loopback (python3's http.server): discovery, fetch, list, OPML, delete.
# Usage: ingest_cli_test.sh PATH/TO/newsdesk
set -uo pipefail
nd=$1
source "$(dirname "$0")/lib.sh"
mkdir -p "$tmp/site"
paragraphs() {
  for i in 1 2 3 4; do
    echo "<p>$1 paragraph $i: the ministry said the programme would continue through the next year, with deliveries to units in several regions and more tests at the range.</p>"
  done
}
for page in a b c; do
  cat >"$tmp/site/$page.html" <<HTML
<!doctype html><html><head><meta charset="utf-8"><title>Story $page</title></head><body>
<nav><a href="/">Home</a></nav><article><h1>Story $page: shipyard news</h1>$(paragraphs "Story $page")</article>
<footer>Wire</footer></body></html>
HTML
done
cat >"$tmp/site/index.html" <<'HTML'
<html><head><title>Wire</title><link rel="alternate" type="application/rss+xml" href="/rss.xml"></head><body>Wire</body></html>
HTML

python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$tmp/site" >"$tmp/http.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 1 50); do
  port=$(grep -o 'port [0-9]*' "$tmp/http.log" | grep -o '[0-9]*' | head -1 || true)
  [[ -n "$port" ]] && break
  sleep 0.1
done
base="http://127.0.0.1:$port"
cat >"$tmp/site/rss.xml" <<XML
<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><link>$base/</link><language>en</language>
<item><title>Story a</title><link>$base/a.html</link><guid>a</guid></item>
<item><title>Story b</title><link>$base/b.html</link><guid>b</guid></item>
</channel></rss>
XML
# The same outlet's world feed: story b again, and a story of its own.
cat >"$tmp/site/world.xml" <<XML
<?xml version="1.0"?><rss version="2.0"><channel><title>Wire: world</title><link>$base/</link><language>en</language>
<item><title>Story b</title><link>$base/b.html</link><guid>b</guid></item>
<item><title>Story c</title><link>$base/c.html</link><guid>c</guid></item>
</channel></rss>
XML
printf '[ingest]\nallow_private_networks = true\nper_host_delay_ms = 0\n' >"$tmp/test.toml"

check "the test server started" test -n "$port"
"$nd" source add "$base/" --data "$tmp/guarded" >/dev/null 2>"$tmp/err"
check "the address guard refuses loopback by default" grep -q "refused" "$tmp/err"
check "source add discovers the feed a home page names" bash -c "'$nd' --config '$tmp/test.toml' --data '$tmp/data' source add '$base/' | grep -q 'following $base/rss.xml'"
check "the audit log records the source followed" bash -c "'$nd' --config '$tmp/test.toml' --data '$tmp/data' audit | grep -qE 'cli:source add +source.add +source:1 +Wire\$'"
check "source list shows it pending" bash -c "'$nd' --config '$tmp/test.toml' --data '$tmp/data' source list | grep -q pending"
check "fetch stores the feed's articles" bash -c "'$nd' --config '$tmp/test.toml' --data '$tmp/data' fetch 2>/dev/null | grep -q 'new 2, updated 0, unchanged 0, failed 0'"
check "source list shows the fetch" bash -c "'$nd' --config '$tmp/test.toml' --data '$tmp/data' source list | grep -q ' ok '"
check "nothing is due right after" bash -c "'$nd' --config '$tmp/test.toml' --data '$tmp/data' fetch | grep -q 'no feed is due'"
sleep 1.1
touch "$tmp/site/rss.xml"  # newer than the last fetch: a 200, not a 304
check "fetch --source runs one now; known items are unchanged" bash -c "'$nd' --config '$tmp/test.toml' --data '$tmp/data' fetch --source 1 2>/dev/null | grep -q 'new 0, updated 0, unchanged 2'"
check "export-opml writes the feed" bash -c "'$nd' --config '$tmp/test.toml' --data '$tmp/data' source export-opml '$tmp/out.opml' && grep -q 'xmlUrl=\"$base/rss.xml\"' '$tmp/out.opml'"
check "article delete" bash -c "'$nd' --config '$tmp/test.toml' --data '$tmp/data' article delete 1 | grep -q 'deleted article 1'"
check "the audit log records the deletion" bash -c "'$nd' --config '$tmp/test.toml' --data '$tmp/data' audit --action article. | grep -qE 'cli:article delete +article.delete +article:1 +Story [ab]'"
sleep 1.1
touch "$tmp/site/rss.xml"
check "a deleted article does not come back" bash -c "'$nd' --config '$tmp/test.toml' --data '$tmp/data' fetch --source 1 2>/dev/null | grep -q 'new 0, updated 0, unchanged 1'"
check "source remove keeps a source with articles" bash -c "'$nd' --config '$tmp/test.toml' --data '$tmp/data' source remove 1 | grep -q 'stopped following'"
check "the audit log records the source removed" bash -c "'$nd' --config '$tmp/test.toml' --data '$tmp/data' audit --action source.remove | grep -qE 'cli:source remove +source.remove +source:1 +Wire\$'"
check "import-opml follows it again" bash -c "'$nd' --config '$tmp/test.toml' --data '$tmp/data' source import-opml '$tmp/out.opml' | grep -q '1 added'"
check "the audit log records each feed imported" bash -c "'$nd' --config '$tmp/test.toml' --data '$tmp/data' audit | grep -qE 'cli:source import-opml +source.add +source:1 +Wire\$'"
check "source add on a followed outlet adds the feed to it" bash -c "'$nd' --config '$tmp/test.toml' --data '$tmp/data' source add '$base/world.xml' | grep -q 'added feed $base/world.xml to Wire (source 1'"
check "the audit log records the feed added to the outlet" bash -c "'$nd' --config '$tmp/test.toml' --data '$tmp/data' audit --limit 1 | grep -qE 'cli:source add +source.add +feed:[0-9]+ +Wire\$'"
check "source list --json lists both feeds under the outlet" bash -c "'$nd' --config '$tmp/test.toml' --data '$tmp/data' source list --json | python3 -c 'import json,sys; s=json.load(sys.stdin); assert len(s) == 1 and len(s[0][\"feeds\"]) == 2, s'"
check "fetch --source fetches every feed; a story in both is stored once" bash -c "'$nd' --config '$tmp/test.toml' --data '$tmp/data' fetch --source 1 2>/dev/null | grep -q '2 feeds: new 1, updated 0, unchanged 2'"
check "source list shows each feed with its status" bash -c "test \$('$nd' --config '$tmp/test.toml' --data '$tmp/data' source list | grep -c 'feed:[0-9].* ok ') -eq 2"
check "export-opml lists every feed" bash -c "'$nd' --config '$tmp/test.toml' --data '$tmp/data' source export-opml '$tmp/two.opml' && grep -q 'xmlUrl=\"$base/world.xml\"' '$tmp/two.opml' && grep -q 'xmlUrl=\"$base/rss.xml\"' '$tmp/two.opml'"
check "source remove URL stops one feed, the outlet keeps the other" bash -c "'$nd' --config '$tmp/test.toml' --data '$tmp/data' source remove '$base/world.xml' | grep -q 'still following Wire through 1 other feed'"
check "the audit log records the feed removed" bash -c "'$nd' --config '$tmp/test.toml' --data '$tmp/data' audit --limit 1 | grep -qE 'cli:source remove +source.remove +feed:[0-9]+ +Wire\$'"
check "one feed is left" bash -c "test \$('$nd' --config '$tmp/test.toml' --data '$tmp/data' source list | grep -c 'feed:') -eq 1"
# An editor paused the feed on the desk (no command does): listed as such,
# and never due, even when its time has come.
python3 -c "import sqlite3; c = sqlite3.connect('$tmp/data/newsdesk.db'); c.execute('UPDATE source_feeds SET paused = 1, next_fetch_at = 0'); c.commit()"
check "a paused feed is listed as paused and never fetched" bash -c "'$nd' --config '$tmp/test.toml' --data '$tmp/data' source list | grep -q 'feed:[0-9].* paused ' && '$nd' --config '$tmp/test.toml' --data '$tmp/data' fetch | grep -q 'no feed is due'"
"$nd" --config "$tmp/test.toml" --data "$tmp/data" source remove feed:999 >/dev/null 2>"$tmp/err"
check "removing an unknown feed fails clearly" grep -q "no feed 999" "$tmp/err"
"$nd" --config "$tmp/test.toml" --data "$tmp/data" source remove nobody >/dev/null 2>"$tmp/err"
check "removing an unknown source fails clearly" grep -q "no source 'nobody'" "$tmp/err"

finish
