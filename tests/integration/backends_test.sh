#!/usr/bin/env bash
# The production backends end to end through the real binary, against the private PostgreSQL and
# Redis that ctest started (scripts/test_servers.sh): a replayed day on PostgreSQL, startup
# errors, a leader takeover between two processes, and Redis / PostgreSQL bounced mid-session.
# Usage: backends_test.sh CASE AITRAPP_BINARY SOURCE_DIR SERVERS_DIR
set -euo pipefail
CASE=$1
BIN=$2
SRC=$3
SERVERS=$4
WORK=$(mktemp -d "${TMPDIR:-/tmp}/aitrapp-backends.XXXXXX")
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
cd "$WORK"
# shellcheck disable=SC1091
source "$SERVERS/env"
unset DATABASE_URL REDIS_URL  # each case chooses
PG_URL="postgresql://postgres@127.0.0.1:$PGPORT"
REDIS="redis://:$REDIS_PASSWORD@127.0.0.1:$REDIS_PORT/0"
DAY="$SRC/data/nse/2022-04-01"
servers() { bash "$SRC/scripts/test_servers.sh" "$1" "$SERVERS" "${@:2}"; }
fresh_db() { servers createdb "$1" >/dev/null; echo "$PG_URL/$1"; }
fail() { echo "FAIL: $*" >&2; for f in "$WORK"/*.log; do [ -f "$f" ] && { echo "--- $f"; tail -20 "$f"; } >&2; done; exit 1; }
sed "s#log_file: logs/aitrapp.log#log_file: $WORK/aitrapp.log#" "$SRC/configs/app.yaml" > app.yaml
export AITRAPP_API_TOKEN=backends-test-token

# shellcheck disable=SC1091
source "$SRC/tests/integration/service_lib.sh"
# evidence KEY VALUE: the numbers a drill checked, for scripts/drills.sh's report.
# shellcheck disable=SC1091
source "$SRC/scripts/lib/evidence.sh"
# No order at the venue the store does not know, and no fill of the venue missing in the store.
venue_matches_store() {
  local db=$1 url=$2
  sqlite3 "$db" "SELECT json_extract(state_json, '\$.id') FROM sim_venue_orders ORDER BY 1" > venue_ids
  psql "$url" -At -c 'SELECT client_order_id FROM orders ORDER BY client_order_id COLLATE "C"' > store_ids
  [ -s venue_ids ] || fail "the venue saw no orders: nothing was proven"
  comm -23 venue_ids store_ids | grep . > /dev/null && fail "venue holds orders the store lacks: $(comm -23 venue_ids store_ids | head -3)"
  sqlite3 "$db" "SELECT json_extract(f.value, '\$[0]') FROM sim_venue_orders, json_each(state_json, '\$.fills') f ORDER BY 1" > venue_fills
  psql "$url" -At -c 'SELECT fill_id FROM fills ORDER BY fill_id COLLATE "C"' > store_fills
  diff venue_fills store_fills > /dev/null || fail "fills differ between venue and store: $(diff venue_fills store_fills | head -5)"
  echo "venue and store agree: $(wc -l < venue_ids) orders, $(wc -l < venue_fills) fills"
}

case "$CASE" in
pg_day)
  export DATABASE_URL=$(fresh_db t_day)
  "$BIN" migrate --db local.sqlite | grep "applied 001" > /dev/null || fail "migrate did not apply from empty"
  "$BIN" migrate --db local.sqlite | grep "already at head" > /dev/null || fail "a second migrate was not a no-op"
  "$BIN" verify --config app.yaml --db local.sqlite > verify.txt || fail "verify failed: $(cat verify.txt)"
  "$BIN" paper --config app.yaml --data "$DAY" --db local.sqlite --summary-json pg.json > /dev/null
  ( unset DATABASE_URL; "$BIN" paper --config app.yaml --data "$DAY" --db lite.sqlite --summary-json lite.json > /dev/null )
  [ "$(jq -r .digest pg.json)" = "$(jq -r .digest lite.json)" ] || fail "PostgreSQL and SQLite days differ"
  [ "$(jq -r .orders pg.json)" -gt 0 ] || fail "no orders: the digest proves nothing"
  psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f "$SRC/scripts/reconcile_db.sql" > reconcile.txt
  [ "$(grep -c '^(0 rows)' reconcile.txt)" -eq 6 ] || fail "reconcile_db.sql found problems: $(cat reconcile.txt)"
  grep -q 'risk_events_of_the_day' reconcile.txt || fail "no risk events section"
  "$BIN" reconcile --db local.sqlite > rec.txt || fail "aitrapp reconcile failed: $(cat rec.txt)"
  # A stop-loss left working on a closed bracket must make reconcile fail, in both tools.
  psql "$DATABASE_URL" -q -c "UPDATE orders SET status = 'WORKING' WHERE client_order_id = (SELECT MIN(client_order_id) FROM orders WHERE role = 'SL')"
  if "$BIN" reconcile --db local.sqlite > rec2.txt; then fail "reconcile passed an orphan stop-loss"; fi
  grep -q '^FAIL  orphan_oco_siblings (1 rows)' rec2.txt || fail "wrong reconcile verdict: $(cat rec2.txt)"
  psql "$DATABASE_URL" -f "$SRC/scripts/reconcile_db.sql" > reconcile2.txt
  grep -A4 '== orphan_oco_siblings' reconcile2.txt | grep '^(1 row)' > /dev/null || fail "reconcile_db.sql missed the orphan"
  echo "digest $(jq -r .digest pg.json) on both backends; reconcile clean, then catches an orphan stop-loss"
  ;;

bad_settings)
  expect() { # expect CODE PATTERN COMMAND...
    local code=$1 pattern=$2; shift 2
    set +e; "$@" > out.txt 2> err.txt; local rc=$?; set -e
    [ "$rc" -eq "$code" ] || fail "'$*' exited $rc, expected $code: $(cat err.txt)"
    grep -q "$pattern" err.txt || fail "'$*' error lacks '$pattern': $(cat err.txt)"
  }
  paper=("$BIN" paper --config app.yaml --data "$DAY" --db local.sqlite)
  DATABASE_URL="mysql://u:pw@h/db" expect 2 "DATABASE_URL must be a postgresql://" "${paper[@]}"
  DATABASE_URL="postgresql://u:hunter2@127.0.0.1:port/db" expect 2 "DATABASE_URL has an invalid port" "${paper[@]}"
  grep -q hunter2 err.txt && fail "the password leaked into the error"
  DATABASE_URL="postgresql://postgres@127.0.0.1:1/none" expect 1 "DATABASE_URL: PostgreSQL at" "${paper[@]}"
  behind=$(fresh_db t_behind)
  DATABASE_URL="$behind" expect 2 "DATABASE_URL: the database is behind on migrations" "${paper[@]}"
  [ -e local.sqlite ] && [ "$(sqlite3 local.sqlite 'SELECT COUNT(*) FROM orders')" != 0 ] && fail "traded despite a bad setting"
  run=("$BIN" run --config app.yaml --data "$DAY" --db run.sqlite --port 0)
  REDIS_URL="redis://:wrong@127.0.0.1:$REDIS_PORT/0" expect 2 "REDIS_URL: Redis at .* refused the credentials" "${run[@]}"
  REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" expect 2 "REDIS_URL: .*requires a password" "${run[@]}"
  REDIS_URL="redis://127.0.0.1:notaport" expect 2 "REDIS_URL has an invalid port" "${run[@]}"
  if DATABASE_URL="$behind" "$BIN" verify --config app.yaml > verify.txt; then fail "verify passed a database behind on migrations"; fi
  grep -q '^FAIL  migrations: DATABASE_URL: the database is behind' verify.txt || fail "verify: $(cat verify.txt)"
  if "$BIN" verify --config app.yaml --mode LIVE --db local.sqlite > verify2.txt; then fail "verify LIVE passed without credentials"; fi
  grep -q '^FAIL  venue_credentials' verify2.txt || fail "verify LIVE: $(cat verify2.txt)"
  echo "every bad setting refused at startup, by name"
  ;;

takeover)
  # Two engines, one Redis, one PostgreSQL: exactly one leads; the other sends nothing until the
  # leader is killed, then takes over from the store without a duplicate order.
  export DATABASE_URL=$(fresh_db t_takeover) REDIS_URL=$REDIS
  "$BIN" migrate --db local.sqlite > /dev/null
  redis-cli -p "$REDIS_PORT" -a "$REDIS_PASSWORD" --no-auth-warning del aitrapp:leader > /dev/null
  lease=(--db local.sqlite --speed 1500 --lease-ms 2000 --lease-refresh-ms 250 --lost-exit-ms 2000)
  start_run A "${lease[@]}"
  wait_for 10 is_leader A || fail "A never became leader"
  start_run B "${lease[@]}"
  wait_for 10 bash -c "curl -sf $(url B)/health -o /dev/null; [ -n \"\$(curl -s $(url B)/health)\" ]" || true
  sleep 2
  is_leader B && fail "two leaders"
  [ "$(health B | jq -r .checks.leader.leadership)" = FOLLOWER ] || fail "B is not a follower"
  [ "$(metric A trader_orders_placed_total)" -gt 0 ] || fail "the leader placed no orders: nothing to take over"
  [ "$(metric B trader_orders_placed_total)" = 0 ] || fail "the follower sent orders"
  LEADERS=$(($(metric A 'trader_is_leader{instance_id="A"}') + $(metric B 'trader_is_leader{instance_id="B"}')))
  [ "$LEADERS" = 1 ] || fail "trader_is_leader sums to $LEADERS over the two instances"
  evidence leaders_by_metric "$LEADERS"
  evidence follower_orders_placed "$(metric B trader_orders_placed_total)"
  evidence leader_orders_placed "$(metric A trader_orders_placed_total)"
  [ "$(sqlite3 local.sqlite 'SELECT COUNT(*) FROM sim_venue_orders')" -gt 0 ] || fail "no venue orders"
  # The follower refuses commands at once, naming the leader, and never applies them later.
  code=$(curl -s -o refused.json -w '%{http_code}' -m 3 -X POST -H "Authorization: Bearer $AITRAPP_API_TOKEN" \
    -d '{"reason":"drill"}' "$(url B)/flatten")
  [ "$code" = 409 ] && [ "$(jq -r .leader refused.json)" = A ] || fail "follower /flatten: $code $(cat refused.json)"
  kill -9 "$A_PID"
  wait_for 10 is_leader B || fail "B did not take over within the lease"
  echo "B took over with fencing token $(health B | jq -r .checks.leader.fencing_token)"
  [ "$(psql "$DATABASE_URL" -At -c 'SELECT COUNT(*) FROM kill_switch_events')" = 0 ] \
    || fail "the flatten refused by the follower ran after the takeover"
  wait_for 40 replay_done B || fail "B did not finish the day"
  [ "$(metric B trader_duplicate_client_ids_total)" = 0 ] || fail "the venue saw a reused client id"
  [ "$(metric B trader_positions_open)" = "" ] || [ "$(curl -s "$(url B)/positions" | jq length)" = 0 ] || fail "not flat at EOD"
  "$BIN" reconcile --db local.sqlite > rec.txt || fail "reconcile after takeover: $(cat rec.txt)"
  venue_matches_store local.sqlite "$DATABASE_URL"
  evidence takeover_fencing_token "$(health B | jq -r .checks.leader.fencing_token)"
  evidence duplicate_client_ids "$(metric B trader_duplicate_client_ids_total)"
  [ "$(psql "$DATABASE_URL" -At -c 'SELECT token FROM leader_fence')" = "$(health B | jq -r .checks.leader.fencing_token)" ] \
    || fail "the store is not fenced with the new leader's token"
  ;;

paper_restart)
  # The rollback procedure's "restart the service" on PostgreSQL, as `make paper` does it: stopped
  # with positions open, started again on the same --db (which holds the simulated venue's
  # journal): it resumes and ends the day flat, venue and store agreeing.
  export DATABASE_URL=$(fresh_db t_restart)
  "$BIN" migrate --db local.sqlite > /dev/null
  make -s -n -C "$SRC" paper DATABASE_URL="$DATABASE_URL" | grep -E '^rm .*run\.sqlite' \
    && fail "make paper deletes the store's local files"
  open_positions() { [ "$(curl -s "$(url "$1")/positions" | jq .count)" -gt 0 ]; }
  start_run R1 --db local.sqlite --speed 600
  wait_for 60 open_positions R1 || fail "no position opened"
  kill -TERM "$R1_PID"; wait "$R1_PID" 2> /dev/null || true
  start_run R2 --db local.sqlite --speed 600
  wait_for 10 grep -q "Recovering [1-9][0-9]* open positions" R2.log \
    || fail "the restart recovered no position: $(grep Recovering R2.log)"
  wait_for 60 replay_done R2 || fail "the restarted day did not end"
  [ "$(curl -s "$(url R2)/positions" | jq .count)" = 0 ] || fail "not flat after the restart"
  "$BIN" reconcile --db local.sqlite > rec.txt || fail "reconcile after the restart: $(cat rec.txt)"
  venue_matches_store local.sqlite "$DATABASE_URL"
  kill -TERM "$R2_PID"; wait "$R2_PID" 2> /dev/null || true
  # The same day once more on the same store: nothing is left, and it says so.
  start_run R3 --db local.sqlite --speed 600
  wait_for 10 grep -q "Nothing left to replay: 2022-04-01" R3.log || fail "a finished day replayed silently"
  kill -TERM "$R3_PID"; wait "$R3_PID" 2> /dev/null || true
  # What the old Makefile did: the venue's journal deleted under a day PostgreSQL still holds.
  # The restart refuses at once, naming the journal, instead of retrying cancels of orders the
  # venue no longer knows past 15:25.
  export DATABASE_URL=$(fresh_db t_lost)
  "$BIN" migrate --db lost.sqlite > /dev/null
  start_run L1 --db lost.sqlite --speed 600
  wait_for 60 open_positions L1 || fail "no position opened"
  kill -TERM "$L1_PID"; wait "$L1_PID" 2> /dev/null || true
  rm -f lost.sqlite lost.sqlite-wal lost.sqlite-shm
  set +e
  timeout 20 "$BIN" run --config app.yaml --data "$DAY" --port 0 --db lost.sqlite > L2.log 2>&1
  rc=$?
  set -e
  [ $rc = 1 ] || fail "a restart without the venue's journal exited $rc"
  grep -q "the simulated venue's journal holds none of the [0-9]* orders" L2.log \
    || fail "the refusal does not name the journal: $(tail -3 L2.log)"
  echo "restart resumed and ended flat; without the venue's journal: $(grep -o "journal holds none of the [0-9]* orders" L2.log)"
  ;;

redis_bounce)
  # Redis stopped for less than the lease mid-session: trading goes on, and events resume.
  export REDIS_URL=$REDIS
  redis-cli -p "$REDIS_PORT" -a "$REDIS_PASSWORD" --no-auth-warning del aitrapp:leader > /dev/null
  start_run S --db local.sqlite --speed 600
  wait_for 10 is_leader S || fail "no leadership"
  sub() { redis-cli -p "$REDIS_PORT" -a "$REDIS_PASSWORD" --no-auth-warning subscribe signals decisions orders risk events > "$1" 2>&1 & PIDS+=($!); }
  sub before.txt
  sleep 3
  servers redis-stop
  sim_before=$(health S | jq -r .engine_time)
  sleep 4
  sim_during=$(health S | jq -r .engine_time)
  [ "$sim_during" != "$sim_before" ] || fail "the replay stopped while Redis was down"
  is_leader S || fail "a Redis outage shorter than the lease cost the leadership"
  servers redis-start
  sub after.txt
  # redis-cli prints each delivery as three lines: "message", the channel, the payload.
  wait_for 10 grep -q '^message$' after.txt || fail "no events after Redis came back"
  grep -q '^message$' before.txt || fail "no events before the outage"
  [ "$(metric S 'trader_auto_pauses_total{reason="leader_lease"}')" = 0 ] || fail "entries were paused for the lease"
  wait_for 5 bash -c "curl -s $(url S)/metrics | grep -qx 'trader_bus_connected 1'" || fail "bus not reconnected"
  evidence events_before "$(grep -c '^message$' before.txt)"
  evidence events_after "$(grep -c '^message$' after.txt)"
  evidence bus_dropped "$(metric S trader_bus_dropped_total)"
  evidence engine_time_at_stop "$sim_before"
  evidence engine_time_4s_later "$sim_during"
  echo "events received before the outage: $(grep -c '^message$' before.txt), after: $(grep -c '^message$' after.txt); dropped $(metric S trader_bus_dropped_total)"
  ;;

pg_bounce)
  # PostgreSQL stopped for 3 s mid-session: the engine journals locally, pauses entries, replays
  # the journal when the server is back, and loses no fill and duplicates no order.
  export DATABASE_URL=$(fresh_db t_bounce)
  "$BIN" migrate --db local.sqlite > /dev/null
  start_run S --db local.sqlite --speed 1200
  wait_for 10 bash -c "[ \"\$(curl -s $(url S)/metrics | awk '\$1==\"trader_orders_placed_total\" {print \$2}')\" -gt 0 ]" \
    || fail "no orders before the outage"
  servers pg-stop
  wait_for 10 bash -c "[ \"\$(curl -s $(url S)/metrics | awk '\$1==\"trader_store_degraded\" {print \$2}')\" = 1 ]" \
    || fail "the outage was not noticed"
  sleep 3
  servers pg-start
  wait_for 20 bash -c "[ \"\$(curl -s $(url S)/metrics | awk '\$1==\"trader_store_degraded\" {print \$2}')\" = 0 ]" \
    || fail "the store did not come back"
  wait_for 40 replay_done S || fail "the day did not finish"
  [ "$(metric S trader_store_journal_pending)" = 0 ] || fail "journal not drained"
  [ "$(metric S trader_store_journaled_total)" -gt 0 ] || fail "nothing was journaled: the outage proved nothing"
  [ "$(metric S 'trader_auto_pauses_total{reason="store_outage"}')" -ge 1 ] || fail "entries were not paused"
  summary="outages $(metric S trader_store_outages_total), reconnects $(metric S trader_store_reconnects_total), batches journaled and replayed $(metric S trader_store_journaled_total)"
  evidence store_outages "$(metric S trader_store_outages_total)"
  evidence journaled_batches "$(metric S trader_store_journaled_total)"
  evidence journal_pending "$(metric S trader_store_journal_pending)"
  kill -TERM "$S_PID"; wait "$S_PID" 2>/dev/null || true
  "$BIN" reconcile --db local.sqlite > rec.txt || fail "reconcile after the outage: $(cat rec.txt)"
  "$BIN" idempotency-check --db local.sqlite > idem.txt || fail "idempotency after the outage: $(cat idem.txt)"
  venue_matches_store local.sqlite "$DATABASE_URL"
  evidence idempotency clean
  echo "$summary; reconcile and idempotency-check clean"
  ;;
*) fail "unknown case $CASE" ;;
esac
