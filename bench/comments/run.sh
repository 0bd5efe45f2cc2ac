#!/usr/bin/env bash
# Comments benchmark (issue 6): 1,000 articles and 100,000 comments in the
# store (bench/comments/generate.cc), then wrk on
#   1. an article page with 200 comments, as a guest (from the page cache);
#   2. the same page as a guest with a new query string each time (a page
#      cache miss: rendered, then kept);
#   3. the same page for a logged-in reader (session cookie: never cached,
#      rendered per request with the reader's forms);
#   4. POST /api/v1/articles/{id}/comments by 50 logged-in clients (session
#      cookie + X-CSRF-Token; wrk's Lua picks the client per request).
# Rate limits are raised for the run through [readers] in a config file.
# Prints requests/s and p99 latency per case.
#
# Usage (from the repo root): bash bench/comments/run.sh
# Environment: NEWSDESK (default build/newsdesk), GEN (default
# build/comments_gen), DURATION (wrk run length, default 10s),
# ARTICLES, COMMENTS, HOT, CLIENTS (defaults 1000, 100000, 200, 50).
set -euo pipefail

die() { echo "comments/run.sh: error: $*" >&2; exit 1; }

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/bench/comments
NEWSDESK=${NEWSDESK:-$ROOT/build/newsdesk}
GEN=${GEN:-$ROOT/build/comments_gen}
DURATION=${DURATION:-10s}
ARTICLES=${ARTICLES:-1000}
COMMENTS=${COMMENTS:-100000}
HOT=${HOT:-200}
CLIENTS=${CLIENTS:-50}
T=$(nproc)

command -v wrk >/dev/null || die "wrk not found"
command -v curl >/dev/null || die "curl not found"
[[ -x $NEWSDESK ]] || die "newsdesk binary not found: $NEWSDESK"
[[ -x $GEN ]] || die "generator not found: $GEN (cmake --build build --target comments_gen)"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/newsdesk-comments-bench.XXXXXX")
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

echo "generating $ARTICLES articles, $COMMENTS comments ($HOT on one article), $CLIENTS clients"
HOT_ID=$("$GEN" "$TMP/data" "$TMP/sessions" "$ARTICLES" "$COMMENTS" "$HOT" "$CLIENTS")

cat >"$TMP/newsdesk.toml" <<TOML
[ingest]
enabled = false
[readers]
comments_per_user = 100000
comments_per_address = 1000000
comment_rate_window_seconds = 10
new_account_hours = 0
TOML

"$NEWSDESK" serve --data "$TMP/data" --config "$TMP/newsdesk.toml" --listen 127.0.0.1:0 --threads "$T" \
  >"$TMP/newsdesk.log" 2>&1 &
ND_PID=$!
PORT=
for _ in $(seq 100); do
  PORT=$(grep -oE 'listening on http://127\.0\.0\.1:[0-9]+' "$TMP/newsdesk.log" | grep -oE '[0-9]+$' || true)
  [[ -n $PORT ]] && break
  sleep 0.1
done
[[ -n $PORT ]] || { cat "$TMP/newsdesk.log" >&2; die "newsdesk did not start"; }
BASE=http://127.0.0.1:$PORT
PAGE=$(curl -s -o /dev/null -w '%{redirect_url}' "$BASE/en/articles/$HOT_ID")
PAGE=${PAGE#"$BASE"}
[[ -n $PAGE ]] || die "no article page for id $HOT_ID"
SHOWN=$(curl -s "$BASE$PAGE" | grep -c '<article class="comment' || true)
echo "article page $PAGE shows $SHOWN comments; $T server threads; wrk -t2 -c50 -d$DURATION"

read -r TOKEN CSRF <"$TMP/sessions"
summary() {  # summary LABEL FILE: requests/s and p99 from wrk --latency
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' "$2")
  p50=$(awk '$1 == "50%" {print $2}' "$2")
  p99=$(awk '$1 == "99%" {print $2}' "$2")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$2")
  printf '%-46s %10s req/s   p50 %8s   p99 %8s%s\n' "$1" "$rps" "$p50" "$p99" "${non2xx:+   non-2xx: $non2xx}"
}

wrk -t2 -c50 -d"$DURATION" --latency "$BASE$PAGE" >"$TMP/cached.txt"
wrk -t2 -c50 -d"$DURATION" --latency -s "$HERE/uncached.lua" "$BASE$PAGE" >"$TMP/miss.txt"
wrk -t2 -c50 -d"$DURATION" --latency -H "Cookie: nd_session=$TOKEN" "$BASE$PAGE" >"$TMP/uncached.txt"
grep -q "Comments (" <(curl -s -H "Cookie: nd_session=$TOKEN" "$BASE$PAGE") || die "the logged-in page has no comments"

# The posting clients: one session per line, rotated per request.
{
  echo 'local sessions = {'
  while read -r tok csrf; do echo "  {\"$tok\", \"$csrf\"},"; done <"$TMP/sessions"
  echo '}'
  cat "$HERE/post.lua"
} >"$TMP/post.lua"
BEFORE=$(curl -s "$BASE/api/v1/articles/$((HOT_ID + 1))/comments" | grep -o '"id":' | wc -l)
wrk -t2 -c50 -d"$DURATION" --latency -s "$TMP/post.lua" "$BASE/api/v1/articles/$((HOT_ID + 1))/comments" >"$TMP/post.txt"
AFTER=$(curl -s "$BASE/api/v1/articles/$((HOT_ID + 1))/comments" | grep -o '"id":' | wc -l)

echo
summary "article page, 200 comments, guest (cached)" "$TMP/cached.txt"
summary "article page, 200 comments, guest (cache miss)" "$TMP/miss.txt"
summary "article page, 200 comments, logged in" "$TMP/uncached.txt"
summary "POST comment via API, $CLIENTS clients" "$TMP/post.txt"
echo "comments stored by the POST run: $((AFTER - BEFORE))"
grep -q "Non-2xx" "$TMP/post.txt" && { echo "some posts failed:"; grep -E "rate|error" "$TMP/newsdesk.log" | tail -3; }
exit 0
