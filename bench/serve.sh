#!/usr/bin/env bash
# Serving benchmark: newsdesk article page vs nginx serving the same bytes as
# a static file, both with T = $(nproc) workers, measured with
# `wrk -t1 -c50 -d$DURATION --latency`. A second row asks both for gzip:
# newsdesk serves the variant its page cache made when the entry was filled,
# nginx (`gzip_static on`) the same precompressed bytes from index.html.gz.
#
# Usage (from the repo root): bash bench/serve.sh [--db postgresql]
#   --db postgresql  also runs newsdesk on a throwaway PostgreSQL 15 cluster
#                    (tests/postgres/cluster.sh) beside SQLite, in the same
#                    run, and adds a store-bound figure for both: the JSON
#                    article list with a new address each request, so every
#                    request misses the page cache and reads the store.
# Environment:
#   NEWSDESK  newsdesk binary (default: build/newsdesk under the repo root)
#   DURATION  wrk duration per run (default: 10s)
set -euo pipefail

DB_MODE=sqlite
while [[ $# -gt 0 ]]; do
  case $1 in
    --db) DB_MODE=${2:-}; shift 2 ;;
    *) echo "serve.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ $DB_MODE == sqlite || $DB_MODE == postgresql ]] || { echo "serve.sh: --db sqlite or postgresql" >&2; exit 2; }

die() { echo "serve.sh: error: $*" >&2; exit 1; }

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
NEWSDESK=${NEWSDESK:-$ROOT/build/newsdesk}
DURATION=${DURATION:-10s}
DEMO=$ROOT/demo/articles.jsonl
T=$(nproc)

for tool in wrk curl nginx python3; do
  command -v "$tool" >/dev/null || [[ -x /usr/sbin/$tool ]] || die "$tool not found"
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x $NEWSDESK ]] || die "newsdesk binary not found or not executable: $NEWSDESK"
[[ -f $DEMO ]] || die "demo corpus not found: $DEMO"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/newsdesk-bench.XXXXXX")
ND_PID=
PG_ND_PID=
NGX_PID=

stop() {  # stop PID: SIGTERM, wait up to 5 s, then SIGKILL
  local pid=$1
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  stop "$ND_PID"
  stop "$PG_ND_PID"
  stop "$NGX_PID"
  [[ $DB_MODE == postgresql ]] && "$ROOT/tests/postgres/cluster.sh" stop "$TMP/pg" >/dev/null 2>&1 || true
  rm -rf -- "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- newsdesk ---------------------------------------------------------------
mkdir -p -- "$TMP/data" "$TMP/www" "$TMP/nginx"
"$NEWSDESK" import "$DEMO" --data "$TMP/data" >"$TMP/import.log" 2>&1 || {
  cat -- "$TMP/import.log" >&2
  die "newsdesk import failed"
}
"$NEWSDESK" serve --data "$TMP/data" --listen 127.0.0.1:0 --threads "$T" \
  >"$TMP/newsdesk.log" 2>&1 &
ND_PID=$!
ND_PORT=
for _ in $(seq 100); do  # up to 10 s
  ND_PORT=$(grep -oE 'listening on http://127\.0\.0\.1:[0-9]+' -- "$TMP/newsdesk.log" 2>/dev/null \
            | head -n1 | grep -oE '[0-9]+$' || true)
  [[ -n $ND_PORT ]] && break
  kill -0 "$ND_PID" 2>/dev/null || { cat -- "$TMP/newsdesk.log" >&2; die "newsdesk exited before listening"; }
  sleep 0.1
done
[[ -n $ND_PORT ]] || { cat -- "$TMP/newsdesk.log" >&2; die "newsdesk did not log 'listening on' within 10 s"; }
ND_BASE=http://127.0.0.1:$ND_PORT

curl -fsS -o "$TMP/front.html" "$ND_BASE/en/" || die "GET $ND_BASE/en/ failed"
ARTICLE_PATH=$(grep -oE 'href="/en/articles/[^"]+"' -- "$TMP/front.html" | head -n1 | sed -E 's/^href="//; s/"$//' || true)
[[ -n $ARTICLE_PATH ]] || die "no /en/articles/ link on $ND_BASE/en/"
ND_URL=$ND_BASE$ARTICLE_PATH
# Warm the cache, and keep the exact bytes for nginx to serve.
curl -fsS -o "$TMP/www/index.html" "$ND_URL" || die "GET $ND_URL failed"
BYTES=$(wc -c <"$TMP/www/index.html")
# The gzip variant newsdesk sends, byte for byte, for nginx's gzip_static.
curl -fsS -H 'Accept-Encoding: gzip' -D "$TMP/gzip-headers.txt" -o "$TMP/www/index.html.gz" "$ND_URL" \
  || die "GET $ND_URL with Accept-Encoding: gzip failed"
grep -qi '^content-encoding: gzip' "$TMP/gzip-headers.txt" || die "newsdesk did not answer gzip for $ND_URL"
gzip -dc "$TMP/www/index.html.gz" | cmp -s - "$TMP/www/index.html" || die "newsdesk's gzip body is not the plain page"
GZ_BYTES=$(wc -c <"$TMP/www/index.html.gz")

# ---- nginx ------------------------------------------------------------------
NGX_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
USER_LINE=
[[ $(id -u) -eq 0 ]] && USER_LINE='user root;'  # workers must read files in our 0700 temp dir
cat >"$TMP/nginx/nginx.conf" <<EOF
$USER_LINE
worker_processes $T;
daemon off;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events {
    worker_connections 1024;
}
http {
    access_log off;
    client_body_temp_path $TMP/nginx/client_body;
    proxy_temp_path $TMP/nginx/proxy;
    fastcgi_temp_path $TMP/nginx/fastcgi;
    uwsgi_temp_path $TMP/nginx/uwsgi;
    scgi_temp_path $TMP/nginx/scgi;
    types { text/html html; }
    default_type text/html;
    charset utf-8;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65s;
    keepalive_requests 1000000;
    open_file_cache max=16 inactive=60s;
    server {
        listen 127.0.0.1:$NGX_PORT;
        root $TMP/www;
        location / {
            gzip_static on;  # index.html.gz to clients that accept gzip
            gzip_vary on;    # Vary: Accept-Encoding, as newsdesk sends
        }
    }
}
EOF
"$NGINX" -e "$TMP/nginx/error.log" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -t >"$TMP/nginx/test.log" 2>&1 || {
  cat -- "$TMP/nginx/test.log" >&2
  die "nginx config test failed"
}
"$NGINX" -e "$TMP/nginx/error.log" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" >"$TMP/nginx/stdout.log" 2>&1 &
NGX_PID=$!
NGX_URL=http://127.0.0.1:$NGX_PORT/index.html
for _ in $(seq 50); do  # up to 5 s
  curl -fsS -o "$TMP/nginx-check.html" "$NGX_URL" 2>/dev/null && break
  kill -0 "$NGX_PID" 2>/dev/null || { cat -- "$TMP/nginx/error.log" >&2; die "nginx exited"; }
  sleep 0.1
done
cmp -s "$TMP/www/index.html" "$TMP/nginx-check.html" || die "nginx is not serving the saved page at $NGX_URL"
curl -fsS -H 'Accept-Encoding: gzip' -o "$TMP/nginx-check.html.gz" "$NGX_URL" || die "GET $NGX_URL with gzip failed"
cmp -s "$TMP/www/index.html.gz" "$TMP/nginx-check.html.gz" || die "nginx is not serving the saved gzip bytes at $NGX_URL"
NGX_CT=$(curl -fsS -o /dev/null -w '%{content_type}' "$NGX_URL")
ND_CT=$(curl -fsS -o /dev/null -w '%{content_type}' "$ND_URL")

# ---- measure ----------------------------------------------------------------
# to_ms VALUE-WITH-UNIT  (wrk prints us, ms, s, m or h)
to_ms() {
  awk -v v="$1" 'BEGIN {
    if (match(v, /^[0-9.]+/) == 0) { print "nan"; exit }
    n = substr(v, 1, RLENGTH); u = substr(v, RLENGTH + 1)
    if (u == "us") f = 0.001; else if (u == "ms") f = 1; else if (u == "s") f = 1000;
    else if (u == "m") f = 60000; else if (u == "h") f = 3600000; else { print "nan"; exit }
    printf "%.3f", n * f
  }'
}

# run_wrk NAME URL [WRK-ARGS…] -> writes "REQ_PER_SEC P99_MS" to $TMP/result-NAME; warns about errors
run_wrk() {
  local name=$1 url=$2 out=$TMP/wrk-$1.txt
  shift 2
  echo "serve.sh: wrk -t1 -c50 -d$DURATION --latency $* $url" >&2
  wrk -t1 -c50 -d"$DURATION" --latency "$@" "$url" >"$out" 2>&1 || { cat -- "$out" >&2; die "wrk failed against $url"; }
  local rps p99
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
  p99=$(awk '$1 == "99%" { print $2 }' "$out")
  [[ -n $rps && -n $p99 ]] || { cat -- "$out" >&2; die "could not parse wrk output for $name"; }
  if grep -qE 'Non-2xx or 3xx responses|Socket errors' "$out"; then
    echo "serve.sh: warning: $name: $(grep -hE 'Non-2xx or 3xx responses|Socket errors' "$out" | sed -E 's/^ +//' | paste -sd';' -)" >&2
  fi
  echo "$rps $(to_ms "$p99")" >"$TMP/result-$name"
}

echo "serve.sh: page $ARTICLE_PATH ($BYTES bytes), $T threads/workers, duration $DURATION" >&2
echo "serve.sh: content-type newsdesk '$ND_CT', nginx '$NGX_CT'" >&2
run_wrk newsdesk "$ND_URL"
run_wrk nginx "$NGX_URL"
read -r RPS_newsdesk P99_newsdesk <"$TMP/result-newsdesk"
read -r RPS_nginx P99_nginx <"$TMP/result-nginx"
echo "serve.sh: gzip: $GZ_BYTES bytes on the wire (plain $BYTES)" >&2
run_wrk newsdesk-gzip "$ND_URL" -H 'Accept-Encoding: gzip'
run_wrk nginx-gzip "$NGX_URL" -H 'Accept-Encoding: gzip'
read -r RPS_newsdesk_gzip P99_newsdesk_gzip <"$TMP/result-newsdesk-gzip"
read -r RPS_nginx_gzip P99_nginx_gzip <"$TMP/result-nginx-gzip"

# A new address each request: past the page cache, to the store.
cat >"$TMP/miss.lua" <<'LUA'
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/api/v1/articles?limit=20&n=" .. n .. "-" .. math.random(1, 1000000000))
end
LUA
run_wrk_miss() {  # run_wrk_miss NAME BASE
  local name=$1 out=$TMP/wrk-$1.txt
  echo "serve.sh: wrk -t1 -c50 -d$DURATION --latency -s miss.lua $2 (store-bound)" >&2
  wrk -t1 -c50 -d"$DURATION" --latency -s "$TMP/miss.lua" "$2" >"$out" 2>&1 || { cat -- "$out" >&2; die "wrk failed against $2"; }
  if grep -qE 'Non-2xx or 3xx responses|Socket errors' "$out"; then
    echo "serve.sh: warning: $name: $(grep -hE 'Non-2xx or 3xx responses|Socket errors' "$out" | sed -E 's/^ +//' | paste -sd';' -)" >&2
  fi
  echo "$(awk '/^Requests\/sec:/ { print $2 }' "$out") $(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")" >"$TMP/result-$name"
}

if [[ $DB_MODE == postgresql ]]; then
  run_wrk_miss sqlite-miss "$ND_BASE"
  read -r RPS_sqlite_miss P99_sqlite_miss <"$TMP/result-sqlite-miss"
  stop "$ND_PID"
  ND_PID=
  "$ROOT/tests/postgres/cluster.sh" start "$TMP/pg" >"$TMP/pg.log" 2>&1 || { cat "$TMP/pg.log" >&2; die "cannot start PostgreSQL"; }
  PG_ADMIN=$(cat "$TMP/pg/url")
  psql -q "$PG_ADMIN" -c "CREATE DATABASE bench" || die "cannot create the database"
  PG_DB="${PG_ADMIN%/postgres}/bench"
  "$NEWSDESK" import "$DEMO" --db "$PG_DB" --data "$TMP/pgdata" >"$TMP/pg-import.log" 2>&1 || { cat "$TMP/pg-import.log" >&2; die "import into PostgreSQL failed"; }
  "$NEWSDESK" serve --db "$PG_DB" --data "$TMP/pgdata" --listen 127.0.0.1:0 --threads "$T" >"$TMP/pg-newsdesk.log" 2>&1 &
  PG_ND_PID=$!
  PG_PORT=
  for _ in $(seq 100); do
    PG_PORT=$(grep -oE 'listening on http://127\.0\.0\.1:[0-9]+' -- "$TMP/pg-newsdesk.log" 2>/dev/null | head -n1 | grep -oE '[0-9]+$' || true)
    [[ -n $PG_PORT ]] && break
    sleep 0.1
  done
  [[ -n $PG_PORT ]] || { cat -- "$TMP/pg-newsdesk.log" >&2; die "newsdesk on PostgreSQL did not start"; }
  PG_URL=http://127.0.0.1:$PG_PORT$ARTICLE_PATH
  curl -fsS -o /dev/null "$PG_URL" || die "GET $PG_URL failed"
  run_wrk postgresql "$PG_URL"
  read -r RPS_pg P99_pg <"$TMP/result-postgresql"
  run_wrk_miss postgresql-miss "http://127.0.0.1:$PG_PORT"
  read -r RPS_pg_miss P99_pg_miss <"$TMP/result-postgresql-miss"
fi

RATIO=$(awk -v a="$RPS_newsdesk" -v b="$RPS_nginx" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "nan" }')
printf 'newsdesk: %.0f req/s, p99 %.2f ms\n' "$RPS_newsdesk" "$P99_newsdesk"
printf 'nginx:    %.0f req/s, p99 %.2f ms\n' "$RPS_nginx" "$P99_nginx"
printf 'ratio (newsdesk/nginx): %s   target >= 0.7\n' "$RATIO"
printf 'newsdesk p99: %.2f ms        target < 5 ms\n' "$P99_newsdesk"
GZ_RATIO=$(awk -v a="$RPS_newsdesk_gzip" -v b="$RPS_nginx_gzip" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "nan" }')
printf '\ngzip (%s bytes): newsdesk from its page cache vs nginx gzip_static, same bytes:\n' "$GZ_BYTES"
printf 'newsdesk gzip: %.0f req/s, p99 %.2f ms\n' "$RPS_newsdesk_gzip" "$P99_newsdesk_gzip"
printf 'nginx gzip:    %.0f req/s, p99 %.2f ms\n' "$RPS_nginx_gzip" "$P99_nginx_gzip"
printf 'ratio gzip (newsdesk/nginx): %s   target >= 0.7\n' "$GZ_RATIO"
if [[ $DB_MODE == postgresql ]]; then
  printf '\nsame run, newsdesk on each store:\n'
  printf '  cached article page   SQLite %7.0f req/s p99 %6.2f ms | PostgreSQL %7.0f req/s p99 %6.2f ms\n' \
    "$RPS_newsdesk" "$P99_newsdesk" "$RPS_pg" "$P99_pg"
  printf '  store-bound API list  SQLite %7.0f req/s p99 %6.2f ms | PostgreSQL %7.0f req/s p99 %6.2f ms (ratio %s)\n' \
    "$RPS_sqlite_miss" "$P99_sqlite_miss" "$RPS_pg_miss" "$P99_pg_miss" \
    "$(awk -v a="$RPS_pg_miss" -v b="$RPS_sqlite_miss" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "nan" }')"
fi
