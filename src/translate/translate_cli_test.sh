#!/usr/bin/env bash
# `newsdesk translate run` and `newsdesk translation edit` as an editor meets
# them, against a real apertium-apy on loopback (never skipped: CI installs
# it with scripts/install-deps --test).
# Usage: translate_cli_test.sh PATH/TO/newsdesk REPO_ROOT
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
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
setsid /usr/bin/apertium-apy -p "$port" /usr/share/apertium/modes >"$tmp/apy.log" 2>&1 &
apy_pid=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/listPairs" >/dev/null && break; sleep 0.2; done
check "apertium-apy answers within 20 s" curl -sf "http://127.0.0.1:$port/listPairs" -o /dev/null

cat >"$tmp/site.toml" <<TOML
[site]
editions = ["en", "es"]
[[translate.servers]]
kind = "apertium"
url = "http://127.0.0.1:$port"
pairs = ["en-es"]
TOML
cat >"$tmp/a.jsonl" <<'JSON'
{"url": "https://navalnews.example/1", "source": {"name": "Naval News", "url": "https://navalnews.example/", "country": "FR", "language": "en"}, "language": "en", "headline": "The minister said the ship is ready", "dateline": "Paris, April 26th", "published_at": "2026-11-01T11:20:00Z", "body": [{"type": "paragraph", "text": "The navy has a new ship."}, {"type": "heading", "text": "The new frigate"}, {"type": "paragraph", "text": "The first tests were successful."}]}
JSON
"$nd" import "$tmp/a.jsonl" --data "$tmp/data" >/dev/null

"$nd" translate run --data "$tmp/data" --config "$tmp/site.toml" >"$tmp/run" 2>&1
check "translate run translates the English article" grep -q "translated 1 of 1 articles (0 failed" "$tmp/run"
"$nd" translate run --data "$tmp/data" --config "$tmp/site.toml" >"$tmp/run2" 2>&1
check "a second run has nothing to do" grep -q "translated 0 of 0 articles" "$tmp/run2"

# The editor sees the machine translation, corrects the headline and the last paragraph.
cat >"$tmp/editor.sh" <<'SH'
#!/bin/sh
cp "$1" "$(dirname "$0")/seen.txt"
python3 - "$1" <<'PY'
import sys
path = sys.argv[1]
lines = [l for l in open(path, encoding="utf-8").read().split("\n") if not l.startswith("#")]
lines[0] = "El ministro dice que el buque está listo"
text = "\n".join(lines).rstrip("\n") + "\n\nUn párrafo nuevo del editor.\n"
open(path, "w", encoding="utf-8").write(text)
PY
SH
chmod +x "$tmp/editor.sh"
EDITOR="$tmp/editor.sh" "$nd" translation edit 1 --lang es --data "$tmp/data" >"$tmp/edit" 2>&1
check "edit stores a human translation" grep -q "stored a human translation of article 1 into es" "$tmp/edit"
check "the editor was shown the machine translation" grep -q "Now: a machine translation" "$tmp/seen.txt"
"$nd" audit --data "$tmp/data" >"$tmp/audit" 2>&1
check "the audit log records the edit" grep -qE "cli:translation edit +translation.edit +article:1 +es: The minister said the ship is ready$" "$tmp/audit"
check "the editor was shown Spanish" grep -qi "ministro" "$tmp/seen.txt"
python3 - "$tmp/data/newsdesk.db" >"$tmp/row" <<'PY'
import sqlite3, sys
row = sqlite3.connect(sys.argv[1]).execute(
    "SELECT produced_by, headline, body FROM article_translations WHERE article_id = 1 AND language = 'es'").fetchone()
print(row[0]); print(row[1]); print(row[2])
PY
check "the translation is human" bash -c "head -1 '$tmp/row' | grep -qx human"
check "with the editor's headline" grep -q "El ministro dice que el buque está listo" "$tmp/row"
check "and the editor's paragraph" grep -q "Un párrafo nuevo del editor" "$tmp/row"

EDITOR=true "$nd" translation edit 1 --lang es --data "$tmp/data" >/dev/null 2>"$tmp/err"
check "an unchanged file is refused" bash -c "[[ $? -ne 0 ]] && grep -q unchanged '$tmp/err'"
printf '#!/bin/sh\n: > "$1"\n' >"$tmp/empty.sh" && chmod +x "$tmp/empty.sh"
EDITOR="$tmp/empty.sh" "$nd" translation edit 1 --lang es --data "$tmp/data" >/dev/null 2>"$tmp/err"
check "an emptied file is refused" bash -c "[[ $? -ne 0 ]] && grep -q empty '$tmp/err'"

# The article changes: the machine pass leaves the human translation alone.
sed -i 's/The navy has a new ship./The navy has two new ships./' "$tmp/a.jsonl"
sleep 1.1
"$nd" import "$tmp/a.jsonl" --data "$tmp/data" >/dev/null
"$nd" translate run --data "$tmp/data" --config "$tmp/site.toml" >"$tmp/run3" 2>&1
check "a human translation is never replaced by the machine" bash -c \
  "grep -q 'translated 0 of 0' '$tmp/run3' && python3 -c \"import sqlite3; r = sqlite3.connect('$tmp/data/newsdesk.db').execute(\\\"SELECT produced_by FROM article_translations WHERE article_id = 1 AND language = 'es'\\\").fetchone(); exit(r[0] != 'human')\""

"$nd" translate run --data "$tmp/data" >/dev/null 2>"$tmp/err"
check "translate run without servers says what to configure" grep -q "translate.servers" "$tmp/err"
finish
