# Makes sure a PostgreSQL answers for the test suite and exports
# ETALASE_TEST_POSTGRES_URL. In order: the URL already given; the local server
# on 127.0.0.1:5432; otherwise a throwaway cluster started from the Debian
# PostgreSQL binaries (installed when missing), stopped again at exit.
# Sourced by scripts/test.

pg_answers() { # URL
  psql "$1" -Atqc 'SELECT 1' >/dev/null 2>&1
}

ensure_psql() {
  command -v psql >/dev/null 2>&1 && return 0
  echo "==> installing the PostgreSQL client (psql)"
  apt_install postgresql-client
}

apt_install() {
  if [ "$(id -u)" != 0 ]; then
    echo "error: $* must be installed (sudo apt-get install $*)" >&2
    exit 1
  fi
  if [ -z "${APT_UPDATED:-}" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

find_initdb() {
  ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1
}

start_throwaway_postgres() {
  local initdb bin dir port=55432 owner
  initdb="$(find_initdb)"
  if [ -z "$initdb" ]; then
    echo "==> installing PostgreSQL server binaries"
    apt_install postgresql
    initdb="$(find_initdb)"
  fi
  bin="$(dirname "$initdb")"
  dir="$(mktemp -d /tmp/etalase-pg.XXXXXX)"
  # PostgreSQL refuses to run as root: use the postgres system user then.
  if [ "$(id -u)" = 0 ]; then owner=postgres; chown "$owner" "$dir"; else owner="$(id -un)"; fi
  as_owner() { if [ "$(id -u)" = 0 ]; then su -s /bin/sh "$owner" -c "$*"; else sh -c "$*"; fi; }
  echo "==> starting a throwaway PostgreSQL in $dir on port $port"
  as_owner "'$bin/initdb' -D '$dir/data' -A trust -U postgres >/dev/null"
  as_owner "'$bin/pg_ctl' -D '$dir/data' -l '$dir/log' -o \"-p $port -k '$dir' -c listen_addresses=127.0.0.1 -c fsync=off\" -w start >/dev/null"
  local stop="'$bin/pg_ctl' -D '$dir/data' -m fast -w stop"
  if [ "$(id -u)" = 0 ]; then stop="su -s /bin/sh $owner -c \"$stop\""; fi
  THROWAWAY_PG_STOP="$stop >/dev/null; rm -rf '$dir'"
  ETALASE_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
}

ensure_postgres() {
  ensure_psql
  if [ -n "${ETALASE_TEST_POSTGRES_URL:-}" ] && [ -z "${ETALASE_TEST_THROWAWAY_PG:-}" ]; then
    pg_answers "$ETALASE_TEST_POSTGRES_URL" && return 0
    echo "error: ETALASE_TEST_POSTGRES_URL is set but PostgreSQL does not answer there" >&2
    exit 1
  fi
  if [ -z "${ETALASE_TEST_THROWAWAY_PG:-}" ]; then
    local user db
    for user in postgres root; do
      for db in test postgres; do
        if pg_answers "postgres://$user@127.0.0.1:5432/$db"; then
          ETALASE_TEST_POSTGRES_URL="postgres://$user@127.0.0.1:5432/$db"
          export ETALASE_TEST_POSTGRES_URL
          return 0
        fi
      done
    done
  fi
  start_throwaway_postgres
  export ETALASE_TEST_POSTGRES_URL
}

drop_test_databases() {
  [ -n "${ETALASE_TEST_POSTGRES_URL:-}" ] || return 0
  psql "$ETALASE_TEST_POSTGRES_URL" -Atqc "SELECT datname FROM pg_database WHERE datname LIKE 'etalase\_t\_%'" 2>/dev/null |
    while read -r name; do
      [ -n "$name" ] && psql "$ETALASE_TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS \"$name\"" >/dev/null 2>&1
    done
  return 0
}
