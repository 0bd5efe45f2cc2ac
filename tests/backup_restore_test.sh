#!/usr/bin/env bash
# Backups that restore (issue 18): on SQLite and on PostgreSQL, a site is
# backed up while `newsdesk serve` runs and imports keep writing, restored
# into a fresh data directory (and database), and checked: every table the
# same as the snapshot recorded (a second backup of the restored site gives
# the same counts and checksums, as migrate-store compares them), every
# article acknowledged before the backup began is there, foreign keys hold,
# and the restored site serves its pages and finds an article by search.
# Refusals write nothing: a damaged archive, a non-empty target, a newer
# schema, the other backend.
# Usage: backup_restore_test.sh NEWSDESK SOURCE_DIR POSTGRES_URL_FILE
set -uo pipefail
nd=$1
src=$2
source "$src/tests/lib.sh"
admin=$(cat "$3") || { echo "FAIL no PostgreSQL cluster (run through ctest)"; exit 1; }
dbs=()
drop_dbs() { for d in "${dbs[@]}"; do psql -q "$admin" -c "DROP DATABASE IF EXISTS $d" >/dev/null 2>&1; done; }
writer_pid=""
trap '[[ -n "$writer_pid" ]] && kill "$writer_pid" 2>/dev/null; drop_dbs; cleanup' EXIT
new_db() {  # new_db NAME: an empty database of the cluster; prints its URL
  local name="bk_$$_$1"
  psql -q "$admin" -c "CREATE DATABASE $name" >/dev/null || return 1
  dbs+=("$name")
  echo "${admin%/postgres}/$name"
}

# article N: one import record whose headline has the word zephyrloadN.
article() {
  printf '{"url": "https://load.example/a/%s", "source": {"name": "Load Wire", "url": "https://load.example/", "country": "GB", "language": "en"}, "language": "en", "headline": "Harbour quartermasters file report zephyrload%s", "published_at": "2026-12-01T10:00:00Z", "body": [{"type": "paragraph", "text": "Quartermasters at the harbour filed report number %s on the stores."}]}\n' "$1" "$1" "$1"
}

# writer DIR ARGS…: imports one article at a time until DIR/stop exists;
# DIR/acked lists those the import acknowledged, DIR/begun those it began.
writer() {
  local dir=$1
  shift
  local n=0
  while [[ ! -e "$dir/stop" ]]; do
    n=$((n + 1))
    article "$n" >"$dir/batch.jsonl"
    echo "$n" >>"$dir/begun"
    "$nd" import "$dir/batch.jsonl" "$@" >/dev/null 2>>"$dir/import.err" && echo "$n" >>"$dir/acked"
  done
}

# slow_start: after start_server, waits up to 20 s more for a machine under
# load (start_server gives serve 10 s), and shows serve's log if it never listens.
slow_start() {
  for _ in $(seq 1 200); do
    [[ -n "$port" ]] && return
    sleep 0.1
    port=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$tmp/serve.log" | grep -o '[0-9]*$' || true)
  done
  echo "serve did not start:"
  cat "$tmp/serve.log"
}
lines() { if [[ -e "$1" ]]; then wc -l <"$1"; else echo 0; fi; }
# query KIND DATABASE SQL: one value, from SQLite (a file) or PostgreSQL (a URL).
query() {
  if [[ $1 == sqlite ]]; then
    python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$2" "$3"
  else
    psql -tAq "$2" -c "$3"
  fi
}
tables_of() { grep -E '^[a-z_]+ +[0-9]+  [0-9a-f]{16}$' "$1"; }
rows_of() { tables_of "$1" | awk -v t="$2" '$1 == t { print $2 }'; }

# run_backend NAME RESTORED_DATABASE SITE_ARGS… -- RESTORED_ARGS…
run_backend() {
  local kind=$1 restored_db=$2
  shift 2
  local site=() restored=()
  while [[ $1 != -- ]]; do site+=("$1"); shift; done
  shift
  restored=("$@")
  local w="$tmp/$kind"
  mkdir -p "$w/load"
  printf '[site]\nsite_name = "Backup test %s"\n' "$kind" >"$w/site.toml"

  "$nd" demo "$src/demo" "${site[@]}" >/dev/null 2>&1
  "$nd" entities add northern-yard --type organisation --en "Northern Yard" --ru "Северная верфь" "${site[@]}" >/dev/null
  start_server "$nd" "${site[@]}"
  slow_start
  check "$kind: serve runs" test -n "$port"

  writer "$w/load" "${site[@]}" &
  writer_pid=$!
  for _ in $(seq 1 200); do [[ $(lines "$w/load/acked") -ge 3 ]] && break; sleep 0.1; done
  cp "$w/load/acked" "$w/acked_before"
  "$nd" backup --to "$w/site.tar" --config "$w/site.toml" "${site[@]}" >"$w/backup.txt" 2>"$w/backup.err"
  local rc=$?
  cp "$w/load/begun" "$w/begun_after"
  for _ in $(seq 1 200); do
    [[ $(lines "$w/load/acked") -gt $(lines "$w/begun_after") ]] && break
    sleep 0.1
  done
  touch "$w/load/stop"
  wait "$writer_pid"
  writer_pid=""
  kill "$server_pid" 2>/dev/null
  wait "$server_pid" 2>/dev/null
  server_pid=""
  check "$kind: backup succeeds while serve runs and imports write" test $rc -eq 0
  check "$kind: … and imports were acknowledged after it began" \
    test "$(wc -l <"$w/load/acked")" -gt "$(wc -l <"$w/acked_before")"
  check "$kind: the archive is private (mode 0600)" test "$(stat -c %a "$w/site.tar")" = 600
  check "$kind: the manifest lists the database, the site secret and the config with SHA-256" bash -c "
    tar -xOf '$w/site.tar' manifest.json | python3 -c '
import json, sys
m = json.load(sys.stdin)
names = {x[\"name\"] for x in m[\"members\"]}
assert m[\"backend\"] == \"$kind\" and m[\"schema_version\"] > 0 and m[\"created_at\"] and m[\"newsdesk_version\"]
assert names >= {\"data/site_secret\", \"config/newsdesk.toml\"} and any(n.startswith(\"database/\") for n in names)
assert all(len(x[\"sha256\"]) == 64 for x in m[\"members\"])
assert {t[\"table\"] for t in m[\"tables\"]} >= {\"articles\", \"entity_edits\", \"settings\", \"users\"}
'"
  local secret_hex
  secret_hex=$(tar -xOf "$w/site.tar" data/site_secret | od -An -tx1 | tr -d ' \n')
  check "$kind: the site secret is never printed" bash -c \
    "test ${#secret_hex} -eq 64 && ! grep -qi '$secret_hex' '$w/backup.txt' '$w/backup.err'"

  "$nd" restore "$w/site.tar" "${restored[@]}" >"$w/restore.txt" 2>"$w/restore.err"
  check "$kind: restore succeeds into a fresh target" test $? -eq 0
  check "$kind: … having verified every checksum and table" grep -q "every checksum and every table verified" "$w/restore.txt"
  check "$kind: … with the tables the backup recorded" diff <(tables_of "$w/backup.txt") <(tables_of "$w/restore.txt")

  # The restored copy is the snapshot: backed up again, it gives the same
  # counts and checksums table by table.
  "$nd" backup --to "$w/again.tar" "${restored[@]}" >"$w/again.txt" 2>&1
  check "$kind: the restored site backed up again has every table's count and checksum of the snapshot" \
    bash -c "tables_of() { grep -E '^[a-z_]+ +[0-9]+  [0-9a-f]{16}\$' \"\$1\"; }
             test \$(tables_of '$w/again.txt' | wc -l) -gt 20 && diff <(tables_of '$w/backup.txt') <(tables_of '$w/again.txt')"

  # A consistent snapshot holds every article acknowledged before the backup
  # began, and no more than were begun before it ended.
  local demo_articles load_articles
  demo_articles=$(grep -c . "$src/demo/articles.jsonl")
  load_articles=$(( $(rows_of "$w/backup.txt" articles) - demo_articles ))
  check "$kind: the snapshot holds every article acknowledged before the backup ($(wc -l <"$w/acked_before") ≤ $load_articles ≤ $(wc -l <"$w/begun_after"))" \
    bash -c "test $load_articles -ge \$(wc -l <'$w/acked_before') && test $load_articles -le \$(wc -l <'$w/begun_after')"
  local urls
  urls=$(sed "s|.*|'https://load.example/a/&'|" "$w/acked_before" | paste -sd,)
  check "$kind: … each of them by its address" test \
    "$(query "$kind" "$restored_db" "SELECT COUNT(*) FROM articles WHERE url IN ($urls)")" = "$(lines "$w/acked_before")"
  check "$kind: the editors' entity came back" test \
    "$(query "$kind" "$restored_db" "SELECT COUNT(*) FROM entity_edits WHERE id = 'northern-yard'")" = 1
  check "$kind: the restored site secret is the original's, private" bash -c "
    test \"\$(od -An -tx1 '$w/restored/site_secret' | tr -d ' \n')\" = '$secret_hex' && test \"\$(stat -c %a '$w/restored/site_secret')\" = 600"
  check "$kind: the restored config file is the backup's" cmp -s "$w/site.toml" "$w/restored/newsdesk.toml"

  start_server "$nd" "${restored[@]}"
  slow_start
  check "$kind: the restored site serves its front page" bash -c "curl -sf 'http://127.0.0.1:$port/en/' | grep -q '/en/articles/'"
  local known
  known=$(head -1 "$w/acked_before")
  check "$kind: … and its search finds an article acknowledged before the backup" bash -c \
    "curl -sf 'http://127.0.0.1:$port/en/search?q=zephyrload$known' | grep -q 'Found: 1'"
  check "$kind: … and the demo's" bash -c "curl -sf 'http://127.0.0.1:$port/en/search?q=procurement' | grep -q 'Found: [1-9]'"
  kill "$server_pid" 2>/dev/null
  wait "$server_pid" 2>/dev/null
  server_pid=""
}

# --- SQLite ------------------------------------------------------------------
sq="$tmp/sqlite"
run_backend sqlite "$sq/restored/newsdesk.db" --data "$sq/data" -- --data "$sq/restored"
check "sqlite: the restored database's foreign keys all hold" bash -c "python3 - '$sq/restored/newsdesk.db' <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
assert db.execute('PRAGMA foreign_key_check').fetchall() == []
assert db.execute('PRAGMA integrity_check').fetchone()[0] == 'ok'
PY"

# A non-empty target is refused, and left as it was.
ls -la "$sq/data" >"$tmp/before.ls"
"$nd" restore "$sq/site.tar" --data "$sq/data" >/dev/null 2>"$tmp/nonempty.err"
check "restore into a non-empty data directory is refused" test $? -ne 0
check "… saying it is not empty" grep -q "is not empty" "$tmp/nonempty.err"
check "… and leaves it as it was" bash -c "ls -la '$sq/data' | diff -q - '$tmp/before.ls' >/dev/null"

# A damaged archive: one byte flipped in the database, then in a header.
python3 - "$sq/site.tar" "$tmp/flipped.tar" "$tmp/header.tar" <<'PY'
import sys, tarfile, shutil
src, flipped, header = sys.argv[1:4]
with tarfile.open(src) as t:
    m = t.getmember("database/newsdesk.db")
for path, at in ((flipped, m.offset_data + m.size // 2), (header, m.offset + 100)):
    shutil.copy(src, path)
    with open(path, "r+b") as f:
        f.seek(at); b = f.read(1); f.seek(at); f.write(bytes([b[0] ^ 0x20]))
PY
"$nd" restore "$tmp/flipped.tar" --data "$tmp/from-flipped" >/dev/null 2>"$tmp/flipped.err"
check "a flipped byte in the database is refused" test $? -ne 0
check "… naming the member whose checksum differs" grep -q "checksum of database/newsdesk.db does not match" "$tmp/flipped.err"
check "… and writes nothing" bash -c "test ! -e '$tmp/from-flipped' && ! ls -a '$tmp' | grep -q 'from-flipped\\.'"
"$nd" restore "$tmp/header.tar" --data "$tmp/from-header" >/dev/null 2>"$tmp/header.err"
check "a flipped byte in a member's header is refused as a damaged archive" bash -c \
  "grep -q 'damaged' '$tmp/header.err' && test ! -e '$tmp/from-header'"

# A backup from a newer schema is refused; so is one of the other backend.
python3 - "$sq/site.tar" "$tmp/newer.tar" <<'PY'
import io, json, sys, tarfile
src, out = sys.argv[1:3]
with tarfile.open(src) as t, tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as o:
    for m in t.getmembers():
        data = t.extractfile(m).read()
        if m.name == "manifest.json":
            j = json.loads(data); j["schema_version"] += 1000; data = json.dumps(j).encode()
            m.size = len(data)
        o.addfile(m, io.BytesIO(data))
PY
"$nd" restore "$tmp/newer.tar" --data "$tmp/from-newer" >/dev/null 2>"$tmp/newer.err"
check "a backup of a newer schema is refused, writing nothing" bash -c \
  "grep -q 'newer than this newsdesk' '$tmp/newer.err' && test ! -e '$tmp/from-newer'"
other=$(new_db other) || { echo "FAIL cannot create a database"; exit 1; }
"$nd" restore "$sq/site.tar" --db "$other" --data "$tmp/from-other" >/dev/null 2>"$tmp/other.err"
check "a SQLite backup restored into PostgreSQL is refused, pointing to migrate-store" bash -c \
  "grep -q 'migrate-store' '$tmp/other.err' && test ! -e '$tmp/from-other' &&
   test \$(psql -tAq '$other' -c \"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'\") -eq 0"

"$nd" backup --to "$sq/site.tar" --data "$sq/data" >/dev/null 2>"$tmp/exists.err"
check "a backup never overwrites a file" bash -c "grep -q 'exists' '$tmp/exists.err'"
"$nd" backup --to "$tmp/nothing.tar" --data "$tmp/no-site" >/dev/null 2>"$tmp/nosite.err"
check "backing up a data directory without a site is a clear error" bash -c \
  "grep -q 'no site' '$tmp/nosite.err' || grep -q 'no SQLite database' '$tmp/nosite.err'; test ! -e '$tmp/nothing.tar' && test ! -e '$tmp/no-site'"

"$nd" backup --to "$sq/site.tar.gz" --data "$sq/data" >/dev/null 2>&1 &&
  "$nd" restore "$sq/site.tar.gz" --data "$tmp/from-gz" >/dev/null 2>&1
check "a .tar.gz backup (compressed) restores too" test -s "$tmp/from-gz/newsdesk.db"

# --- PostgreSQL --------------------------------------------------------------
pgsite=$(new_db site) || { echo "FAIL cannot create a database"; exit 1; }
pgrestored=$(new_db restored) || { echo "FAIL cannot create a database"; exit 1; }
pg="$tmp/postgresql"
run_backend postgresql "$pgrestored" --db "$pgsite" --data "$pg/data" -- --db "$pgrestored" --data "$pg/restored"
check "postgresql: the restored database has every foreign key of the original" test \
  "$(psql -tAq "$pgsite" -c "SELECT COUNT(*) FROM information_schema.table_constraints WHERE constraint_type = 'FOREIGN KEY'")" = \
  "$(psql -tAq "$pgrestored" -c "SELECT COUNT(*) FROM information_schema.table_constraints WHERE constraint_type = 'FOREIGN KEY'")"
article 999999 >"$tmp/one.jsonl"
max_id=$(psql -tAq "$pgrestored" -c 'SELECT MAX(id) FROM articles')
"$nd" import "$tmp/one.jsonl" --db "$pgrestored" --data "$pg/restored" >/dev/null 2>&1
check "postgresql: new rows in the restored database take ids after the restored ones" \
  test "$(psql -tAq "$pgrestored" -c 'SELECT MAX(id) FROM articles')" -gt "$max_id"

"$nd" restore "$pg/site.tar" --db "$pgsite" --data "$tmp/pg-nonempty" >/dev/null 2>"$tmp/pgnonempty.err"
check "postgresql: restore into a non-empty database is refused, writing nothing" bash -c \
  "grep -q 'not empty' '$tmp/pgnonempty.err' && test ! -e '$tmp/pg-nonempty'"
# A restore that fails half-way (pg_restore meets a sequence already there)
# leaves no table in the database and no data directory.
blocked=$(new_db blocked) || { echo "FAIL cannot create a database"; exit 1; }
psql -q "$blocked" -c "CREATE SEQUENCE articles_id_seq" >/dev/null
"$nd" restore "$pg/site.tar" --db "$blocked" --data "$tmp/pg-blocked" >/dev/null 2>"$tmp/blocked.err"
check "postgresql: a restore that fails half-way says why" bash -c "grep -q 'pg_restore failed' '$tmp/blocked.err'"
check "… and leaves nothing behind" bash -c "test ! -e '$tmp/pg-blocked' && ! ls -a '$tmp' | grep -q 'pg-blocked\\.' &&
  test \$(psql -tAq '$blocked' -c \"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'\") -eq 0"

"$nd" restore "$pg/site.tar" --data "$tmp/pg-as-sqlite" >/dev/null 2>"$tmp/pgsqlite.err"
check "postgresql: a PostgreSQL backup without --db is refused" bash -c \
  "grep -q 'PostgreSQL site' '$tmp/pgsqlite.err' && test ! -e '$tmp/pg-as-sqlite'"

finish
