#!/usr/bin/env bash
# End to end on the Kite wire protocol: `aitrapp venue-sim` replays 2022-04-01 from 13:00 at
# 200x and `aitrapp run --venue kite --live` trades it over REST and the WebSocket ticker.
# Cases: day (a clean session), lost_response (the first order's answer is lost after the venue
# accepted it: the adapter must find it by tag, never place it twice).
set -euo pipefail
CASE=$1 BIN=$2 SRC=$3
WORK=$(mktemp -d)
cleanup() {
  [ -n "${RUN_PID:-}" ] && kill "$RUN_PID" 2>/dev/null || true
  [ -n "${SIM_PID:-}" ] && kill "$SIM_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() {
  echo "FAIL ($CASE): $*" >&2
  tail -20 "$WORK/run.log" "$WORK/sim.log" >&2 || true
  exit 1
}
cd "$WORK"
export KITE_API_KEY=conformance_key KITE_API_SECRET=conformance_secret KITE_ACCESS_TOKEN=token0

"$BIN" venue-sim --data "$SRC/data/nse/2022-04-01" --port 0 --control-port 0 --port-file ports \
  --speed 200 --start 13:00 > sim.log 2>&1 &
SIM_PID=$!
for _ in $(seq 50); do [ -s ports ] && break; sleep 0.1; done
read -r PORT CONTROL < ports || fail "venue-sim did not start"
ctl() { curl -sf -X POST "http://127.0.0.1:$CONTROL$1" > /dev/null || fail "control $1"; }
stats() { curl -sf "http://127.0.0.1:$CONTROL/stats"; }

[ "$CASE" = lost_response ] && ctl /faults/lose_response

"$BIN" run --venue kite --live --kite-root "http://127.0.0.1:$PORT" \
  --kite-ws "ws://127.0.0.1:$PORT/" --kite-sim-clock "http://127.0.0.1:$CONTROL" \
  --db run.sqlite --port 0 --token-file api_token > run.log 2>&1 &
RUN_PID=$!
for _ in $(seq 900); do
  grep -q "done at" run.log && break
  kill -0 "$RUN_PID" 2>/dev/null || fail "aitrapp run exited"
  sleep 0.1
done
grep -q "done at" run.log || fail "the session did not finish"
sleep 1  # the last reconciliation round
S=$(stats)
q() { sqlite3 run.sqlite "$1"; }
ORDERS=$(q "SELECT count(*) FROM orders")
[ "$ORDERS" -gt 0 ] || fail "no orders were traded"
[ "$(jq .orders <<< "$S")" = "$ORDERS" ] || fail "venue has $(jq .orders <<< "$S") orders, store $ORDERS"
[ "$(jq .duplicate_tags <<< "$S")" = 0 ] || fail "a client_order_id reached the venue twice"
[ "$(jq '[.positions[] | select(.quantity != 0)] | length' <<< "$S")" = 0 ] \
  || fail "venue not flat: $(jq -c .positions <<< "$S")"
[ "$(jq .open_orders <<< "$S")" = 0 ] || fail "orders still open at the venue"
FILLS=$(q "SELECT count(*) FROM fills")
[ "$(jq .trades <<< "$S")" = "$FILLS" ] || fail "venue has $(jq .trades <<< "$S") trades, store $FILLS fills"
grep -q "open positions 0" run.log || fail "engine not flat at the end"
# A clean session stays inside Kite's limits: a handful of 429s at most, never a retry storm.
[ "$(jq .rate_limited <<< "$S")" -le 5 ] || fail "$(jq .rate_limited <<< "$S") requests hit 429"
kill "$RUN_PID"; wait "$RUN_PID" 2>/dev/null || true; RUN_PID=
"$BIN" reconcile --db run.sqlite > reconcile.txt || fail "reconcile: $(cat reconcile.txt)"
echo "kite $CASE: $ORDERS orders, $FILLS fills, flat, no duplicate tags, reconcile clean" \
  "(venue: $(jq -c '{requests,rate_limited,token_errors}' <<< "$S"))"
