#!/usr/bin/env bash
# The command line as a user meets it: help, failures with a one-line reason
# and a non-zero exit, all-or-nothing import, and graceful shutdown.
# Usage: cli_test.sh PATH/TO/newsdesk REPO_ROOT
set -uo pipefail
nd=$1
root=$2
source "$(dirname "$0")/lib.sh"
one_line_error() {  # the last command's stderr is one line naming the reason
  [[ $(wc -l <"$tmp/err") -eq 1 ]] && grep -q "$1" "$tmp/err"
}

check "--help documents the commands" bash -c "'$nd' --help | grep -q serve && '$nd' --help | grep -q import"
check "serve --help documents --listen" bash -c "'$nd' serve --help | grep -q -- --listen"
check "serve --help documents --data" bash -c "'$nd' serve --help | grep -q -- --data"

"$nd" frobnicate >/dev/null 2>"$tmp/err"
check "an unknown command exits non-zero" test $? -ne 0

# A bad record anywhere: non-zero, file and line in the reason, nothing written.
head -n 3 "$root/demo/articles.jsonl" >"$tmp/mixed.jsonl"
echo '{"url": "https://x.example/1", "headline": "no source"}' >>"$tmp/mixed.jsonl"
"$nd" import "$tmp/mixed.jsonl" --data "$tmp/data" >/dev/null 2>"$tmp/err"
check "an invalid import exits non-zero" test $? -ne 0
check "the reason names file and line" one_line_error "mixed.jsonl:4: source: is required"
head -n 3 "$root/demo/articles.jsonl" >"$tmp/good.jsonl"
check "after a failed import nothing was written" bash -c "'$nd' import '$tmp/good.jsonl' --data '$tmp/data' | grep -q '3 new, 0 updated'"
check "importing again updates" bash -c "'$nd' import '$tmp/good.jsonl' --data '$tmp/data' | grep -q '0 new, 3 updated'"

"$nd" import "$tmp/nothing-here.json" --data "$tmp/data" >/dev/null 2>"$tmp/err"
check "importing a missing path fails clearly" one_line_error "no such file or directory"

# A data directory that cannot be written: clear error at start, non-zero exit.
touch "$tmp/a-file"
"$nd" serve --data "$tmp/a-file/data" --listen 127.0.0.1:0 >/dev/null 2>"$tmp/err"
check "an unwritable data directory stops serve" test $? -ne 0
check "and says which directory" one_line_error "cannot create data directory $tmp/a-file/data"

printf '[server]\nthreads = "many"\n' >"$tmp/bad.toml"
"$nd" serve --config "$tmp/bad.toml" --data "$tmp/data" >/dev/null 2>"$tmp/err"
check "a bad config file stops serve, naming file and key" one_line_error "bad.toml \[server\]: 'threads'"

"$nd" serve --listen nonsense --data "$tmp/data" >/dev/null 2>"$tmp/err"
check "a bad listen address is refused" one_line_error "host:port"

# Serve, then SIGTERM: a clean exit 0.
start_server "$nd" --data "$tmp/data"
check "serve logs the port it picked" test -n "$port"
check "the server answers /healthz" bash -c "curl -sf http://127.0.0.1:$port/healthz | grep -q ok"

# The same port twice: the second serve fails with the address in the reason.
"$nd" serve --data "$tmp/data2" --listen "127.0.0.1:$port" >/dev/null 2>"$tmp/err"
check "a busy port is a clear error" one_line_error "127.0.0.1:$port"

# Search follows the store by itself; a rebuild waits for the server to stop.
check "the server's search finds an imported article" bash -c "for _ in \$(seq 1 50); do curl -s 'http://127.0.0.1:$port/en/search?q=procurement' | grep -q 'Found: [1-9]' && exit 0; sleep 0.1; done; exit 1"
"$nd" reindex --data "$tmp/data" >/dev/null 2>"$tmp/err"
check "reindex while a server holds the index says why" one_line_error "in use by a running"

kill -TERM "$server_pid"
wait "$server_pid"
status=$?
server_pid=""
check "SIGTERM shuts down cleanly" test "$status" -eq 0
check "and says so" grep -q "newsdesk stopped" "$tmp/serve.log"
check "reindex rebuilds the search index" bash -c "'$nd' reindex --data '$tmp/data' | grep -q 'indexed 3 articles'"

# The audit log: each import is an entry (the failed one is not), newest first.
"$nd" audit --data "$tmp/data" >"$tmp/audit" 2>&1
check "audit lists each import, newest first, one line each" bash -c \
  "[[ \$(grep -cE '^[0-9T:-]+Z  cli:import +article.import +3 new, 0 updated from ' '$tmp/audit') -eq 1 &&
     \$(grep -cE '^[0-9T:-]+Z  cli:import +article.import +0 new, 3 updated from ' '$tmp/audit') -eq 1 &&
     \$(sed -n 1p '$tmp/audit') == *'0 new, 3 updated'* && \$(wc -l <'$tmp/audit') -eq 2 ]]"
check "audit --limit shows the newest only" bash -c "[[ \$('$nd' audit --limit 1 --data '$tmp/data' | wc -l) -eq 1 ]]"
check "audit --actor and --action filter" bash -c \
  "[[ \$('$nd' audit --actor cli:import --action article. --data '$tmp/data' | wc -l) -eq 2 ]] &&
   '$nd' audit --action job. --data '$tmp/data' | grep -q 'no audit entries match'"
check "audit --help documents --action" bash -c "'$nd' audit --help | grep -q -- --action"

# jobs retry puts a failed job back, and says so in the audit log.
"$nd" jobs enqueue probe --data "$tmp/jobs" >/dev/null
python3 -c "import sqlite3; c = sqlite3.connect('$tmp/jobs/newsdesk.db'); c.execute(\"UPDATE jobs SET state = 'failed' WHERE id = 1\"); c.commit()"
check "jobs retry queues a failed job again" bash -c "'$nd' jobs retry 1 --data '$tmp/jobs' | grep -q 'job 1 queued again'"
check "… and the audit log records it" bash -c "'$nd' audit --data '$tmp/jobs' | grep -qE 'cli:jobs retry +job.retry +job:1 +probe\$'"

finish
