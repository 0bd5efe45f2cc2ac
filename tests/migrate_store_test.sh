#!/usr/bin/env bash
# `newsdesk migrate-store` (issue 8): a SQLite site moved whole to PostgreSQL
# and back, checked table by table; refusals leave the target untouched.
# Usage: migrate_store_test.sh NEWSDESK SOURCE_DIR POSTGRES_URL_FILE
set -uo pipefail
nd=$1
src=$2
source "$src/tests/lib.sh"
admin=$(cat "$3") || { echo "FAIL no PostgreSQL cluster (run through ctest)"; exit 1; }
name="mig_$$_$RANDOM"
psql -q "$admin" -c "CREATE DATABASE $name" || { echo "FAIL cannot create a database"; exit 1; }
pgdb="${admin%/postgres}/$name"
trap 'psql -q "$admin" -c "DROP DATABASE IF EXISTS $name" >/dev/null 2>&1; cleanup' EXIT

data="$tmp/data"
"$nd" import "$src/demo" --data "$data" >/dev/null
"$nd" user add editor@example.org --role editor --password 'correct horse battery' --data "$data" >/dev/null
"$nd" jobs enqueue probe --count 3 --data "$data" >/dev/null
"$nd" entities add northern-yard --type org --en "Northern Yard" --ru "Северная верфь" --data "$data" >/dev/null 2>&1

"$nd" migrate-store --from "sqlite:$data/newsdesk.db" --to "$pgdb" >"$tmp/to_pg.txt" 2>"$tmp/to_pg.err"
check "migrate-store SQLite → PostgreSQL succeeds" test $? -eq 0
check "… and says every table is the same on both sides" bash -c \
  "grep -q 'rows copied and checked' '$tmp/to_pg.txt' && ! grep -q DIFFERENT '$tmp/to_pg.txt'"
check "… the articles went over" bash -c "grep -E '^articles +[0-9]+' '$tmp/to_pg.txt' | grep -qv ' 0 '"
check "… the users went over" bash -c "grep -E '^users +1 ' '$tmp/to_pg.txt' >/dev/null"
pg_articles=$(psql -tAq "$pgdb" -c "SELECT COUNT(*) FROM articles")
sqlite_articles=$(grep -E '^articles ' "$tmp/to_pg.txt" | awk '{print $2}')
check "… PostgreSQL holds as many articles ($pg_articles) as the table says" test "$pg_articles" = "$sqlite_articles"

# New rows on PostgreSQL get ids after the copied ones.
"$nd" jobs enqueue probe --db "$pgdb" --data "$tmp/pgdata" >/dev/null
check "new rows in PostgreSQL take ids after the copied ones" bash -c \
  "test \$(psql -tAq '$pgdb' -c 'SELECT MAX(id) FROM jobs') -eq 4"

start_server "$nd" --db "$pgdb" --data "$tmp/pgdata"
check "serve runs on the migrated database" test -n "$port"
check "… and shows the demo front page" bash -c "curl -sf 'http://127.0.0.1:$port/en/' | grep -q '/en/articles/'"
check "… and the editor can log in there" bash -c "
  jar='$tmp/jar'; base='http://127.0.0.1:$port'
  pre=\$(curl -sf -c \$jar -b \$jar \$base/en/account/login | grep -o 'name=\"csrf\" value=\"[^\"]*\"' | head -1 | sed 's/.*value=\"//; s/\"\$//')
  curl -s -o /dev/null -c \$jar -b \$jar --data-urlencode email=editor@example.org --data-urlencode 'password=correct horse battery' --data-urlencode csrf=\$pre \$base/en/account/login
  curl -sf -b \$jar \$base/en/ | grep -q 'editor@example.org\|account/logout'"
kill "$server_pid" 2>/dev/null
wait "$server_pid" 2>/dev/null
server_pid=""
check "… which is the account's last log-in" \
  test "$(psql -tAq "$pgdb" -c 'SELECT COUNT(*) FROM users WHERE last_login_at IS NOT NULL')" = 1

"$nd" migrate-store --from "sqlite:$data/newsdesk.db" --to "$pgdb" >"$tmp/again.txt" 2>"$tmp/again.err"
check "a second migrate-store into the filled database is refused" test $? -ne 0
check "… saying the target is not empty" grep -q "not empty" "$tmp/again.err"
check "… and nothing was added" test "$(psql -tAq "$pgdb" -c 'SELECT COUNT(*) FROM articles')" = "$pg_articles"

"$nd" migrate-store --from "$pgdb" --to "sqlite:$tmp/back.db" >"$tmp/back.txt" 2>&1
check "migrate-store PostgreSQL → SQLite succeeds" test $? -eq 0
# Serving on PostgreSQL wrote a session (and the editor's last log-in on
# `users`), the shared site secret, its jobs and (mail going to the outbox
# when no SMTP server is set, issue 14) the run of yesterday's digest and
# the day's desk mail to the editor (a job and its delivery);
# every table the site did not write to comes back row for row, the audit
# log of the import and the account with them.
same='^(sources|articles|article_translations|article_mentions|article_candidates|entity_edits|comments|subscribers|translation_cache|audit_log) '
check "… with the same rows and checksums as the way there" bash -c \
  "diff <(grep -E '$same' '$tmp/to_pg.txt') <(grep -E '$same' '$tmp/back.txt') && grep -qE '^audit_log +2 ' '$tmp/back.txt'"
check "… and the rows the site wrote meanwhile" bash -c \
  "grep -qE '^jobs +6 ' '$tmp/back.txt' && grep -qE '^settings +1 ' '$tmp/back.txt' && grep -qE '^sessions +1 ' '$tmp/back.txt' &&
   grep -qE '^digest_runs +[01] ' '$tmp/back.txt'"

"$nd" migrate-store --from "sqlite:$data/newsdesk.db" --to "postgresql://nobody@127.0.0.1:1/none" >/dev/null 2>"$tmp/down.err"
check "an unreachable PostgreSQL is a clear error" bash -c "grep -q 'cannot connect' '$tmp/down.err'"
"$nd" migrate-store --from "sqlite:$data/newsdesk.db" --to "postgresql://nobody:s3cret@127.0.0.1:1/none" >/dev/null 2>"$tmp/pw.err"
check "… that never shows the password" bash -c "! grep -q s3cret '$tmp/pw.err'"
"$nd" migrate-store --from "mysql://x" --to "$pgdb" >/dev/null 2>"$tmp/kind.err"
check "an unknown kind of database is refused" grep -q "unknown database" "$tmp/kind.err"

finish
