#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback for the ledger's tests (CI and developer machines).
#
#   eval "$(scripts/test-postgres.sh start)"   # prints the exports the tests read
#   npm test
#   scripts/test-postgres.sh stop              # stops it and deletes its files (uses PROMO_TEST_PG_DIR)
#
# Needs PostgreSQL's server binaries (Debian: apt-get install postgresql). As root the cluster belongs to the
# `postgres` user, because PostgreSQL refuses to run as root. Data, socket and log live in one temporary
# directory; the server listens on 127.0.0.1 only, on PROMO_TEST_PG_PORT or a free port.
set -euo pipefail

find_bin() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/pg_ctl" ] && { echo "$dir"; return 0; }
  done
  command -v pg_ctl >/dev/null 2>&1 && { dirname "$(readlink -f "$(command -v pg_ctl)")"; return 0; }
  return 1
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    bin=$(find_bin) || { echo "test-postgres: no PostgreSQL server binaries (install the 'postgresql' package)" >&2; exit 1; }
    dir=$(mktemp -d "${TMPDIR:-/tmp}/promo-pg.XXXXXX")
    chmod 755 "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    port=${PROMO_TEST_PG_PORT:-$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')}
    as_owner "$bin/initdb" -D "$dir/data" -U promo --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=400" start >&2 \
      || { cat "$dir/server.log" >&2; exit 1; }
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U promo promo_test
    echo "export PROMO_TEST_POSTGRES_URL=postgres://promo@127.0.0.1:$port/promo_test"
    echo "export PROMO_TEST_PG_DIR=$dir"
    echo "export PROMO_TEST_PG_DATA=$dir/data"
    echo "export PROMO_TEST_PG_CTL=$bin/pg_ctl"
    echo "export PROMO_TEST_PG_USER=$([ "$(id -u)" = 0 ] && echo postgres || id -un)"
    ;;
  stop)
    dir=${PROMO_TEST_PG_DIR:?PROMO_TEST_PG_DIR is not set (eval the output of start first)}
    bin=$(find_bin) || exit 0
    if [ -f "$dir/data/postmaster.pid" ]; then as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true; fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
