#!/usr/bin/env bash
# Desk benchmark (issue 16): a site of 1,000 sources (each with a feed, one
# in ten failing), 100,000 articles, 100,000 comments and 20,000 audit
# entries (bench/desk/generate.cc), then each desk page as an admin sees it,
# one request at a time (wrk -t1 -c1), so the figures are render times:
#   the overview, the sources board (all, failing, by language), one
#   source's page, people, jobs, the audit log (first page, filtered,
#   and an older page by its cursor), the comments room (each tab, a
#   second page by its cursor, one reader's history), the articles room
#   (Incoming and its next page, scheduled, published, an article with its
#   editor, a revision's diff), a source's rule editor, the entities room
#   (unknown names, search, an entity's page) and the translations room.
# Prints p50 and p99 per page and whether p99 is under the 50 ms target.
#
# Usage (from the repo root): bash bench/desk/run.sh
# Environment: NEWSDESK (default build/newsdesk), GEN (default
# build/desk_gen), DURATION (per page, default 5s), SOURCES, ARTICLES,
# COMMENTS, AUDIT (defaults 1000, 100000, 100000, 20000), DATA (a data
# directory to keep: made on the first run, measured again as it is on the
# next ones, so a change can be measured without generating for minutes).
set -euo pipefail

die() { echo "desk/run.sh: error: $*" >&2; exit 1; }

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
NEWSDESK=${NEWSDESK:-$ROOT/build/newsdesk}
GEN=${GEN:-$ROOT/build/desk_gen}
DURATION=${DURATION:-5s}
SOURCES=${SOURCES:-1000}
ARTICLES=${ARTICLES:-100000}
COMMENTS=${COMMENTS:-100000}
AUDIT=${AUDIT:-20000}

command -v wrk >/dev/null || die "wrk not found"
command -v curl >/dev/null || die "curl not found"
[[ -x $NEWSDESK ]] || die "newsdesk binary not found: $NEWSDESK"
[[ -x $GEN ]] || die "generator not found: $GEN (cmake --build build --target desk_gen)"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/newsdesk-desk-bench.XXXXXX")
ND_PID=
cleanup() {
  local rc=$?
  if [[ -n $ND_PID ]] && kill -0 "$ND_PID" 2>/dev/null; then
    kill -TERM "$ND_PID" 2>/dev/null || true
    wait "$ND_PID" 2>/dev/null || true
  fi
  rm -rf -- "$TMP"
  exit "$rc"
}
trap cleanup EXIT

DATA_DIR=${DATA:-$TMP/data}
if [[ -s $DATA_DIR/bench-session ]]; then
  echo "measuring the site already in $DATA_DIR"
else
  echo "generating $SOURCES sources, $ARTICLES articles, $COMMENTS comments, $AUDIT audit entries in $DATA_DIR"
  "$GEN" "$DATA_DIR" "$SOURCES" "$ARTICLES" "$COMMENTS" "$AUDIT" >"$TMP/session"
  mv -- "$TMP/session" "$DATA_DIR/bench-session"
fi
read -r TOKEN _ <"$DATA_DIR/bench-session"
[[ -n $TOKEN ]] || die "the generator printed no session"

cat >"$TMP/newsdesk.toml" <<TOML
[ingest]
enabled = false
TOML
"$NEWSDESK" serve --data "$DATA_DIR" --config "$TMP/newsdesk.toml" --listen 127.0.0.1:0 >"$TMP/newsdesk.log" 2>&1 &
ND_PID=$!
PORT=
for _ in $(seq 200); do
  PORT=$(grep -oE 'listening on http://127\.0\.0\.1:[0-9]+' "$TMP/newsdesk.log" | grep -oE '[0-9]+$' || true)
  [[ -n $PORT ]] && break
  sleep 0.1
done
[[ -n $PORT ]] || { cat "$TMP/newsdesk.log" >&2; die "newsdesk did not start"; }
BASE=http://127.0.0.1:$PORT
COOKIE="Cookie: nd_session=$TOKEN"

get() { curl -s -H "$COOKIE" "$BASE$1"; }
SOURCE_ID=$(get /desk/sources | grep -oE 'href="/desk/sources/[0-9]+"' | head -n1 | grep -oE '[0-9]+')
[[ -n $SOURCE_ID ]] || die "the sources board lists no source"
OLDER=$(get /desk/audit | grep -oE '/desk/audit\?before=[0-9]+' | head -n1)
[[ -n $OLDER ]] || die "the audit log has no older page"
HELD_NEXT=$(get /desk/comments | grep -oE '/desk/comments\?tab=pending&amp;after=[0-9]+' | head -n1 | sed 's/&amp;/\&/')
[[ -n $HELD_NEXT ]] || die "the pending comments have no second page"
HISTORY=$(get /desk/comments | grep -oE '/desk/comments/user/[0-9]+' | head -n1)
[[ -n $HISTORY ]] || die "the pending comments link no author's history"

HELD_MORE=$(get /desk/articles | grep -oE '/desk/articles\?state=held&amp;after=[0-9.]+' | head -n1 | sed 's/&amp;/\&/')
[[ -n $HELD_MORE ]] || die "Incoming has no second page"
# The generator corrected one article in 500, the twelfth first.
REVISION=$(get /desk/articles/12 | grep -oE '/desk/revisions/[0-9]+' | head -n1)
[[ -n $REVISION ]] || die "article 12 lists no revision"
ENTITY=$(get "/desk/entities/search?q=a" | grep -oE 'href="/desk/entities/[a-z0-9-]+"' | grep -v -e search -e candidate | head -n1 | cut -d'"' -f2)
[[ -n $ENTITY ]] || die "the gazetteer search found no entity"

echo "$(nproc) cores; wrk -t1 -c1 -d$DURATION per page; target: p99 under 50 ms"
printf '%-34s %10s %10s %10s  %s\n' "page" "req/s" "p50" "p99" "under 50 ms"
for path in /desk/ /desk/sources "/desk/sources?filter=failing" "/desk/sources?lang=ru" "/desk/sources/$SOURCE_ID" \
            /desk/people /desk/jobs /desk/audit "/desk/audit?kind=feed" "$OLDER" \
            /desk/comments "$HELD_NEXT" "/desk/comments?tab=reported" "/desk/comments?tab=hidden" \
            "/desk/comments?tab=spam" "$HISTORY" \
            /desk/articles "$HELD_MORE" "/desk/articles?state=scheduled" "/desk/articles?state=published" \
            /desk/articles/12 "$REVISION" "/desk/sources/$SOURCE_ID/rule" \
            "/desk/entities" "/desk/entities?days=0&min=1" "/desk/entities/search?q=bench" "$ENTITY" \
            "/desk/translations?lang=en"; do
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "$COOKIE" "$BASE$path")
  [[ $status == 200 ]] || die "$path answered $status"
  wrk -t1 -c1 -d"$DURATION" --latency -H "$COOKIE" "$BASE$path" >"$TMP/wrk.txt"
  rps=$(awk '/Requests\/sec/ {print $2}' "$TMP/wrk.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$TMP/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$TMP/wrk.txt")
  ms=$(awk -v v="$p99" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /s$/ && v !~ /ms$/) n *= 1000; print n }')
  ok=$(awk -v m="$ms" 'BEGIN { print (m < 50) ? "yes" : "NO" }')
  printf '%-34s %10s %10s %10s  %s\n' "$path" "$rps" "$p50" "$p99" "$ok"
done
