#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests (issue 8).
#   cluster.sh start DIR   initdb into DIR/data, start on a free loopback port,
#                          write the admin URL to DIR/url
#   cluster.sh stop DIR    stop it and remove DIR
#   cluster.sh restart DIR restart it on the same port (for the restart tests)
# As root (CI), the server runs as the `postgres` user, which Debian's
# postgresql package creates; PostgreSQL refuses to run as root.
set -euo pipefail
cmd=${1:?start, stop or restart}
dir=${2:?the cluster directory}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -x "$bin/initdb" ]] || { echo "cluster.sh: PostgreSQL server not installed (apt-get install postgresql)" >&2; exit 1; }
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

case "$cmd" in
  start)
    rm -rf "$dir"
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [[ $(id -u) -eq 0 ]] && chown postgres "$dir"
    # The parents must let the postgres user reach DIR.
    p=$dir; while [[ "$p" != "/" ]]; do p=$(dirname "$p"); [[ $(id -u) -eq 0 ]] && chmod o+x "$p" 2>/dev/null || true; done
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    port=$(free_port)
    echo "$port" >"$dir/port"
    cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 128MB
CONF
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null ||
      { cat "$dir/server.log" >&2; exit 1; }
    echo "postgresql://postgres@127.0.0.1:$port/postgres" >"$dir/url"
    echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $dir/data)"
    ;;
  restart)
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -m fast restart >/dev/null
    ;;
  stop)
    if [[ -d "$dir/data" ]]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -w -t 60 -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *) echo "cluster.sh: unknown command $cmd" >&2; exit 2 ;;
esac
