#!/usr/bin/env bash
# Start (or reuse) a throwaway PostgreSQL for billbot's tests, without systemd.
# Idempotent: installs PostgreSQL from Debian when missing, runs initdb once,
# starts the server on 127.0.0.1, creates the role and database, and prints
# the DATABASE_URL on stdout. Usage: scripts/postgres.sh [start|stop|status]
#
# Settings: PG_TEST_PORT (55432), PG_TEST_DIR (a folder under the system temp
# dir), PG_TEST_USER / PG_TEST_PASSWORD / PG_TEST_DB (billbot).
set -euo pipefail

PORT="${PG_TEST_PORT:-55432}"
BASE="${PG_TEST_DIR:-${TMPDIR:-/tmp}/billbot-pg-$PORT}"
DB_USER="${PG_TEST_USER:-billbot}"
DB_PASS="${PG_TEST_PASSWORD:-billbot}"
DB_NAME="${PG_TEST_DB:-billbot}"
DATA="$BASE/data"; SOCK="$BASE/sock"; LOG="$BASE/postgres.log"

log() { echo "postgres: $*" >&2; }
find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1; }

PG_BIN="${PG_BIN:-$(find_bin)}"
if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    log "PostgreSQL is not installed; install the Debian package 'postgresql' or run as root"
    exit 1
  fi
  log "installing PostgreSQL from Debian"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
  PG_BIN="$(find_bin)"
fi

# initdb and postgres refuse to run as root: run them as the postgres user.
if [ "$(id -u)" -eq 0 ]; then
  as_pg() { (cd / && runuser -u postgres -- "$@"); }
  mkdir -p "$BASE" && chown postgres:postgres "$BASE"
else
  as_pg() { "$@"; }
  mkdir -p "$BASE"
fi

running() { as_pg "$PG_BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

case "${1:-start}" in
  stop)   if running; then as_pg "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w stop >&2; fi; exit 0 ;;
  status) if running; then echo running; else echo stopped; exit 3; fi; exit 0 ;;
  start)  ;;
  *) echo "usage: $0 [start|stop|status]" >&2; exit 2 ;;
esac

if [ ! -s "$DATA/PG_VERSION" ]; then
  as_pg mkdir -p "$DATA" "$SOCK"
  as_pg "$PG_BIN/initdb" -D "$DATA" -U postgres -E UTF8 --locale=C \
        --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  # Test-only speed-ups: never on a database that matters.
  printf '%s\n' "fsync = off" "synchronous_commit = off" "full_page_writes = off" \
    "max_connections = 200" >> "$DATA/postgresql.conf"
fi
as_pg mkdir -p "$SOCK"

if ! running; then
  as_pg "$PG_BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 \
        -o "-h 127.0.0.1 -p $PORT -k $SOCK" start >&2
fi
as_pg "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -t 30

psql_su() { as_pg "$PG_BIN/psql" -v ON_ERROR_STOP=1 -qtA -h "$SOCK" -p "$PORT" -U postgres -d postgres "$@"; }
if [ "$(psql_su -c "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'")" != 1 ]; then
  psql_su -c "CREATE ROLE \"$DB_USER\" LOGIN PASSWORD '$DB_PASS'"
else
  psql_su -c "ALTER ROLE \"$DB_USER\" LOGIN PASSWORD '$DB_PASS'"
fi
if [ "$(psql_su -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != 1 ]; then
  psql_su -c "CREATE DATABASE \"$DB_NAME\" OWNER \"$DB_USER\""
fi

echo "postgres://$DB_USER:$DB_PASS@127.0.0.1:$PORT/$DB_NAME?sslmode=disable"
