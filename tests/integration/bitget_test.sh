#!/usr/bin/env bash
# End to end on Bitget's wire protocol: `aitrapp venue-sim --venue bitget` replays 2022-01-01 of
# the bundled BTCUSDT perpetual and `aitrapp run --venue bitget --live` trades it over signed REST
# and the public and private WebSocket streams, on a drill session (00:00 to a 01:55 hard flat)
# at 200x, so that a wall second is 200 exchange seconds.
#
# Cases:
#   day            a clean session
#   lost_response  the first order's answer is lost after the exchange accepted it: the adapter
#                  must find it by clientOid, never place it twice
#   ws_drop        both streams cut for 1 s in a position: reconnect, resubscribe (a fresh book
#                  snapshot), the orders missed on the private stream read back over REST
#   rate_limit     a burst of ten 429s in a position: the adapter backs off and nothing is lost
#   partial_fill   the first order fills 0.1 BTC only: children for the filled part; Bitget
#                  modifies no order with fills, so the engine's reprice is refused and the rest
#                  cancelled
#   stale_book     book pushes held back for 2 s (400 exchange seconds) in a position while
#                  trades print: entries pause (`bitget_book`), the gap in the book's sequence
#                  resubscribes, entries resume
#   restart        the engine SIGKILLed with a position, its resting target and its held stop,
#                  and started again on the same store: the orders are found by clientOid, the
#                  stop placed again, and the day ends flat
# Every case ends with: every exchange order is a store order and a store order the exchange
# never saw was given up unfilled, each order's filled quantity agrees, fills agree in number, no
# clientOid was sent twice, flat at the exchange and in the engine.
set -euo pipefail
CASE=$1 BIN=$2 SRC=$3
# shellcheck source=venue_drill_lib.sh
source "$SRC/tests/integration/venue_drill_lib.sh"
export BITGET_API_KEY=drill_key BITGET_API_SECRET=drill_secret BITGET_PASSPHRASE=drill_pass

# The day alone (the file starts an hour before it), and a two-hour session of it.
grep -v '^2021-12-31' "$SRC/data/crypto/btc-perp-20211231-20220101_1m.csv" > day.csv
sed -e 's/^session: .*/session: {open: "00:00", close: "02:00", eod_tighten: "01:50", hard_flat: "01:55"}/' \
  "$SRC/configs/bitget.yaml" > drill.yaml
grep -q '^session: {open: "00:00", close: "02:00"' drill.yaml || fail "the drill session was not set"

start_sim --venue bitget --config drill.yaml --data day.csv --speed 200 --start 00:00
start_run() {
  rm -f api_port
  "$BIN" run --config drill.yaml --venue bitget --live --bitget-root "http://127.0.0.1:$PORT" \
    --bitget-ws "ws://127.0.0.1:$PORT/v2/ws" --bitget-sim-clock "http://127.0.0.1:$CONTROL" \
    --db run.sqlite --port 0 --port-file api_port --token-file api_token >> run.log 2>&1 &
  RUN_PID=$!
  wait_for 10 "[ -s api_port ]"
  wait_for 20 "curl -sf http://127.0.0.1:\$(cat api_port)/health"
}
in_position() { [ "$(stats | jq '[.positions[] | select(. != 0)] | length')" -gt 0 ]; }
degraded() { q "SELECT count(*) FROM risk_events WHERE check_name = '$1' AND reason LIKE 'bitget_book%'"; }

[ "$CASE" = lost_response ] && ctl /faults/lose_response
[ "$CASE" = partial_fill ] && ctl "/faults/partial_fill?qty=100"
start_run
grep -q "note: BTCUSDT: fees maker 0.0002 taker 0.0006 (api:bitget:trade-rate)" run.log \
  || fail "the fee rates were not read from the exchange"
grep -q "note: account: one_way_mode, crossed margin, leverage 10" run.log \
  || fail "the account settings were not applied"

case "$CASE" in
  lost_response)
    # The first order's answer was lost: the adapter looked it up by clientOid.
    wait_for 60 "[ \"\$(metric 'trader_retries_total{type=\"lookup_by_client_oid\"}')\" -ge 1 ]"
    evidence lookups "$(metric 'trader_retries_total{type="lookup_by_client_oid"}')"
    ;;
  ws_drop)
    wait_for 60 in_position
    ctl "/faults/ws_drop?seconds=1"
    wait_for 10 "[ \"\$(stats | jq .streams.connections)\" = 0 ]"
    wait_for 30 "[ \"\$(stats | jq .streams.connections)\" = 2 ]"
    sleep 1
    HB=$(metric 'trader_marketdata_heartbeat_seconds{bucket="BITGET"}')
    [ -n "$HB" ] && awk -v h="$HB" 'BEGIN { exit !(h + 0 < 0.5) }' \
      || fail "no tick since the reconnect (${HB:-no heartbeat} s)"
    evidence reconnected_streams 2
    ;;
  rate_limit)
    wait_for 60 in_position
    ctl "/faults/errors?status=429&count=10"
    ;;
  stale_book)
    wait_for 60 in_position
    ctl "/faults/stale_book?seconds=2"
    wait_for 20 "[ \"\$(degraded DEGRADED)\" -gt 0 ]"
    wait_for 30 "[ \"\$(degraded RECOVERED)\" -gt 0 ]"
    evidence stale_pauses "$(degraded DEGRADED)"
    ;;
  restart)
    # A position with its target resting at the exchange and its stop held by the adapter.
    wait_for 60 "in_position && [ \"\$(stats | jq .open_orders)\" -gt 0 ]"
    kill -9 "$RUN_PID"
    wait "$RUN_PID" 2> /dev/null || true
    OPEN_AT_KILL=$(stats | jq .open_orders)
    start_run
    wait_for 20 "grep -q 'Recovering 1 open positions' run.log"
    evidence open_orders_at_kill "$OPEN_AT_KILL"
    ;;
esac

wait_for 120 "grep -q 'done at' run.log"
sleep 1  # the last reconciliation round
S=$(stats)
[ "$(q 'SELECT count(*) FROM orders')" -gt 0 ] || fail "no orders were traded"
# The exchange's orders by engine id (a modified order's later links carry -m<n>), and what each
# filled, in the engine's units (0.001 BTC).
curl -sf "http://127.0.0.1:$CONTROL/orders" | jq -r '.orders[] | select(.source == "API")
  | [(.clientOid | sub("-m[0-9]+$"; "")), ((.filled | tonumber) * 1000 | round)] | @tsv' \
  | awk '{ f[$1] += $2 } END { for (c in f) print c "\t" f[c] }' | sort > venue_filled
cut -f1 venue_filled > venue_ids
q "SELECT client_order_id FROM orders ORDER BY 1" | sort > store_ids
UNKNOWN=$(comm -23 venue_ids store_ids)
[ -z "$UNKNOWN" ] || fail "exchange orders the store does not know: $UNKNOWN"
for cid in $(comm -13 venue_ids store_ids); do
  [ "$(q "SELECT status IN ('REJECTED', 'CANCELLED') AND filled = 0 FROM orders WHERE client_order_id = '$cid'")" = 1 ] \
    || fail "$cid never reached the exchange but is $(q "SELECT status FROM orders WHERE client_order_id = '$cid'")"
done
q "SELECT client_order_id || char(9) || filled FROM orders" | sort | join -t "$(printf '\t')" venue_ids - \
  > store_filled
diff venue_filled store_filled > filled.diff || fail "filled quantities differ: $(cat filled.diff)"
[ "$(jq .duplicate_client_oids <<< "$S")" = 0 ] || fail "a clientOid was sent twice"
[ "$(jq '[.positions[] | select(. != 0)] | length' <<< "$S")" = 0 ] \
  || fail "exchange not flat: $(jq -c .positions <<< "$S")"
[ "$(jq .open_orders <<< "$S")" = 0 ] || fail "orders still open at the exchange"
FILLS=$(q "SELECT count(*) FROM fills")
[ "$(jq .fills <<< "$S")" = "$FILLS" ] || fail "exchange has $(jq .fills <<< "$S") fills, store $FILLS"
grep -q "open positions 0" run.log || fail "engine not flat at the end"
[ "$(jq .rate_limited <<< "$S")" -le 10 ] || fail "$(jq .rate_limited <<< "$S") requests hit 429"
MISMATCH=$(q "SELECT count(*) FROM risk_events WHERE check_name = 'DEGRADED' AND reason LIKE 'position_mismatch%'")
[ "$MISMATCH" = 0 ] || fail "the position reconciliation saw $MISMATCH mismatches"
if [ "$CASE" = partial_fill ]; then
  # The first entry filled 0.1 BTC and no more; its reprice was refused (Bitget modifies no
  # order with fills) and the rest cancelled; its children cover what filled.
  FIRST=$(q "SELECT client_order_id FROM orders WHERE role = 'ENTRY' ORDER BY created_ms LIMIT 1")
  [ "$(q "SELECT filled || ' ' || status FROM orders WHERE client_order_id = '$FIRST'")" = "100 CANCELLED" ] \
    || fail "the first entry is $(q "SELECT filled, qty, status FROM orders WHERE client_order_id = '$FIRST'")"
  PLAN=$(q "SELECT plan_id FROM orders WHERE client_order_id = '$FIRST'")
  [ "$(q "SELECT count(*) FROM orders WHERE plan_id = '$PLAN' AND role IN ('SL', 'TP') AND qty = 100")" -ge 2 ] \
    || fail "no stop and target for the filled 0.1 BTC: $(q "SELECT role, qty, status FROM orders WHERE plan_id = '$PLAN'")"
  evidence partial_entry_filled 100
fi
evidence orders "$(wc -l < store_ids)"
evidence exchange_orders "$(wc -l < venue_ids)"
evidence fills "$FILLS"
evidence duplicate_client_oids 0
echo "$CASE: $(wc -l < store_ids) orders, $(wc -l < venue_ids) at the exchange, $FILLS fills, flat"
