# Sourced by .ci/run and bench/run.sh: installs PostgreSQL from the distribution's
# packages if needed and starts a throwaway cluster on its own port, stopped when
# the sourcing script exits. Sets PG_PORT.

log() { printf '\n==> %s\n' "$*"; }

find_pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ] && [ -x "$d/postgres" ]; then
      echo "$d"
      return 0
    fi
  done
  return 1
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if ! PG_BIN=$(find_pg_bin); then
  log "installing PostgreSQL from the distribution's packages"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  PG_BIN=$(find_pg_bin)
fi
log "PostgreSQL: $("$PG_BIN/postgres" --version)"

# A throwaway cluster on its own port, owned by an unprivileged user (PostgreSQL
# refuses to run as root).
PG_PORT=${PG_PORT:-55432}
PG_USER=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  PG_USER=postgres
fi
PG_DIR=$(mktemp -d /tmp/guanxi-ci-pg.XXXXXX)
chown "$PG_USER" "$PG_DIR"
run_pg() {
  if [ "$(id -un)" = "$PG_USER" ]; then "$@"; else runuser -u "$PG_USER" -- "$@"; fi
}
# Stopped and removed on exit: a test run leaves about a gigabyte of cluster behind.
cleanup() {
  run_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
trap cleanup EXIT
run_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
run_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
  -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off" start >/dev/null
log "PostgreSQL listening on 127.0.0.1:$PG_PORT"

