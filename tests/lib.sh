# Shared by the shell tests: a temporary folder removed on exit (with the
# server in $server_pid, if any), `check NAME COMMAND...`, and `finish`, which
# prints "N passed, M failed" and sets the exit status.
tmp=$(mktemp -d)
server_pid=""
cleanup() { [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
passed=0
failed=0
check() {  # check NAME COMMAND...: passes when COMMAND succeeds
  local name=$1
  shift
  if "$@"; then passed=$((passed + 1)); echo "ok   $name"; else failed=$((failed + 1)); echo "FAIL $name"; fi
}
start_server() {  # start_server NEWSDESK ARGS...: serve on a free port; $server_pid, $port ("" if it did not start)
  "$1" serve "${@:2}" --listen 127.0.0.1:0 2>"$tmp/serve.log" &
  server_pid=$!
  await_port
}
await_port() {  # await_port: $port, read from $tmp/serve.log within 10 s ("" if serve never listened)
  port=""
  for _ in $(seq 1 100); do
    port=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$tmp/serve.log" | grep -o '[0-9]*$' || true)
    [[ -n "$port" ]] && break
    sleep 0.1
  done
}
finish() {
  echo "$passed passed, $failed failed"
  [[ $failed -eq 0 ]]
}
