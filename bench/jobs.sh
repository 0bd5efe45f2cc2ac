#!/usr/bin/env bash
# Job queue throughput (issue 8): N probe jobs (no work inside) claimed,
# run and recorded by two nodes (`newsdesk jobs work`, 2 workers each) on
# one PostgreSQL, and for comparison by the same two processes on one SQLite
# file. Prints jobs/s for each and checks every job ran exactly once.
# Usage (from the repo root): bash bench/jobs.sh [N]   (default 5000)
set -euo pipefail
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
NEWSDESK=${NEWSDESK:-$ROOT/build/newsdesk}
N=${1:-5000}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/newsdesk-jobs.XXXXXX")
trap '"$ROOT/tests/postgres/cluster.sh" stop "$TMP/pg" >/dev/null 2>&1; rm -rf "$TMP"' EXIT
[[ -x $NEWSDESK ]] || { echo "jobs.sh: no newsdesk binary at $NEWSDESK" >&2; exit 1; }

"$ROOT/tests/postgres/cluster.sh" start "$TMP/pg" >/dev/null
ADMIN=$(cat "$TMP/pg/url")
psql -q "$ADMIN" -c "CREATE DATABASE bench"
PG="${ADMIN%/postgres}/bench"

run() {  # run NAME DB: enqueue N, two nodes work until empty; prints jobs/s
  local name=$1 db=$2
  "$NEWSDESK" jobs enqueue probe --count "$N" --payload 0 --db "$db" --data "$TMP/$name" >/dev/null
  local t0 t1
  t0=$(date +%s.%N)
  "$NEWSDESK" jobs work --until-empty --workers 2 --db "$db" --data "$TMP/$name" --log-level info >"$TMP/$name-a.out" 2>"$TMP/$name-a.log" &
  local a=$!
  "$NEWSDESK" jobs work --until-empty --workers 2 --db "$db" --data "$TMP/$name" --log-level info >"$TMP/$name-b.out" 2>"$TMP/$name-b.log" &
  local b=$!
  wait "$a" "$b"
  t1=$(date +%s.%N)
  local runs distinct by_a by_b
  runs=$(cat "$TMP/$name-a.log" "$TMP/$name-b.log" | grep -c 'probe job [0-9]* done' || true)
  distinct=$(cat "$TMP/$name-a.log" "$TMP/$name-b.log" | grep -o 'probe job [0-9]* done' | sort -u | wc -l)
  by_a=$(grep -c 'probe job [0-9]* done' "$TMP/$name-a.log" || true)
  by_b=$(grep -c 'probe job [0-9]* done' "$TMP/$name-b.log" || true)
  awk -v n="$N" -v t0="$t0" -v t1="$t1" -v name="$name" -v runs="$runs" -v d="$distinct" -v a="$by_a" -v b="$by_b" \
    'BEGIN { printf "%-10s %6d jobs in %6.2f s: %7.0f jobs/s claimed and completed by two nodes (%d + %d); %d runs of %d distinct jobs\n",
             name, n, t1 - t0, n / (t1 - t0), a, b, runs, d }'
  [[ "$runs" -eq "$N" && "$distinct" -eq "$N" ]] || { echo "jobs.sh: $name: a job ran twice or not at all" >&2; exit 1; }
}
run postgresql "$PG"
run sqlite "sqlite:$TMP/sqlite.db"
