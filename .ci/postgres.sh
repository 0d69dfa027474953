#!/usr/bin/env bash
# Start (or reuse) a throwaway PostgreSQL server on loopback for the tests and print its SQLAlchemy URL.
# Idempotent: a second run finds the server of the first one and prints the same URL.
# Everything except the URL goes to stderr, so that `URL=$(.ci/postgres.sh)` works.
#   VACSCREEN_PG_PORT  first port to try (default 54329; the next free one is taken when it is busy)
#   VACSCREEN_PG_DIR   data/socket directory (default ${TMPDIR:-/tmp}/vacscreen-pg)
set -euo pipefail

log() { echo "postgres.sh: $*" >&2; }

find_initdb() {
    local found
    found=$(ls -1d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -z "$found" ] && command -v initdb >/dev/null 2>&1; then
        found=$(command -v initdb)
    fi
    echo "$found"
}

INITDB=$(find_initdb)
if [ -z "$INITDB" ]; then
    log "initdb not found, installing the Debian package postgresql"
    export DEBIAN_FRONTEND=noninteractive
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get install -y postgresql >&2 || { $SUDO apt-get update >&2 && $SUDO apt-get install -y postgresql >&2; }
    INITDB=$(find_initdb)
    [ -n "$INITDB" ] || { log "initdb still not found after installing postgresql"; exit 1; }
fi
BIN=$(dirname "$INITDB")

BASE=${VACSCREEN_PG_DIR:-${TMPDIR:-/tmp}/vacscreen-pg}
DATA="$BASE/data"
SOCK="$BASE/sock"
LOGFILE="$BASE/server.log"
PORTFILE="$BASE/port"

# Run a command as the postgres user when we are root (the server refuses to run as root), directly otherwise.
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        su postgres -s /bin/sh -c "cd / && $*"
    else
        sh -c "$*"
    fi
}

port_busy() {  # true when something accepts connections on 127.0.0.1:$1
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

url() { echo "postgresql+psycopg://postgres@127.0.0.1:$1/postgres"; }

# Already running? Then print its URL and stop here.
if [ -f "$PORTFILE" ] && [ -f "$DATA/PG_VERSION" ]; then
    PORT=$(cat "$PORTFILE")
    if as_pg "'$BIN/pg_ctl' -D '$DATA' status" >/dev/null 2>&1 \
        && "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres; then
        log "reusing the server in $BASE"
        url "$PORT"
        exit 0
    fi
fi

mkdir -p "$BASE"
if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$BASE"
    chmod 700 "$BASE"
fi

if [ ! -f "$DATA/PG_VERSION" ]; then
    log "initdb into $DATA"
    as_pg "'$INITDB' -D '$DATA' -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >'$BASE/initdb.log' 2>&1" \
        || { cat "$BASE/initdb.log" >&2; exit 1; }
fi
as_pg "mkdir -p '$SOCK'"

# A stale server of ours (e.g. after a port change) is stopped first.
as_pg "'$BIN/pg_ctl' -D '$DATA' status" >/dev/null 2>&1 && as_pg "'$BIN/pg_ctl' -D '$DATA' -m fast -w stop" >&2 || true

PORT=${VACSCREEN_PG_PORT:-54329}
for _ in $(seq 1 50); do
    port_busy "$PORT" || break
    PORT=$((PORT + 1))
done
port_busy "$PORT" && { log "no free port found"; exit 1; }

log "starting PostgreSQL ($BIN) on 127.0.0.1:$PORT"
as_pg "'$BIN/pg_ctl' -D '$DATA' -l '$LOGFILE' -w -t 60 \
    -o \"-h 127.0.0.1 -p $PORT -k '$SOCK' -c max_connections=200\" start" >&2 \
    || { tail -n 30 "$LOGFILE" >&2 || true; exit 1; }

for _ in $(seq 1 60); do
    "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres && break
    sleep 0.5
done
"$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres || { log "server not ready"; tail -n 30 "$LOGFILE" >&2; exit 1; }

echo "$PORT" > "$PORTFILE"
url "$PORT"
