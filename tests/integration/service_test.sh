#!/usr/bin/env bash
# The service's own rules through real processes on one SQLite store (file leader lock).
# Usage: service_test.sh CASE AITRAPP_BINARY SOURCE_DIR
# Cases:
#   follower  two `aitrapp run` on one store: the follower refuses every mutating command at once
#             (409 naming the leader) and, once it takes over, has applied none of them
#   boot_line at --speed max on a brand-new store the boot line reports what recovery found (0
#             positions), not what the day has opened since
#   days      given two days, one service replays both on one store and keeps serving: each
#             day's orders and digest equal the same day replayed alone on a fresh store
set -euo pipefail
CASE=$1 BIN=$2 SRC=$3
WORK=$(mktemp -d "${TMPDIR:-/tmp}/aitrapp-service.XXXXXX")
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -9 "$p" 2> /dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
cd "$WORK"
fail() { echo "FAIL ($CASE): $*" >&2; for f in "$WORK"/*.log; do [ -f "$f" ] && { echo "--- $f"; tail -20 "$f"; } >&2; done; exit 1; }
sed "s#log_file: logs/aitrapp.log#log_file: $WORK/aitrapp.log#" "$SRC/configs/app.yaml" > app.yaml
export AITRAPP_API_TOKEN=service-test-token
DAY="$SRC/data/nse/2022-04-01"
# shellcheck disable=SC1091
source "$SRC/tests/integration/service_lib.sh"
is_follower() { [ "$(health "$1" | jq -r .checks.leader.leadership)" = FOLLOWER ]; }

case "$CASE" in
follower)
  start_run A --db shared.sqlite --speed 300
  wait_for 10 is_leader A || fail "A never led"
  start_run B --db shared.sqlite --speed 300
  wait_for 10 is_follower B || fail "B is not a follower"
  for cmd in "/pause {\"reason\":\"lunch\"}" "/flatten {\"reason\":\"drill\"}" "/resume {}" \
             "/mode {\"mode\":\"PAPER\"}"; do
    read -r path body <<< "$cmd"
    start=$(date +%s%N)
    code=$(curl -s -o reply.json -w '%{http_code}' -X POST -H "Authorization: Bearer $AITRAPP_API_TOKEN" \
      -d "$body" "$(url B)$path")
    ms=$((($(date +%s%N) - start) / 1000000))
    [ "$code" = 409 ] || fail "POST $path to the follower answered $code: $(cat reply.json)"
    [ "$ms" -lt 2000 ] || fail "POST $path to the follower took $ms ms"
    [ "$(jq -r .leader reply.json)" = A ] || fail "the refusal does not name the leader: $(cat reply.json)"
    jq -r .error reply.json | grep "not the leader" > /dev/null || fail "$(cat reply.json)"
    echo "follower refused POST $path in $ms ms: $(jq -r .error reply.json)"
  done
  kill -TERM "$A_PID"; wait "$A_PID" 2> /dev/null || true
  wait_for 15 is_leader B || fail "B did not take over"
  sleep 1  # a queued command would run right after the takeover
  state=$(curl -s "$(url B)/risk" | jq -r .state)
  [ "$state" = ACTIVE ] || fail "after the takeover B is $state: a refused command was applied"
  [ "$(sqlite3 shared.sqlite 'SELECT COUNT(*) FROM kill_switch_events')" = 0 ] \
    || fail "a refused flatten ran after the takeover"
  [ "$(sqlite3 shared.sqlite "SELECT COUNT(*) FROM risk_events WHERE reason LIKE 'operator pause%'")" = 0 ] \
    || fail "a refused pause ran after the takeover"
  echo "B took over ACTIVE, no kill-switch run, no pause"
  ;;
boot_line)
  start_run M --db fresh.sqlite --speed max
  wait_for 10 grep -q "^Recovering" M.log || fail "no boot line"
  grep -q "^Recovering 0 open positions, 0 live orders; mode PAPER" M.log \
    || fail "the boot line of a brand-new store: $(grep '^Recovering' M.log)"
  wait_for 30 grep -q "done at" M.log || fail "the day did not finish"
  grep -q '"message":"Recovering 0 open positions"' aitrapp.log || fail "no recovery line in the log"
  echo "$(grep '^Recovering' M.log)"
  ;;
days)
  DAY2="$SRC/data/nse/2022-04-04"
  start_run M --db days.sqlite --speed max --data "$DAY2"
  wait_for 60 grep -q "replay of 2022-04-04 done at" M.log || fail "the second day did not finish"
  [ "$(health M | jq -r .trading_day)" = 2022-04-04 ] || fail "health: $(health M | jq -c .)"
  [ "$(grep -c '"event":"recovery"' aitrapp.log)" = 2 ] || fail "not one recovery per day"
  for d in "$DAY" "$DAY2"; do
    day=$(basename "$d")
    "$BIN" paper --config app.yaml --data "$d" --db "fresh-$day.sqlite" --summary-json "$day.json" > /dev/null
    got=$(sqlite3 days.sqlite "SELECT COUNT(*) FROM orders WHERE trading_day = '$day'")
    [ "$got" = "$(jq -r .orders "$day.json")" ] || fail "$day: $got orders in the service, $(jq -r .orders "$day.json") alone"
    [ "$got" -gt 0 ] || fail "$day: no orders"
  done
  kill -TERM "$M_PID"; wait "$M_PID" 2> /dev/null || true
  "$BIN" paper --config app.yaml --data "$DAY" --data "$DAY2" --db days.sqlite --summary-json both.json > /dev/null
  for d in 2022-04-01 2022-04-04; do
    [ "$(jq -r --arg d $d '.days[] | select(.trading_day == $d) | .digest' both.json)" = "$(jq -r .digest $d.json)" ] \
      || fail "$d: the service's day differs from the day alone"
  done
  echo "one service replayed 2022-04-01 and 2022-04-04 on one store; both equal the days alone"
  ;;
*)
  fail "unknown case $CASE"
  ;;
esac
echo "PASS: $CASE"
