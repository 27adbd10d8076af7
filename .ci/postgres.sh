# Sourced by .ci/run: a throwaway PostgreSQL cluster for the tests that run
# on the second engine (the store's suite, TestOnPostgreSQL of web). It
# installs Debian's postgresql when no initdb is found, creates the cluster
# in a temporary directory this script owns, listens only on a Unix socket
# there, exports SATCHEL_TEST_DATABASE_URL, and stops and removes it all
# when the calling script exits.

pg_bin=""
pg_dir=""
pg_run_as=()

find_pg_bin() {
  if command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
    return
  fi
  # Debian keeps the server's programs out of PATH. No match is no error:
  # the caller installs the package then (set -e and pipefail are on).
  { ls -d /usr/lib/postgresql/*/bin 2>/dev/null || true; } | sort -V | tail -n 1
}

stop_postgres() {
  if [ -n "$pg_dir" ] && [ -f "$pg_dir/data/postmaster.pid" ]; then
    ${pg_run_as[@]+"${pg_run_as[@]}"} "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null || true
  fi
  [ -n "$pg_dir" ] && rm -rf "$pg_dir"
  return 0
}

start_postgres() {
  pg_bin=$(find_pg_bin)
  if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
    echo "ci: installing Debian postgresql for the PostgreSQL tests"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    pg_bin=$(find_pg_bin)
  fi
  pg_dir=$(mktemp -d)
  trap stop_postgres EXIT
  # initdb refuses to run as root: the cluster belongs to a system user.
  if [ "$(id -u)" = 0 ]; then
    id satchel-ci-pg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin satchel-ci-pg
    chown satchel-ci-pg "$pg_dir"
    chmod 755 "$pg_dir"
    pg_run_as=(runuser -u satchel-ci-pg --)
  fi
  ${pg_run_as[@]+"${pg_run_as[@]}"} "$pg_bin/initdb" -D "$pg_dir/data" -U satchel --auth=trust --no-locale -E UTF8 >/dev/null
  # Durability is not wanted from a cluster deleted at the end; connections
  # are: every test opens a pool of its own.
  ${pg_run_as[@]+"${pg_run_as[@]}"} "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
    -o "-k $pg_dir -c listen_addresses='' -c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null
  export SATCHEL_TEST_DATABASE_URL="postgres://satchel@/postgres?host=$pg_dir"
  echo "ci: $("$pg_bin/postgres" --version) runs for the tests in $pg_dir"
}
