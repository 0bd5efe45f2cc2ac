#!/usr/bin/env bash
# Complete editions end to end (issue 9), with the real binary and a real MT
# server: Debian's apertium-apy (en-es, es-en) started here on a free
# loopback port, `newsdesk serve` running its translation pass every second,
# and everything checked over real HTTP:
#   - the /es/ front page and article page show the Spanish machine
#     translation, marked as such, with the original one click away;
#   - /es/search finds it by a Spanish word of the translation, /en/search
#     by an English word of the original;
#   - the Spanish digest carries the Spanish headline;
#   - an article with no translation (Russian: no pair serves ru) shows its
#     original with a language label, never silently mixed;
#   - /es/ pages carry no English interface string;
#   - an editor's correction through the API is human and the machine pass
#     never replaces it, even after the article changes.
# Never skipped: a missing apertium-apy is a failure naming the packages.
# Usage: editions_e2e_test.sh PATH/TO/newsdesk REPO_ROOT
set -uo pipefail
nd=$1
root=$2
source "$root/tests/lib.sh"
apy_pid=""
trap '[[ -n "$apy_pid" ]] && kill -TERM -- "-$apy_pid" 2>/dev/null; cleanup' EXIT

if [[ ! -x /usr/bin/apertium-apy || ! -f /usr/share/apertium/modes/eng-spa.mode ]]; then
  echo "FAIL apertium-apy and apertium-eng-spa are required: scripts/install-deps --test"
  exit 1
fi
apy_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
setsid /usr/bin/apertium-apy -p "$apy_port" /usr/share/apertium/modes >"$tmp/apy.log" 2>&1 &
apy_pid=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$apy_port/listPairs" >/dev/null && break; sleep 0.2; done
check "apertium-apy answers within 20 s" curl -sf "http://127.0.0.1:$apy_port/listPairs" -o /dev/null

data="$tmp/data"
cat >"$tmp/site.toml" <<TOML
[site]
editions = ["en", "es"]
base_url = "http://news.example"
[translate]
enabled = true
interval_seconds = 1
[[translate.servers]]
kind = "apertium"
url = "http://127.0.0.1:$apy_port"
pairs = ["en-es", "es-en"]
TOML
# An English article (to be translated) and a Russian one (no server serves
# ru: it stays untranslated in both editions).
cat >"$tmp/articles.jsonl" <<'JSON'
{"url": "https://navalnews.example/frigate", "source": {"name": "Naval News", "url": "https://navalnews.example/", "country": "FR", "language": "en"}, "language": "en", "headline": "The government bought a new frigate", "dateline": "Paris, November 1", "published_at": "2026-11-01T11:20:00Z", "body": [{"type": "paragraph", "text": "The navy has a new ship."}, {"type": "paragraph", "text": "The government bought the frigate in France, and the first tests were successful."}]}
{"url": "https://tass.example/1", "source": {"name": "TASS", "url": "https://tass.example/", "country": "RU", "language": "ru"}, "language": "ru", "headline": "Шойгу выступил в Астане", "published_at": "2026-11-01T10:00:00Z", "body": [{"type": "paragraph", "text": "Министр выступил на совещании."}]}
JSON
"$nd" import "$tmp/articles.jsonl" --data "$data" >/dev/null 2>"$tmp/import.err"
check "the two articles are imported" test $? -eq 0

start_server "$nd" --data "$data" --config "$tmp/site.toml"
check "serve starts" test -n "$port"
base="http://127.0.0.1:$port"

# The pass translates the English article; the public API says by whom.
translation() {  # translation ID: the article's Spanish translation as JSON, or nothing
  curl -sf "$base/api/v1/articles/$1" | python3 -c '
import json, sys
for t in json.load(sys.stdin)["translations"]:
    if t["language"] == "es": print(json.dumps(t, ensure_ascii=False))'
}
for _ in $(seq 1 100); do [[ -n "$(translation 1)" ]] && break; sleep 0.3; done
translation 1 >"$tmp/es.json"
check "the English article gets a Spanish machine translation within 30 s" \
  python3 -c "import json,sys; t=json.load(open('$tmp/es.json')); sys.exit(t['by'] != 'machine')"
es_headline=$(python3 -c "import json; print(json.load(open('$tmp/es.json'))['headline'])")
echo "     (Apertium: \"$es_headline\")"
check "the headline is Spanish" python3 -c "import json,sys; h=json.load(open('$tmp/es.json'))['headline']; sys.exit('gobierno' not in h.lower())"
# A Spanish word of the translation that the English text does not use.
es_word=$(python3 - "$tmp/es.json" <<'PY'
import json, re, sys
t = json.load(open(sys.argv[1]))
text = " ".join([t["headline"]] + [b.get("text", "") for b in t["body"]])
english = "The government bought a new frigate The navy has a new ship The government bought the frigate in France and the first tests were successful".lower().split()
words = [w for w in re.findall(r"[a-záéíóúñü]{5,}", text.lower()) if w not in english]
print(words[0] if words else "")
PY
)
echo "     (a Spanish word: \"$es_word\")"
check "the translation has a Spanish word of its own" test -n "$es_word"
slug1=$(curl -sf "$base/api/v1/articles/1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["slug"])')
slug2=$(curl -sf "$base/api/v1/articles/2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["slug"])')

# The article page in /es/: Spanish, marked as a machine's, the original a click away.
curl -sf "$base/es/articles/1-$slug1" >"$tmp/article.html"
check "the /es/ article page shows the Spanish headline" grep -qF "$es_headline" "$tmp/article.html"
check "… marked as machine translation" grep -qF "Traducción automática del inglés." "$tmp/article.html"
check "… with a link to the original" grep -qF "href=\"/es/articles/1-$slug1?original=1\">Ver el original</a>" "$tmp/article.html"
check "… and not the English headline" bash -c "! grep -qF 'The government bought a new frigate' '$tmp/article.html'"
curl -sf "$base/es/articles/1-$slug1?original=1" >"$tmp/original.html"
check "the original is one click away, labelled" bash -c \
  "grep -qF 'The government bought a new frigate' '$tmp/original.html' && grep -qF 'Texto original en inglés.' '$tmp/original.html'"

# The /es/ front page: the translation, marked; the Russian original, labelled.
curl -sf "$base/es/" >"$tmp/front.html"
check "the /es/ front page shows the Spanish headline" grep -qF "$es_headline" "$tmp/front.html"
check "… under its Spanish heading" grep -qF "<h1 class=\"page-title\">Últimas noticias</h1>" "$tmp/front.html"
check "… marked as machine translation in the list" \
  grep -qF 'class="mt-label" title="Traducción automática del inglés.">traducción automática</span>' "$tmp/front.html"
check "the untranslated Russian article is labelled, with its language" bash -c \
  "grep -qF 'lang=\"ru\">Шойгу выступил в Астане</a> <span class=\"lang-label\" title=\"En ruso, todavía sin traducir\">RU</span>' '$tmp/front.html'"
curl -sf "$base/es/articles/2-$slug2" >"$tmp/ru.html"
check "its page shows the original, said to be untranslated" bash -c \
  "grep -qF 'Шойгу выступил в Астане' '$tmp/ru.html' && grep -qF 'En ruso, todavía sin traducir' '$tmp/ru.html' && grep -qF '<article class=\"article\" lang=\"ru\">' '$tmp/ru.html'"
check "the /en/ front page labels it too" grep -qF 'title="In Russian, not yet translated">RU</span>' <(curl -sf "$base/en/")

# No English interface string on the /es/ pages: every en.json string that
# es.json words differently (and that has no placeholder) is absent, and the
# Spanish ones the pages use are there.
no_english() {  # no_english FILE...
  python3 - "$root/i18n/en.json" "$root/i18n/es.json" "$@" <<'PY'
import html, json, re, sys
en = json.load(open(sys.argv[1]))["strings"]
es = json.load(open(sys.argv[2]))["strings"]
bad = 0
for path in sys.argv[3:]:
    # JSON-LD is for machines, in schema.org's English vocabulary
    # ("datePublished", "SearchAction"): not interface text.
    raw = re.sub(r'<script type="application/ld\+json">.*?</script>', "", open(path, encoding="utf-8").read(), flags=re.S)
    page = html.unescape(raw)
    for key, value in en.items():
        if "{" in value or len(value) < 5 or value == es[key]:
            continue
        if value in page:
            print("     %s: English '%s' (%s)" % (path.rsplit("/", 1)[-1], value, key))
            bad += 1
    for key in ("search_placeholder", "rss_feed", "editions", "discussion", "log_in", "register"):
        if es[key] not in page:
            print("     %s: no '%s' (%s)" % (path.rsplit("/", 1)[-1], es[key], key))
            bad += 1
sys.exit(bad != 0)
PY
}
curl -sf "$base/es/search?q=zzzzqqq" >"$tmp/search_none.html"
check "no English interface string on /es/ pages" no_english "$tmp/front.html" "$tmp/article.html" "$tmp/ru.html" \
  "$tmp/search_none.html"
curl -sf "$base/en/" >"$tmp/en_front.html"
fails() { ! "$@" >/dev/null; }
check "… a check that fails on the /en/ front page" fails no_english "$tmp/en_front.html"

# Search, in both editions: the index follows the store from serve's thread.
urlencode() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
search_finds() {  # search_finds ED WORD: the search page lists article 1
  for _ in $(seq 1 60); do
    curl -sf "$base/$1/search?q=$(urlencode "$2")" | grep -qF "href=\"/$1/articles/1-$slug1\"" && return 0
    sleep 0.3
  done
  return 1
}
check "/es/search finds it by the Spanish word" search_finds es "$es_word"
curl -sf "$base/es/search?q=$(urlencode "$es_word")" >"$tmp/search_es.html"
check "… showing the Spanish headline" grep -qF "$es_headline" "$tmp/search_es.html"
check "/en/search finds it by an English word" search_finds en frigate
check "… showing the English headline" grep -qF "The government bought a new frigate" <(curl -sf "$base/en/search?q=frigate")

# The Spanish digest carries the Spanish headline; the Russian story stays labelled.
"$nd" digest preview --ed es --date 2026-11-01 --html "$tmp/digest.html" --data "$data" --config "$tmp/site.toml" \
  >"$tmp/digest.eml" 2>"$tmp/digest.err"
check "digest preview --ed es runs" test $? -eq 0
check "the Spanish digest carries the Spanish headline" grep -qF "$es_headline" "$tmp/digest.html"
check "… marked as machine translation" grep -qF ">traducción automática</span>" "$tmp/digest.html"
check "… and the Russian story with its label" bash -c \
  "grep -qF 'Шойгу выступил в Астане' '$tmp/digest.html' && grep -qF 'title=\"En ruso, todavía sin traducir\"' '$tmp/digest.html'"
check "… in Spanish" grep -qF "Las noticias del día" "$tmp/digest.html"

# An editor corrects the translation through the API; the machine pass, which
# runs every second, never replaces it, even once the article has changed.
"$nd" user add ed@example.org --role editor --password 'correct horse battery' --data "$data" >/dev/null
jar="$tmp/cookies"
pre=$(curl -sf -c "$jar" -b "$jar" "$base/es/account/login" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "email=ed@example.org" \
  --data-urlencode "password=correct horse battery" --data-urlencode "csrf=$pre" "$base/es/account/login"
csrf=$(curl -sf -c "$jar" -b "$jar" "$base/es/articles/1-$slug1" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
check "the editor is logged in" test -n "$csrf"
api="$base/api/v1/articles/1/translations/es"
status=$(curl -s -o "$tmp/put.json" -w '%{http_code}' -b "$jar" -X PUT -H 'Content-Type: application/json' \
  --data '{"headline": "El Gobierno compra una fragata nueva", "body": [{"type": "paragraph", "text": "La Armada tiene un buque nuevo."}]}' "$api")
check "a PUT without the CSRF token is refused" test "$status" = 403
status=$(curl -s -o "$tmp/put.json" -w '%{http_code}' -b "$jar" -X PUT -H 'Content-Type: application/json' \
  -H "X-CSRF-Token: $csrf" \
  --data '{"headline": "El Gobierno compra una fragata nueva", "dateline": "París, 1 de noviembre", "body": [{"type": "paragraph", "text": "La Armada tiene un buque nuevo."}]}' "$api")
check "the editor's PUT stores it" test "$status" = 200
check "… as a human translation" grep -qF '"by":"human"' "$tmp/put.json"
curl -sf "$base/es/articles/1-$slug1" >"$tmp/article2.html"
check "the page shows the correction at once, as a human translation" bash -c \
  "grep -qF 'El Gobierno compra una fragata nueva' '$tmp/article2.html' && grep -qF 'Traducido del inglés.' '$tmp/article2.html'"
sed -i 's/The navy has a new ship./The navy has two new ships./' "$tmp/articles.jsonl"
sleep 1.1
"$nd" import "$tmp/articles.jsonl" --data "$data" >/dev/null 2>&1
sleep 4  # four passes
check "after the article changed and passes ran, the translation is still the editor's" bash -c \
  "curl -sf -b '$jar' '$api' | grep -qF '\"by\":\"human\"' && curl -sf -b '$jar' '$api' | grep -qF 'El Gobierno compra una fragata nueva'"
check "serve logged the passes without errors" bash -c "! grep -q '\[error\]' '$tmp/serve.log'"
finish
