#!/usr/bin/env bash
# Start or stop a throwaway PostgreSQL for the test suite (no system-wide state).
#   source scripts/pg.sh start   -> exports CRAMPWISE_TEST_PG_URL, PGDATA_CRAMPWISE
#   scripts/pg.sh stop
set -u
# A free loopback port (54329 unless taken), so a server left running elsewhere cannot clash.
PGPORT="${CRAMPWISE_PG_PORT:-$(python3 -c '
import socket
for port in range(54329, 54400):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
        print(port)
        break
')}"
PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
as_pg() { if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }

pg_start() {
  if [ -z "$PGBIN" ]; then echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; return 1; fi
  PGDATA_CRAMPWISE="$(mktemp -d /tmp/crampwise-pg.XXXXXX)"
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$PGDATA_CRAMPWISE"; fi
  chmod 700 "$PGDATA_CRAMPWISE"
  as_pg "$PGBIN/initdb" -D "$PGDATA_CRAMPWISE" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  as_pg "$PGBIN/pg_ctl" -D "$PGDATA_CRAMPWISE" -l "$PGDATA_CRAMPWISE/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDATA_CRAMPWISE -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
  as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres crampwise_test
  export PGDATA_CRAMPWISE
  export CRAMPWISE_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$PGPORT/crampwise_test"
  echo "PostgreSQL ready: $CRAMPWISE_TEST_PG_URL"
}

pg_stop() {
  if [ -n "${PGDATA_CRAMPWISE:-}" ] && [ -d "$PGDATA_CRAMPWISE" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA_CRAMPWISE" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PGDATA_CRAMPWISE"
  fi
}

case "${1:-}" in
  start) pg_start ;;
  stop) pg_stop ;;
  *) echo "usage: source scripts/pg.sh start | scripts/pg.sh stop" >&2 ;;
esac
