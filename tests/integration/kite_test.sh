#!/usr/bin/env bash
# End to end on the Kite wire protocol: `aitrapp venue-sim` replays 2022-04-01 and
# `aitrapp run --venue kite --live` trades it over REST and the WebSocket ticker.
#
# Cases:
#   day            a clean session from 13:00 at 200x to the 15:25 hard flat
#   lost_response  the first order's answer is lost after the venue accepted it: the adapter must
#                  find it by tag, never place it twice
# Fault drills, on a shortened day (13:00 to a 13:55 hard flat) at 100x, so that a wall second
# is 100 exchange seconds (the engine's timeouts run on exchange time, the adapter's backoff and
# the ticker's watchdog on wall time):
#   ws_drop        the ticker connection killed mid-position for 1 s (100 exchange seconds; the
#                  issue asks for 30): reconnect, resubscribe, no duplicate child orders
#   refuse         every new connection refused for 10 s (1000 exchange seconds) in a position
#   stale_limit    the first LIMIT is rejected as outside the price band: one venue row for it,
#                  a bounded number of new attempts
#   partial_fill   the first order fills only one lot until modified: children for the filled part,
#                  the remainder repriced
#   token_expiry   the access token expires mid-session: entries pause, the token file is refreshed
#                  by a new login, entries resume
#   rate_limit     a burst of 429s: the adapter backs off and nothing is lost
#   manual_trade   someone trades the account by hand (tags MANUAL*) while the engine holds a
#                  position: the position reconciliation pauses entries until the venue and the
#                  engine agree again
#   illiquidity    the quotes widened to about 17 bps (the entry limit is 10) until an entry is
#                  refused for it: SPREAD_ILLIQUID blocks, no entry sent while wide, entries after
#   ws_flap_children  the ticker cut 10 ms after it delivered the first entry's fill, while that
#                  entry's stop-loss and target are being placed (answers 20 ms late): no
#                  duplicate SL/TP after the reconnect
#   kill_churn     POST /flatten while positions are open and fills keep coming (caps lifted): flat
#                  at the venue within 2 s, HARD_STOP, no entry until POST /resume
#   band_jump      the exchange narrows its band to the last price -/+ 0.1%: the engine reads the
#                  new circuit limits from /quote, refuses entries beyond them (FREEZE_BAND) and
#                  sends nothing the exchange rejects for its band; then it widens, and trading
#                  resumes
# On the real session times (14:00 to the 15:25 hard flat) at 100x, caps lifted and stops and
# targets widened so that a position is held into the last minutes:
#   eod_race       a position open at 15:19: stops tightened at 15:20, flat by 15:25, nothing open
#   clock_skew     eod_race with both processes in TZ=America/New_York: the time stops are still
#                  15:20 and 15:25 IST, from the configuration
#   configs        bytes that are not UTF-8 are refused by the simulator, which lives on; every
#                  shipped configuration starts LIVE on the simulator and passes
#                  `verify --mode LIVE` (instrument master included); one with a wrong venue_symbol
#                  fails it by name
# Every case ends with: the venue and the store agree order for order and trade for fill, no tag
# reached the venue twice, flat at the venue and in the engine, and a clean `reconcile`.
set -euo pipefail
CASE=$1 BIN=$2 SRC=$3
# shellcheck source=venue_drill_lib.sh
source "$SRC/tests/integration/venue_drill_lib.sh"
export KITE_API_KEY=conformance_key KITE_API_SECRET=conformance_secret KITE_ACCESS_TOKEN=token0

SPEED=200 START=13:00 CONFIG=()
MAX_429=5  # a clean session stays inside Kite's limits: a handful of 429s at most
# Caps lifted so that positions keep opening and are held into the last minutes.
lift_caps() {
  sed -e 's/max_decisions_per_day: 12/max_decisions_per_day: 1000/' -e 's/daily_loss_pct: 2.0 /daily_loss_pct: 20 /' \
    -e 's/max_drawdown_pct: 3.0 /max_drawdown_pct: 50 /' -e 's/tighten_bps: 5 /tighten_bps: 2 /' \
    -e 's/max_open_positions: 2/max_open_positions: 4/' "$1"
}
case "$CASE" in
  day | lost_response) ;;
  eod_race | clock_skew)
    # Stops and targets four times as far, so that a position taken after 14:20 is still held
    # at 15:19 whatever the replay's timing (at 100x a 10 ms scheduling delay is a second).
    SPEED=100 START=14:00
    lift_caps "$SRC/configs/app.yaml" | sed -e 's/stop_atr: 1.5/stop_atr: 6.0/' \
      -e 's/target_atr: 3.0/target_atr: 12.0/' > drill.yaml
    CONFIG=(--config drill.yaml)
    # The wrong zone for every process of the drill; the configuration says Asia/Kolkata.
    [ "$CASE" = clock_skew ] && export TZ=America/New_York
    ;;
  *)
    # A drill session: the day ends at 14:00 (tighten 13:50, hard flat 13:55).
    SPEED=100
    sed -e 's/^  close: .*/  close: "14:00"/' -e 's/^  eod_tighten: .*/  eod_tighten: "13:50"/' \
      -e 's/^  hard_flat: .*/  hard_flat: "13:55"/' "$SRC/configs/app.yaml" > drill.yaml
    if [ "$CASE" = kill_churn ]; then lift_caps drill.yaml > churn.yaml; mv churn.yaml drill.yaml; fi
    [ "$CASE" = band_jump ] && START=12:30  # three band changes, each read within 300 exchange s
    CONFIG=(--config drill.yaml)
    ;;
esac

start_sim "${CONFIG[@]}" --data "$SRC/data/nse/2022-04-01" --speed "$SPEED" --start "$START"
kite() { curl -sf -H "X-Kite-Version: 3" -H "Authorization: token $KITE_API_KEY:$(cat kite_token)" \
  "http://127.0.0.1:$PORT$1"; }
echo "$KITE_ACCESS_TOKEN" > kite_token

if [ "$CASE" = configs ]; then
  # First the issue's bytes, literally: each once aborted venue-sim.
  code() { curl -s -o reply.json -w '%{http_code}' "$@"; }
  [ "$(code -H "Authorization: token $KITE_API_KEY:$KITE_ACCESS_TOKEN" -XPOST "http://127.0.0.1:$PORT/orders/regular" \
    --data-raw 'exchange=NFO&tradingsymbol=NIFTY_F1&transaction_type=BUY&quantity=50&product=NRML&order_type=MARKET&validity=%ff')" = 400 ] \
    && [ "$(jq -r .error_type reply.json)" = InputException ] || fail "validity=%ff: $(cat reply.json)"
  [ "$(code -XPOST "http://127.0.0.1:$CONTROL/faults/ws_drop?seconds=%ff")" = 400 ] \
    || fail "control seconds=%ff: $(cat reply.json)"
  kill -0 "$SIM_PID" || fail "venue-sim died"
  "$BIN" migrate --db verify.sqlite > /dev/null
  sed 's/venue_symbol: NIFTY BANK/venue_symbol: NIFTY BANKS/' "$SRC/configs/app.yaml" > wrong.yaml
  for cfg in "$SRC"/configs/*.yaml wrong.yaml; do
    name=$(basename "$cfg")
    # Every shipped configuration for Kite; one that lists only Bitget contracts is the other
    # venue's (config_test.cpp and the ccxt suite cover it).
    if grep -q "exchange: BITGET" "$cfg" && ! grep -q "exchange: NFO" "$cfg"; then
      echo "$name: a Bitget configuration, not run on Kite"
      continue
    fi
    set +e
    "$BIN" verify --mode LIVE --config "$cfg" --db verify.sqlite \
      --kite-root "http://127.0.0.1:$PORT" > verify.txt 2>&1
    rc=$?
    set -e
    if [ "$name" = wrong.yaml ]; then
      [ $rc != 0 ] || fail "verify passed a configuration whose BANKNIFTY is not in the master"
      grep -q "^FAIL  instrument_master: instrument BANKNIFTY (NSE:NIFTY BANKS)" verify.txt \
        || fail "verify did not name the unmapped instrument: $(cat verify.txt)"
      continue
    fi
    [ $rc = 0 ] || fail "verify --mode LIVE --config $name: $(grep FAIL verify.txt)"
    grep -q "^OK    instrument_master" verify.txt || fail "$name: no instrument_master check"
    rm -f cfg.sqlite* cfg_port
    "$BIN" run --config "$cfg" --venue kite --live --kite-root "http://127.0.0.1:$PORT" \
      --kite-ws "ws://127.0.0.1:$PORT/" --kite-sim-clock "http://127.0.0.1:$CONTROL" \
      --db cfg.sqlite --port 0 --port-file cfg_port --token-file api_token > run.log 2>&1 &
    RUN_PID=$!
    wait_for 20 "curl -sf http://127.0.0.1:\$(cat cfg_port)/health"
    kill "$RUN_PID"; wait "$RUN_PID" 2> /dev/null || true; RUN_PID=
    # And on the in-process venue, as `paper` runs it.
    "$BIN" paper --config "$cfg" --data "$SRC/data/nse/2022-04-01" --db "paper-$name.sqlite" \
      > paper.txt 2>&1 || fail "paper --config $name: $(tail -3 paper.txt)"
    echo "$name: verify --mode LIVE passed, started LIVE on the simulator, paper day done"
  done
  exit 0
fi

[ "$CASE" = lost_response ] && ctl /faults/lose_response
[ "$CASE" = stale_limit ] && ctl /faults/reject_limit
[ "$CASE" = partial_fill ] && ctl "/faults/partial_fill?qty=50"

"$BIN" run "${CONFIG[@]}" --venue kite --live --kite-root "http://127.0.0.1:$PORT" \
  --kite-ws "ws://127.0.0.1:$PORT/" --kite-sim-clock "http://127.0.0.1:$CONTROL" \
  --kite-token-file kite_token --db run.sqlite --port 0 --port-file api_port \
  --token-file api_token > run.log 2>&1 &
RUN_PID=$!
wait_for 10 "[ -s api_port ]"
# The order stream heartbeat is an age in seconds on the LIVE link (it once mixed the wall and
# the exchange clocks and read -1.8e9).
wait_for 20 "curl -sf http://127.0.0.1:\$(cat api_port)/health"
HEARTBEAT=$(metric trader_order_stream_heartbeat_seconds)
awk -v h="$HEARTBEAT" 'BEGIN { exit !(h >= 0 && h < 5) }' \
  || fail "trader_order_stream_heartbeat_seconds is $HEARTBEAT, not an age under 5 s"

# A position is open at the venue (the fault then hits working protective orders).
in_position() { [ "$(stats | jq '[.positions[] | select(.quantity != 0)] | length')" -gt 0 ]; }

case "$CASE" in
  ws_drop)
    wait_for 60 in_position
    ctl "/faults/ws_drop?seconds=1"  # 100 exchange seconds at 100x (the issue asks for 30)
    wait_for 10 "[ \"\$(stats | jq .ticker_sessions)\" = 0 ]"
    wait_for 30 "[ \"\$(stats | jq .ticker_sessions)\" = 1 ]"
    # Resubscribed: ticks reach the engine again (a tick every 0.15 s of wall time at 100x).
    sleep 1
    HB=$(metric 'trader_marketdata_heartbeat_seconds{bucket="NFO"}')
    [ -n "$HB" ] && awk -v h="$HB" 'BEGIN { exit !(h + 0 < 0.5) }' \
      || fail "no tick since the reconnect (${HB:-no heartbeat} s)"
    ;;
  refuse)
    wait_for 60 in_position
    ctl "/faults/refuse?seconds=10"
    ;;
  token_expiry)
    wait_for 60 "[ \"\$(q 'SELECT count(*) FROM orders')\" -gt 0 ]"
    ctl /faults/expire_token
    wait_for 30 "[ \"\$(q \"SELECT count(*) FROM risk_events WHERE check_name = 'DEGRADED' AND reason LIKE 'venue_token%'\")\" -gt 0 ]"
    sleep 1  # 100 exchange seconds with entries paused
    # A new login, as the operator's token job would do it: request token, checksum, exchange.
    RT=$(curl -sf -X POST "http://127.0.0.1:$CONTROL/login" | jq -r .request_token)
    SUM=$(printf '%s' "$KITE_API_KEY$RT$KITE_API_SECRET" | sha256sum | cut -d' ' -f1)
    curl -sf -X POST "http://127.0.0.1:$PORT/session/token" -H "X-Kite-Version: 3" \
      --data "api_key=$KITE_API_KEY&request_token=$RT&checksum=$SUM" | jq -r .data.access_token \
      > kite_token.new
    mv kite_token.new kite_token
    wait_for 30 "[ \"\$(q \"SELECT count(*) FROM risk_events WHERE check_name = 'RECOVERED' AND reason = 'venue_token'\")\" -gt 0 ]"
    ;;
  rate_limit)
    wait_for 60 in_position
    ctl "/faults/errors?status=429&count=10"
    ;;
  illiquidity)
    # Every quote about 300 ticks wide on each side: ~17 bps of NIFTY at 17,500, past the
    # entry limit (10 bps) and short of a blowout (50 bps), which would stop the day.
    ctl "/faults/spread?factor=300&seconds=600"
    WIDE_FROM=$(curl -sf "http://127.0.0.1:$CONTROL/clock" | jq .exchange_time_ms)
    illiquid() { q "SELECT min(time_ms) FROM risk_events WHERE check_name = 'SPREAD_ILLIQUID'"; }
    wait_for 60 "[ -n \"\$(illiquid)\" ]"
    WIDE_TO=$(curl -sf "http://127.0.0.1:$CONTROL/clock" | jq .exchange_time_ms)
    ctl "/faults/spread?factor=2&seconds=1"  # back to the book's own spread (2x for a second)
    ;;
  band_jump)
    # The day's band first (open -/+ 10%), then the jump to -/+ 0.1% of the last price until an
    # entry meets it, then -/+ 5% so that the day trades on.
    now_ms() { curl -sf "http://127.0.0.1:$CONTROL/clock" | jq .exchange_time_ms; }
    learned() { q "SELECT min(time_ms) FROM risk_events WHERE check_name = 'CIRCUIT_LIMITS' AND reason LIKE '%$1%' AND time_ms >= $2"; }
    wait_for 30 "[ -n \"\$(learned 'first report' 0)\" ]"
    JUMP_AT=$(now_ms)
    curl -sf -X POST "http://127.0.0.1:$CONTROL/faults/band_jump?bps=10" > bands.json || fail "band_jump"
    wait_for 30 "[ -n \"\$(learned were $JUMP_AT)\" ]"
    LEARNED_AT=$(learned were "$JUMP_AT")
    wait_for 60 "[ \"\$(q \"SELECT count(*) FROM risk_events WHERE check_name = 'FREEZE_BAND' AND reason LIKE '%circuit limits%'\")\" -gt 0 ]"
    WIDEN_AT=$(now_ms)
    ctl "/faults/band_jump?bps=500"
    wait_for 30 "[ -n \"\$(learned were $WIDEN_AT)\" ]"
    WIDE_AT=$(learned were "$WIDEN_AT")
    ;;
  ws_flap_children)
    # Flat and nothing working yet, so the next order to complete is an entry. Its update is
    # delivered, and 10 ms later (a second of exchange time) the ticker is cut for 1 s while
    # the stop and target, answered 20 ms late, are on their way.
    wait_for 30 "[ \"\$(stats | jq .ticker_sessions)\" = 1 ]"
    ctl "/faults/ack_delay?ms=20"
    ctl "/faults/ws_drop_on_fill?seconds=1&delay_ms=10"
    wait_for 90 "[ \"\$(stats | jq .ticker_sessions)\" = 0 ]"
    wait_for 30 "[ \"\$(stats | jq .ticker_sessions)\" = 1 ]"
    ctl "/faults/ack_delay?ms=0"
    ;;
  kill_churn)
    api() { curl -s -o reply.json -w '%{http_code}' -X POST -H "Authorization: Bearer $(cat api_token)" \
      -d "$2" "http://127.0.0.1:$(cat api_port)$1"; }
    risk() { curl -sf "http://127.0.0.1:$(cat api_port)/risk"; }
    wait_for 90 "in_position && [ \"\$(q 'SELECT count(*) FROM fills')\" -ge 3 ]"
    FILLS_BEFORE=$(q 'SELECT count(*) FROM fills')
    T0=$(date +%s%N)
    [ "$(api /flatten '{"reason":"manual"}')" = 200 ] || fail "flatten answered $(cat reply.json)"
    cp reply.json flatten.json
    wait_for 2 "! in_position"  # flat at the venue, within 2 s of wall time
    FLAT_WALL_MS=$((($(date +%s%N) - T0) / 1000000))
    KILLED_AT=$(q "SELECT max(time_ms) FROM kill_switch_events")
    risk | jq -e '.state == "HARD_STOP" and (.entries_allowed | not)' > /dev/null \
      || fail "after the flatten: $(risk | jq -c '{state, entries_allowed}')"
    sleep 1  # 100 exchange seconds in which an entry would have been sent
    BLOCKED=$(q "SELECT count(*) FROM orders WHERE role = 'ENTRY' AND created_ms > $KILLED_AT")
    [ "$BLOCKED" = 0 ] || fail "$BLOCKED entries sent after the kill switch, before resume"
    [ "$(api /resume '{}')" = 200 ] || fail "resume answered $(cat reply.json)"
    [ "$(jq -r .state reply.json)" = ACTIVE ] || fail "resume: $(cat reply.json)"
    ;;
  manual_trade)
    manual() {
      curl -sf -X POST "http://127.0.0.1:$PORT/orders/regular" -H "X-Kite-Version: 3" \
        -H "Authorization: token $KITE_API_KEY:$(cat kite_token)" \
        --data "tradingsymbol=BANKNIFTY_F1&exchange=NFO&transaction_type=$1&order_type=MARKET&quantity=25&product=MIS&tag=$2" \
        > /dev/null || fail "manual $1"
    }
    mismatch() { q "SELECT min(time_ms) FROM risk_events WHERE check_name = '$1' AND reason LIKE 'position_mismatch%'"; }
    wait_for 60 in_position
    manual BUY MANUAL1
    wait_for 30 "[ -n \"\$(mismatch DEGRADED)\" ]"
    sleep 1  # 100 exchange seconds with entries paused
    manual SELL MANUAL2
    wait_for 30 "[ -n \"\$(mismatch RECOVERED)\" ]"
    ;;
esac

wait_for 120 "grep -q 'done at' run.log"
sleep 1  # the last reconciliation round
S=$(stats)
ORDERS=$(q "SELECT count(*) FROM orders")
[ "$ORDERS" -gt 0 ] || fail "no orders were traded"
# Every venue order is a store order; a store order the venue never saw was given up before it
# was placed (rejected, or cancelled while it waited out a 429) and has no fill.
kite /orders > venue_orders
[ "$(jq '.data | length' venue_orders)" = "$(jq .orders <<< "$S")" ] || fail "the venue's order book is incomplete"
jq -r '.data[].tag | select(startswith("MANUAL") | not)' venue_orders | sort > venue_tags
q "SELECT client_order_id FROM orders ORDER BY 1" | sort > store_ids
UNKNOWN=$(comm -23 venue_tags store_ids)
[ -z "$UNKNOWN" ] || fail "venue orders the store does not know: $UNKNOWN"
for cid in $(comm -13 venue_tags store_ids); do
  [ "$(q "SELECT status IN ('REJECTED', 'CANCELLED') AND filled = 0 FROM orders WHERE client_order_id = '$cid'")" = 1 ] \
    || fail "$cid never reached the venue but is $(q "SELECT status FROM orders WHERE client_order_id = '$cid'")"
done
[ "$(jq .duplicate_tags <<< "$S")" = 0 ] || fail "a client_order_id reached the venue twice"
[ "$(jq '[.positions[] | select(.quantity != 0)] | length' <<< "$S")" = 0 ] \
  || fail "venue not flat: $(jq -c .positions <<< "$S")"
[ "$(jq .open_orders <<< "$S")" = 0 ] || fail "orders still open at the venue"
FILLS=$(q "SELECT count(*) FROM fills")
# Rupee amounts to the paisa, never floating-point residue such as 3.27e-10.
kite /portfolio/positions > positions.json
NOISE=$(jq -r '.data.net[] | [.pnl, .m2m, .realised, .unrealised, .value] | .[] | tostring' positions.json \
  | grep -E 'e-|\.[0-9]{3,}' || true)
[ -z "$NOISE" ] || fail "positions carry float noise: $NOISE"
MANUAL_IDS=$(jq -c '[.data[] | select(.tag | startswith("MANUAL")) | .order_id]' venue_orders)
TRADES=$(kite /trades | jq --argjson m "$MANUAL_IDS" '[.data[] | select(.order_id as $o | $m | index($o) | not)] | length')
[ "$TRADES" = "$FILLS" ] || fail "venue has $TRADES trades, store $FILLS fills"
grep -q "open positions 0" run.log || fail "engine not flat at the end"
[ "$(jq .rate_limited <<< "$S")" -le "$MAX_429" ] || fail "$(jq .rate_limited <<< "$S") requests hit 429"
# The position reconciliation never cries wolf: only the manual trade makes the books disagree.
if [ "$CASE" != manual_trade ]; then
  FALSE=$(q "SELECT reason FROM risk_events WHERE check_name = 'DEGRADED' AND reason LIKE 'position_mismatch%' LIMIT 1")
  [ -z "$FALSE" ] || fail "entries paused for a position mismatch: $FALSE"
fi
retries() { metric "trader_retries_total{type=\"$1\"}"; }
DETAIL=""
case "$CASE" in
  lost_response)
    [ "$(retries lookup_by_tag)" -ge 1 ] || fail "the adapter never looked the lost order up by tag"
    ;;
  ws_drop)
    [ "$(retries ws_reconnect)" -ge 1 ] || fail "the ticker did not reconnect"
    # At 100x a bar's 2 s close grace is 20 ms of wall time, which a loaded machine (four tests
    # at once on two cores) can miss for a tick or two, drop or no drop: up to 3 of the 1,200.
    LATE=$(metric trader_marketdata_late_ticks_total)
    [ "$LATE" -le 3 ] || fail "$LATE ticks landed outside their bars"
    grep -q '"message":"Kite ticker disconnected' logs/aitrapp.log || fail "no log line for the drop"
    grep -q '"message":"Kite ticker reconnected"' logs/aitrapp.log || fail "no log line for the reconnect"
    evidence ws_reconnects "$(retries ws_reconnect)"
    evidence late_ticks "$LATE"
    DETAIL="ws reconnect attempts $(retries ws_reconnect)"
    ;;
  refuse)
    [ "$(retries venue_error)" -ge 1 ] || fail "the adapter never met the refused connections"
    evidence venue_errors_retried "$(retries venue_error)"
    DETAIL="$(retries venue_error) requests failed and were retried"
    ;;
  stale_limit)
    BAND=$(q "SELECT client_order_id || ' ' || plan_id FROM orders WHERE status = 'REJECTED' AND reason LIKE '%price band%' LIMIT 1")
    [ -n "$BAND" ] || fail "no LIMIT was rejected as outside the band"
    read -r CID PLAN <<< "$BAND"
    [ "$(kite /orders | jq --arg t "$CID" '[.data[] | select(.tag == $t)] | length')" = 1 ] \
      || fail "the rejected order has more than one venue row"
    ATTEMPTS=$(q "SELECT count(*) FROM orders WHERE plan_id = '$PLAN' AND role = 'ENTRY'")
    [ "$ATTEMPTS" -le 4 ] || fail "$ATTEMPTS entry attempts for one plan (max_retries 3)"
    evidence rejected_order "$CID"
    evidence venue_rows_for_it 1
    evidence entry_attempts "$ATTEMPTS"
    DETAIL="rejected $CID, $ATTEMPTS entry attempt(s) for its plan"
    ;;
  partial_fill)
    FIRST=$(kite /orders | jq -r '.data[0].order_id')
    H=$(kite "/orders/$FIRST")
    jq -e '[.data[] | select(.status == "OPEN" and .filled_quantity == 50 and .quantity > 50)] | length > 0' \
      <<< "$H" > /dev/null || fail "the first order was never partly filled: $(jq -c '[.data[] | [.status, .filled_quantity, .quantity]]' <<< "$H")"
    jq -e '[.data[] | select(.status == "MODIFIED")] | length > 0' <<< "$H" > /dev/null \
      || fail "the remainder of the partly filled order was not repriced"
    # Repriced within the rules: on the 0.05 tick, inside the freeze quantity (configs/app.yaml).
    OFF=$(jq -c '[.data[] | select(.status == "MODIFIED")
      | select(((.price * 100 | round) % 5 != 0)
               or .quantity > (if .tradingsymbol | startswith("BANKNIFTY") then 1200 else 1800 end))
      | {price, quantity}]' <<< "$H")
    [ "$OFF" = "[]" ] || fail "repriced off the tick or past the freeze quantity: $OFF"
    TAG=$(jq -r '.data[0].tag' <<< "$H")
    PLAN=$(q "SELECT plan_id FROM orders WHERE client_order_id = '$TAG'")
    # The first child placed for the plan protects the filled part only.
    CHILD=$(q "SELECT venue_order_id FROM orders WHERE plan_id = '$PLAN' AND role = 'SL' ORDER BY created_ms LIMIT 1")
    [ "$(kite "/orders/$CHILD" | jq '.data[0].quantity')" = 50 ] || fail "the stop was not sized to the filled 50"
    evidence partly_filled_order "$FIRST"
    evidence first_stop_qty 50
    evidence repriced_price "$(jq '[.data[] | select(.status == "MODIFIED")][0].price' <<< "$H")"
    DETAIL="order $FIRST: 50 filled, remainder repriced; stop first placed for 50"
    ;;
  token_expiry)
    PAUSED=$(q "SELECT min(id) FROM risk_events WHERE check_name = 'DEGRADED' AND reason LIKE 'venue_token%'")
    RESUMED=$(q "SELECT min(id) FROM risk_events WHERE check_name = 'RECOVERED' AND reason = 'venue_token'")
    [ "$(retries token_refresh)" -ge 1 ] || fail "no token refresh was counted"
    S2=$(stats)
    [ "$(jq .token_errors <<< "$S2")" -le 20 ] || fail "$(jq .token_errors <<< "$S2") requests refused with 403: a retry storm"
    DETAIL="paused at risk event $PAUSED, resumed at $RESUMED, $(jq .token_errors <<< "$S2") requests refused with 403"
    ;;
  manual_trade)
    FROM=$(mismatch DEGRADED) TO=$(mismatch RECOVERED)
    DURING=$(q "SELECT count(*) FROM orders WHERE role = 'ENTRY' AND created_ms > $FROM AND created_ms < $TO")
    [ "$DURING" = 0 ] || fail "$DURING entries were sent while the positions disagreed"
    DETAIL="entries paused for $(((TO - FROM) / 1000)) exchange seconds of disagreement"
    ;;
  rate_limit)
    [ "$(retries rate_limited)" -ge 1 ] || fail "the adapter saw no 429"
    DETAIL="$(retries rate_limited) requests answered 429 and retried"
    ;;
  illiquidity)
    BLOCKS=$(q "SELECT count(*) FROM risk_events WHERE check_name = 'SPREAD_ILLIQUID'")
    SENT=$(q "SELECT count(*) FROM orders WHERE role = 'ENTRY' AND created_ms BETWEEN $WIDE_FROM AND $WIDE_TO")
    [ "$SENT" = 0 ] || fail "$SENT entries sent while the spread was wide"
    AFTER=$(q "SELECT count(*) FROM orders WHERE role = 'ENTRY' AND created_ms > $WIDE_TO")
    [ "$(q "SELECT count(*) FROM risk_events WHERE check_name = 'SPREAD_BLOWOUT'")" = 0 ] \
      || fail "the widened spread counted as a blowout: the drill tested the wrong limit"
    evidence spread_illiquid_blocks "$BLOCKS"
    evidence entries_while_wide "$SENT"
    evidence wide_exchange_s $(((WIDE_TO - WIDE_FROM) / 1000))
    evidence entries_after "$AFTER"
    DETAIL="$BLOCKS SPREAD_ILLIQUID block(s) in $(((WIDE_TO - WIDE_FROM) / 1000)) exchange s of wide quotes, 0 entries sent then, $AFTER after"
    ;;
  band_jump)
    BLOCKS=$(q "SELECT count(*) FROM risk_events WHERE check_name = 'FREEZE_BAND' AND reason LIKE '%circuit limits%'")
    BLOCK=$(q "SELECT reason FROM risk_events WHERE check_name = 'FREEZE_BAND' AND reason LIKE '%circuit limits%' LIMIT 1")
    # Until the engine has read the new band (one reconciliation round) an order may still meet
    # the old one; once it has, nothing it sends is refused for the band.
    LATE_REJECTS=$(q "SELECT count(*) FROM orders WHERE status = 'REJECTED' AND reason LIKE '%circuit limits%' AND created_ms >= $LEARNED_AT")
    [ "$LATE_REJECTS" = 0 ] || fail "$LATE_REJECTS orders sent after the engine knew the band were rejected for it"
    # While the engine knows the narrow band, an entry goes out only when its whole bracket
    # (entry, stop, target) lies inside it: where the band sits depends on the last price at the
    # jump, so some brackets may fit, and those are sent (and, above, not rejected).
    OUTSIDE=$(jq -r '[.bands | to_entries[] | "(d.symbol = '"'"'\(.key)'"'"' AND (min(CAST(d.entry AS REAL), CAST(d.stop AS REAL), CAST(d.target AS REAL)) < \(.value.lower_circuit_limit) OR max(CAST(d.entry AS REAL), CAST(d.stop AS REAL), CAST(d.target AS REAL)) > \(.value.upper_circuit_limit)))"] | join(" OR ")' bands.json)
    NARROW_ENTRIES=$(q "SELECT count(*) FROM orders o JOIN decisions d ON d.plan_id = o.plan_id WHERE o.role = 'ENTRY' AND o.created_ms >= $LEARNED_AT AND o.created_ms < $WIDE_AT AND ($OUTSIDE)")
    [ "$NARROW_ENTRIES" = 0 ] || fail "$NARROW_ENTRIES entries sent with a bracket outside the known 0.1% band"
    FITTING=$(q "SELECT count(*) FROM orders WHERE role = 'ENTRY' AND created_ms >= $LEARNED_AT AND created_ms < $WIDE_AT")
    ENTRIES_AFTER=$(q "SELECT count(*) FROM orders WHERE role = 'ENTRY' AND created_ms >= $WIDE_AT")
    evidence learned_after_exchange_ms $((LEARNED_AT - JUMP_AT))
    evidence freeze_band_blocks "$BLOCKS"
    evidence venue_circuit_rejects "$(jq .circuit_rejects <<< "$S")"
    evidence rejects_after_learned "$LATE_REJECTS"
    evidence entries_outside_narrow_band "$NARROW_ENTRIES"
    evidence entries_fitting_narrow_band "$FITTING"
    evidence entries_after_widened "$ENTRIES_AFTER"
    evidence duplicate_tags "$(jq .duplicate_tags <<< "$S")"
    DETAIL="band to $(jq -c '.bands.NIFTY_F1 | [.lower_circuit_limit, .upper_circuit_limit]' bands.json) known $(((LEARNED_AT - JUMP_AT) / 1000)) exchange s later; $BLOCKS FREEZE_BAND block(s) ('$BLOCK'), venue band rejects $(jq .circuit_rejects <<< "$S") ($LATE_REJECTS after), 0 entries reaching outside it ($FITTING fitting inside), $ENTRIES_AFTER after it widened"
    ;;
  ws_flap_children)
    [ "$(retries ws_reconnect)" -ge 1 ] || fail "the ticker did not reconnect"
    # The first order to complete after the fault was armed is the entry whose fill cut the
    # ticker: its stop-loss and target must each be placed once, the fill seen again after the
    # reconnect placing nothing more (EOD tightening and repricing modify a leg, never add one).
    PLAN=$(q "SELECT o.plan_id FROM fills f JOIN orders o USING (client_order_id) ORDER BY f.time_ms, f.fill_id LIMIT 1")
    LEGS=$(q "SELECT group_concat(role || ':' || n) FROM (SELECT role, count(*) AS n FROM orders
      WHERE plan_id = '$PLAN' AND role IN ('SL', 'TP') GROUP BY role ORDER BY role)")
    [ "$LEGS" = "SL:1,TP:1" ] || fail "the flapped entry $PLAN has legs ${LEGS:-none}, not one SL and one TP"
    OVER=$(q "SELECT count(*) FROM risk_events WHERE check_name = 'OVERFILL'")
    [ "$OVER" = 0 ] || fail "$OVER overfills: a duplicate leg filled"
    evidence flapped_plan "$PLAN"
    evidence legs_of_flapped_entry "$LEGS"
    evidence ws_reconnects "$(retries ws_reconnect)"
    evidence duplicate_tags "$(jq .duplicate_tags <<< "$S")"
    DETAIL="entry $PLAN filled as the ticker was cut: its SL and TP placed once each; $(retries ws_reconnect) reconnect(s)"
    ;;
  kill_churn)
    DURATION=$(jq .duration_ms flatten.json) CLOSED=$(jq .positions_closed flatten.json)
    [ "$DURATION" -le 2000 ] || fail "the flatten took $DURATION ms"
    [ "$CLOSED" -ge 1 ] || fail "the flatten closed no position: $(cat flatten.json)"
    evidence fills_before_kill "$FILLS_BEFORE"
    evidence flatten_duration_ms "$DURATION"
    evidence venue_flat_wall_ms "$FLAT_WALL_MS"
    evidence positions_closed "$CLOSED"
    evidence entries_before_resume "$BLOCKED"
    DETAIL="flatten after $FILLS_BEFORE fills: $CLOSED position(s) closed in $DURATION ms, venue flat in $FLAT_WALL_MS ms of wall time; 0 entries until resume"
    ;;
  eod_race | clock_skew)
    at() { q "SELECT min(time_ms) FROM risk_events WHERE kind = 'EOD' AND check_name = '$1'"; }
    # 2022-04-01 15:20 and 15:25 IST in epoch ms.
    TIGHTEN=1648806600000 FLAT=1648806900000
    # The engine acts at the first step at or after the time: never before it, and at 100x within
    # 5 exchange seconds (50 ms of wall time) on a busy machine.
    within() { [ -n "$1" ] && [ "$1" -ge "$2" ] && [ "$1" -le $(($2 + 5000)) ]; }
    within "$(at TIGHTEN)" $TIGHTEN || fail "tighten at '$(at TIGHTEN)', not 15:20:00-05 IST ($TIGHTEN)"
    within "$(at HARD_FLAT)" $FLAT || fail "hard flat at '$(at HARD_FLAT)', not 15:25:00-05 IST ($FLAT)"
    # Open in the 15:19 minute: its entry filled before 15:20, and no exit leg had filled when
    # the tighten came.
    OPEN=$(q "SELECT count(DISTINCT g.plan_id) FROM oco_groups g WHERE g.plan_id IN
      (SELECT o.plan_id FROM orders o JOIN fills f ON f.client_order_id = o.client_order_id
       WHERE o.role = 'ENTRY' AND f.time_ms < $TIGHTEN)
      AND NOT EXISTS (SELECT 1 FROM fills f JOIN orders o ON o.client_order_id = f.client_order_id
       WHERE o.plan_id = g.plan_id AND o.role <> 'ENTRY' AND f.time_ms < $TIGHTEN)")
    [ "$OPEN" -ge 1 ] || fail "no position was open at 15:19: the race was not run"
    TIGHTENED=$(q "SELECT COUNT(*) FROM oco_groups g JOIN decisions d USING (plan_id)
      JOIN orders o ON o.client_order_id = g.sl_id WHERE g.stop <> d.stop AND o.trigger_price = g.stop")
    [ "$TIGHTENED" -ge 1 ] || fail "no stop was tightened at 15:20"
    # The hard flat cancels each position's children, then sends its exit once the venue has
    # confirmed the cancels (the adapter confirms after a trade-book read, whose limit runs on
    # wall time). Flat within the runbook's 2 s of the hard flat, in wall time: at 100x a wall
    # second is 100 exchange seconds. The venue's own trade times (Kite's fill_timestamp, IST)
    # say when it was flat; the engine books a fill when it reads them.
    FLAT_AT=$(at HARD_FLAT) WALL_2S=$((2000 * SPEED))
    LATE_EXIT=$(q "SELECT count(*) FROM orders WHERE role = 'EXIT' AND created_ms > $FLAT_AT + $WALL_2S")
    [ "$LATE_EXIT" = 0 ] || fail "$LATE_EXIT closing orders sent more than 2 s of wall time after the hard flat ($FLAT_AT)"
    EXIT_LAG=$(q "SELECT coalesce(max(created_ms), $FLAT_AT) - $FLAT_AT FROM orders WHERE role = 'EXIT' AND created_ms >= $FLAT_AT")
    LAST_TRADE=$(kite /trades | jq -r '[.data[].fill_timestamp] | max')
    VENUE_LAST=$(($(TZ=Asia/Kolkata date -d "$LAST_TRADE" +%s) * 1000))
    [ "$VENUE_LAST" -le $((FLAT + WALL_2S)) ] || fail "a trade at $LAST_TRADE IST, more than 2 s of wall time after 15:25"
    LAST_FILL=$(q "SELECT max(time_ms) FROM fills")
    [ "$LAST_FILL" -le $((FLAT + 3000 * SPEED)) ] || fail "the engine booked a fill at $LAST_FILL, more than 3 s of wall time after 15:25"
    LATE=$(q "SELECT count(*) FROM orders WHERE role = 'ENTRY' AND created_ms >= $TIGHTEN")
    [ "$LATE" = 0 ] || fail "$LATE entries sent after 15:20"
    evidence open_at_1519 "$OPEN"
    evidence tighten_late_ms $(($(at TIGHTEN) - TIGHTEN))
    evidence hard_flat_late_ms $(($(at HARD_FLAT) - FLAT))
    evidence stops_tightened "$TIGHTENED"
    evidence last_exit_sent_after_flat_ms "$EXIT_LAG"
    evidence last_trade_after_flat_ms $((VENUE_LAST - FLAT))
    evidence exchange_speed "$SPEED"
    evidence last_fill_booked_after_flat_ms $((LAST_FILL - FLAT))
    evidence process_tz "${TZ:-unset}"
    CLOSED_AT_FLAT=$(q "SELECT count(*) FROM orders WHERE role = 'EXIT' AND created_ms >= $FLAT_AT")
    evidence closed_at_hard_flat "$CLOSED_AT_FLAT"
    if [ "$VENUE_LAST" -le "$FLAT" ]; then
      WHEN="the last trade $(((FLAT - VENUE_LAST) / 1000)) s before 15:25"
    else
      WHEN="the last trade $(((VENUE_LAST - FLAT) / 1000)) s after 15:25"
    fi
    DETAIL="TZ=${TZ:-unset}: $OPEN position(s) open at 15:19, $TIGHTENED stop(s) tightened at 15:20 IST, $CLOSED_AT_FLAT closed by the 15:25 flat, $WHEN"
    ;;
esac
# What the runbooks grep the log for, with the instance that wrote each line.
LOG=logs/aitrapp.log
grep -q '"message":"Mode switched to LIVE"' $LOG || fail "no 'Mode switched to LIVE' in the log"
grep -i recover $LOG | grep '"message":"Recovering 0 open positions"' > /dev/null \
  || fail "no recovery line in the log"
[ "$(jq -r 'select(.instance == null) | .event' $LOG | head -1)" = "" ] \
  || fail "log lines without the instance id"
kill "$RUN_PID"; wait "$RUN_PID" 2> /dev/null || true; RUN_PID=
"$BIN" reconcile --db run.sqlite > reconcile.txt || fail "reconcile: $(cat reconcile.txt)"
"$BIN" idempotency-check --db run.sqlite > idempotency.txt || fail "idempotency-check: $(cat idempotency.txt)"
evidence orders "$ORDERS"
evidence fills "$FILLS"
evidence duplicate_tags "$(jq .duplicate_tags <<< "$S")"
evidence venue_open_orders "$(jq .open_orders <<< "$S")"
evidence reconcile clean
echo "kite $CASE: $ORDERS orders, $FILLS fills, flat, no duplicate tags, reconcile clean" \
  "(venue: $(jq -c '{requests,rate_limited,token_errors}' <<< "$S"))${DETAIL:+; $DETAIL}"
