#!/usr/bin/env bash
# Private PostgreSQL 15 and Redis 7 servers on loopback for the test suite, in one directory.
#   test_servers.sh start DIR        start both, write DIR/env (DATABASE_URL, REDIS_URL, ...)
#   test_servers.sh stop DIR         stop both and remove DIR
#   test_servers.sh pg-stop|pg-start|pg-restart|redis-stop|redis-start DIR   (fault drills)
#   test_servers.sh createdb DIR NAME   a fresh empty database; prints its URL
# PostgreSQL refuses to run as root, so as root its server runs as the `postgres` user that the
# Debian package creates. Ports are the first free ones from a base derived from DIR.
set -euo pipefail

cmd=${1:?usage: test_servers.sh start|stop|... DIR}
dir=${2:?usage: test_servers.sh $cmd DIR}
PGBIN=$(ls -d /usr/lib/postgresql/15/bin 2>/dev/null || true)
[ -n "$PGBIN" ] || { echo "test_servers: PostgreSQL 15 is not installed (make bootstrap)" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "test_servers: redis-server is not installed" >&2; exit 1; }

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local p=$1
  while ! port_free "$p"; do p=$((p + 1)); done
  echo "$p"
}
load_env() { # shellcheck disable=SC1091
  source "$dir/env"
}
pg_ctl_() { as_pg "$PGBIN/pg_ctl" -D "$dir/pg" -l "$dir/pg.log" -w -t 30 "$@" >/dev/null; }
redis_start() {
  load_env
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --requirepass "$REDIS_PASSWORD" --daemonize yes --pidfile "$dir/redis.pid" \
    --logfile "$dir/redis.log" --dir "$dir"
  for _ in $(seq 50); do
    redis-cli -p "$REDIS_PORT" -a "$REDIS_PASSWORD" --no-auth-warning ping 2>/dev/null | grep PONG > /dev/null && return 0
    sleep 0.1
  done
  echo "test_servers: redis did not start; see $dir/redis.log" >&2; exit 1
}
redis_stop() {
  load_env
  redis-cli -p "$REDIS_PORT" -a "$REDIS_PASSWORD" --no-auth-warning shutdown nosave >/dev/null 2>&1 || true
  for _ in $(seq 50); do port_free "$REDIS_PORT" && return 0; sleep 0.1; done
}

case "$cmd" in
  start)
    rm -rf "$dir"; mkdir -p "$dir"
    base=$((20000 + $(printf '%s' "$dir" | cksum | cut -d' ' -f1) % 20000))
    pg_port=$(free_port "$base")
    redis_port=$(free_port $((pg_port + 1)))
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
    as_pg "$PGBIN/initdb" -D "$dir/pg" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    pg_ctl_ -o "-p $pg_port -k $dir -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on" start
    as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres aitrapp_test
    cat > "$dir/env" <<ENV
export PGPORT=$pg_port
export REDIS_PORT=$redis_port
export REDIS_PASSWORD=aitrapp-test-secret
export DATABASE_URL=postgresql://postgres@127.0.0.1:$pg_port/aitrapp_test
export REDIS_URL=redis://:aitrapp-test-secret@127.0.0.1:$redis_port/0
ENV
    redis_start
    echo "test servers up: PostgreSQL 127.0.0.1:$pg_port, Redis 127.0.0.1:$redis_port ($dir)"
    ;;
  stop)
    if [ -f "$dir/env" ]; then
      redis_stop
      pg_ctl_ -m immediate stop 2>/dev/null || true
    fi
    rm -rf "$dir"
    ;;
  pg-stop) pg_ctl_ -m fast stop ;;
  pg-start) load_env; pg_ctl_ -o "-p $PGPORT -k $dir -c listen_addresses=127.0.0.1" start ;;
  pg-restart) load_env; pg_ctl_ -m fast -o "-p $PGPORT -k $dir -c listen_addresses=127.0.0.1" restart ;;
  redis-stop) redis_stop ;;
  redis-start) redis_start ;;
  createdb)
    load_env
    name=${3:?usage: test_servers.sh createdb DIR NAME}
    as_pg "$PGBIN/dropdb" -h 127.0.0.1 -p "$PGPORT" -U postgres --if-exists "$name" 2>/dev/null
    as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres "$name"
    echo "postgresql://postgres@127.0.0.1:$PGPORT/$name"
    ;;
  *) echo "test_servers: unknown command $cmd" >&2; exit 2 ;;
esac
