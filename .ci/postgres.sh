#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests, on 127.0.0.1 and a free port.
#   eval "$(.ci/postgres.sh start)"   installs PostgreSQL from Debian's packages if missing, starts a server
#                                     in a temporary folder and prints the PG* variables to export
#   .ci/postgres.sh stop "$DAZU_PG_DIR"
set -euo pipefail

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

as_owner() {  # PostgreSQL refuses to run as root: use the postgres account when we are root
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
start)
    bin=$(find_bin)
    if [ -z "$bin" ]; then
        if [ "$(id -u)" != 0 ]; then echo "PostgreSQL is not installed and we are not root" >&2; exit 1; fi
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2
        bin=$(find_bin)
    fi
    dir=$(mktemp -d /tmp/dazu-pg.XXXXXX)
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')
    printf '%s\n' "$password" > "$dir/pwfile"
    [ "$(id -u)" = 0 ] && chown postgres "$dir/pwfile"
    as_owner "$bin/initdb" -D "$dir/data" -U dazu --pwfile="$dir/pwfile" -A scram-sha-256 -E UTF8 --locale=C.UTF-8 >&2
    rm -f "$dir/pwfile"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/data/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir/data -c fsync=off" start >&2
    PGPASSWORD="$password" "$bin/psql" -h 127.0.0.1 -p "$port" -U dazu -d postgres -qc "create database dazu" >&2
    printf 'export PGHOST=127.0.0.1 PGPORT=%s PGUSER=dazu PGPASSWORD=%s PGDATABASE=dazu DAZU_PG_DIR=%s\n' \
        "$port" "$password" "$dir"
    ;;
stop)
    dir=${2:?usage: postgres.sh stop DIR}
    bin=$(find_bin)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start | stop DIR" >&2
    exit 2
    ;;
esac
