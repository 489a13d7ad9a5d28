#!/usr/bin/env bash
# End-to-end tests of `aitrapp paper` through the real binary, SQLite store and simulated venue.
# Usage: cli_test.sh CASE AITRAPP_BINARY SOURCE_DIR
set -euo pipefail
CASE=$1
BIN=$2
SRC=$3
WORK=$(mktemp -d "${TMPDIR:-/tmp}/aitrapp-cli.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
DAY="$SRC/data/nse/2022-04-01"
fail() { echo "FAIL: $*" >&2; exit 1; }
q() { sqlite3 "$1" "$2"; }
# The embedded default, with its log file redirected into the work directory.
sed "s#log_file: logs/aitrapp.log#log_file: $WORK/aitrapp.log#" "$SRC/configs/app.yaml" > app.yaml

case "$CASE" in
determinism)
  "$BIN" paper --config app.yaml --data "$DAY" --db a.sqlite --summary-json a.json > /dev/null
  "$BIN" paper --config app.yaml --data "$DAY" --db b.sqlite --summary-json b.json > /dev/null
  [ "$(jq -r .digest a.json)" = "$(jq -r .digest b.json)" ] || fail "two runs of the same day differ"
  [ "$(jq -r .orders a.json)" -gt 0 ] || fail "no orders: the digest would prove nothing"
  # Same plan -> same client_order_ids, byte for byte.
  [ "$(q a.sqlite 'SELECT group_concat(client_order_id) FROM (SELECT client_order_id FROM orders ORDER BY 1)')" = \
    "$(q b.sqlite 'SELECT group_concat(client_order_id) FROM (SELECT client_order_id FROM orders ORDER BY 1)')" ] \
    || fail "client_order_ids differ between runs"
  sed 's/max_spread_bps: 10 /max_spread_bps: 11 /' app.yaml > changed.yaml
  "$BIN" paper --config changed.yaml --data "$DAY" --db c.sqlite --summary-json c.json > /dev/null
  [ "$(jq -r .config_sha a.json)" != "$(jq -r .config_sha c.json)" ] || fail "config change kept config_sha"
  [ "$(jq -r .config_sha a.json)" = "$(q a.sqlite 'SELECT DISTINCT config_sha FROM orders')" ] \
    || fail "orders do not carry the run's config_sha"
  echo "digest $(jq -r .digest a.json) twice; config_sha $(jq -r .config_sha a.json) -> $(jq -r .config_sha c.json)"
  ;;

eod_tz)
  # Caps lifted so that a position is open through 15:20 on 2022-04-01; a tight EOD distance so
  # that the tighten moves its stop. 15:20 IST = 09:50 UTC, 15:25 IST = 09:55 UTC.
  sed -e 's/max_decisions_per_day: 12/max_decisions_per_day: 1000/' -e 's/daily_loss_pct: 2.0 /daily_loss_pct: 20 /' \
    -e 's/max_drawdown_pct: 3.0 /max_drawdown_pct: 50 /' -e 's/tighten_bps: 5 /tighten_bps: 2 /' app.yaml > eod.yaml
  TIGHTEN=1648806600000
  FLAT=1648806900000
  for tz in UTC America/New_York; do
    db="eod-${tz//\//_}.sqlite"
    TZ=$tz "$BIN" paper --config eod.yaml --data "$DAY" --db "$db" --summary-json s.json > /dev/null
    [ "$(q "$db" "SELECT time_ms FROM risk_events WHERE kind='EOD' AND check_name='TIGHTEN'")" = $TIGHTEN ] \
      || fail "TZ=$tz: no tighten at 15:20 IST"
    [ "$(q "$db" "SELECT time_ms FROM risk_events WHERE check_name='REDUCING'")" = $TIGHTEN ] \
      || fail "TZ=$tz: not REDUCING at 15:20 IST"
    [ "$(q "$db" "SELECT time_ms FROM risk_events WHERE kind='EOD' AND check_name='HARD_FLAT'")" = $FLAT ] \
      || fail "TZ=$tz: no hard flat at 15:25 IST"
    tightened=$(q "$db" "SELECT COUNT(*) FROM oco_groups g JOIN decisions d USING (plan_id)
      JOIN orders o ON o.client_order_id = g.sl_id WHERE g.stop <> d.stop AND o.trigger_price = g.stop")
    [ "$tightened" -ge 1 ] || fail "TZ=$tz: no stop was tightened at 15:20"
    exits=$(q "$db" "SELECT COUNT(*) FROM orders WHERE role='EXIT' AND created_ms BETWEEN $FLAT AND $((FLAT + 1000))")
    [ "$exits" -ge 1 ] || fail "TZ=$tz: no position was open to flatten at 15:25"
    last_fill=$(q "$db" "SELECT MAX(time_ms) FROM fills")
    [ "$last_fill" -le $((FLAT + 5000)) ] || fail "TZ=$tz: a fill after 15:25:05 IST"
    [ "$(jq .open_orders_after_eod s.json)" = 0 ] || fail "TZ=$tz: open orders after EOD"
    [ "$(jq .open_positions_after_eod s.json)" = 0 ] || fail "TZ=$tz: open positions after EOD"
    echo "TZ=$tz: REDUCING at 15:20 IST, $tightened stop(s) tightened, $exits exit(s) at 15:25, last fill" \
      "$(TZ=Asia/Kolkata date -d @$((last_fill / 1000)) +%T).$((last_fill % 1000)) IST"
  done
  ;;

bad_input)
  expect_2() {  # expect_2 NAME PATTERN ARGS...: exit status 2, message, nothing in the store
    local name=$1 pattern=$2
    shift 2
    set +e
    "$BIN" paper --config app.yaml --db "$name.sqlite" "$@" > out.txt 2> err.txt
    local rc=$?
    set -e
    [ $rc = 2 ] || fail "$name: exit $rc, expected 2"
    grep -qF -- "$pattern" err.txt || fail "$name: '$(cat err.txt)' does not name '$pattern'"
    [ ! -e "$name.sqlite" ] || fail "$name: the store was written"
    echo "$name: $(head -1 err.txt)"
  }
  mkdir -p day
  cp "$DAY"/*.csv day/
  sed -i '41s/^\(NIFTY_F1,20220401,[0-9:]*\),\([0-9.]*\),/\1,abc,/' day/2022-04-01_NIFTY_F1.csv
  expect_2 malformed_row "2022-04-01_NIFTY_F1.csv:41: bad open 'abc'" --data day
  cp "$DAY"/*.csv day/
  sed -i '100s/,[0-9]*$//' day/2022-04-01_BANKNIFTY_F1.csv
  expect_2 missing_column "2022-04-01_BANKNIFTY_F1.csv:100: expected 9 fields, got 8" --data day
  cp "$DAY"/*.csv day/
  sed 's/^NIFTY_F1,/FINNIFTY_F1,/; 1s/^.*$/symbol,date,time,open,high,low,close,volume,oi/' \
    "$DAY/2022-04-01_NIFTY_F1.csv" > day/2022-04-01_FINNIFTY_F1.csv
  expect_2 unknown_instrument "unknown instrument 'FINNIFTY_F1'" --data day
  sed 's/per_trade_risk_pct: 0.5 /per_trade_risk_pct: 7 /' app.yaml > bad.yaml
  set +e
  "$BIN" paper --config bad.yaml --data "$DAY" --db cfg.sqlite 2> err.txt > /dev/null
  rc=$?
  set -e
  [ $rc = 2 ] || fail "config out of range: exit $rc"
  grep -qF "'risk.per_trade_risk_pct' = 7.00 is out of range" err.txt || fail "config error: $(cat err.txt)"
  [ ! -e cfg.sqlite ] || fail "config error: the store was written"
  echo "config_out_of_range: $(cat err.txt)"
  # The same minutes twice: one file given twice, or a conflicting copy of a minute elsewhere.
  rm -f day/*.csv
  cp "$DAY"/*.csv day/
  expect_2 duplicate_file "2022-04-01_NIFTY_F1.csv:2: duplicate bar: NIFTY_F1 2022-04-01T09:16:00.000+05:30 is also at day/2022-04-01_NIFTY_F1.csv:2" --data day --data day/2022-04-01_NIFTY_F1.csv
  mkdir -p extra
  { head -1 "$DAY/2022-04-01_NIFTY_F1.csv"; sed -n 50p "$DAY/2022-04-01_NIFTY_F1.csv" | sed 's/,[0-9]*,[0-9]*$/,1,1/'; } \
    > extra/late_fix.csv
  expect_2 duplicate_minute "extra/late_fix.csv:2: duplicate bar: NIFTY_F1" --data day --data extra
  # A 1.00 bar in a 17,000 market is a bad row, not a price.
  sed -i '100s/^\(NIFTY_F1,20220401,[0-9:]*\),[^,]*,[^,]*,[^,]*,[^,]*,/\1,1.00,1.00,1.00,1.00,/' \
    day/2022-04-01_NIFTY_F1.csv
  expect_2 price_band "2022-04-01_NIFTY_F1.csv:100: NIFTY_F1 bar at" --data day
  grep -qF "leaves the band of 10" err.txt || fail "price_band: $(cat err.txt)"
  cp "$DAY"/*.csv day/
  sed -i '50s/^NIFTY_F1,20220401,/NIFTY_F1,20220402,/' day/2022-04-01_NIFTY_F1.csv
  expect_2 date_change "2022-04-01_NIFTY_F1.csv:50: date 20220402 differs from 20220401 earlier in the file" --data day
  # Binary and terminal escapes are quoted and cut, never echoed raw.
  rm -f day/*.csv
  { printf 'symbol,date,time,open,high,low,close,volume,oi\nNIFTY_F1,20220401,09:15,\033[2J'; head -c 2000 /dev/urandom | tr -d ',\n'; printf ',1,1,1,1,1\n'; } \
    > day/2022-04-01_NIFTY_F1.csv
  expect_2 binary_row "2022-04-01_NIFTY_F1.csv:2: bad open '\x1b[2J" --data day
  [ "$(wc -c < err.txt)" -lt 400 ] || fail "binary_row: a $(wc -c < err.txt)-byte message"
  ! grep -q $'\033' err.txt || fail "binary_row: a raw escape reached the message"
  # A log file that cannot be opened stops the start (exit 2) and names the key.
  : > not_a_dir
  sed "s#log_file: .*#log_file: $WORK/not_a_dir/x.log#" "$SRC/configs/app.yaml" > badlog.yaml
  set +e
  "$BIN" paper --config badlog.yaml --data "$DAY" --db badlog.sqlite > /dev/null 2> err.txt
  rc=$?
  set -e
  [ $rc = 2 ] || fail "unwritable log: exit $rc"
  grep -qF "app.log_file: cannot create the log directory $WORK/not_a_dir" err.txt || fail "unwritable log: $(cat err.txt)"
  [ ! -e badlog.sqlite ] || fail "unwritable log: the store was written"
  echo "unwritable_log: $(cat err.txt)"
  expect_2 missing_path "no such file or directory" --data "$WORK/nope"
  # `run` refuses a venue it cannot use before it opens a store: --live on the replay venue, Kite
  # without credentials, a venue that does not exist (named with the ones that do).
  run_2() {  # run_2 NAME PATTERN ARGS...
    local name=$1 pattern=$2
    shift 2
    set +e
    env -u KITE_API_KEY -u KITE_ACCESS_TOKEN "$BIN" run --config app.yaml --db "$name.sqlite" \
      --token-file "$name.token" "$@" > out.txt 2> err.txt
    local rc=$?
    set -e
    [ $rc = 2 ] || fail "$name: exit $rc, expected 2"
    grep -qF -- "$pattern" err.txt || fail "$name: '$(cat err.txt)' does not name '$pattern'"
    [ ! -e "$name.sqlite" ] && [ ! -e "$name.token" ] || fail "$name: something was written"
    echo "$name: $(head -1 err.txt)"
  }
  run_2 live_on_sim "--live needs a venue that takes orders; --venue sim is PAPER only" \
    --data "$DAY" --live
  run_2 kite_no_credentials "--venue kite needs KITE_API_KEY and KITE_ACCESS_TOKEN" --venue kite
  run_2 unknown_venue "--venue: nyse not in {sim,kite,bitget}" --venue nyse
  mkdir -p "$WORK/empty/day"
  expect_2 no_csv "holds no .csv files (nor do its subdirectories)" --data "$WORK/empty"
  ;;

reconcile)
  # A finished day with an order still live from before the 15:25 hard flat is a failure.
  "$BIN" paper --config app.yaml --data "$DAY" --db r.sqlite > /dev/null
  "$BIN" reconcile --db r.sqlite > clean.txt || fail "a clean day does not reconcile: $(cat clean.txt)"
  grep -q "^PASS  open_after_hard_flat (0 rows)" clean.txt || fail "no open_after_hard_flat check"
  SL=$(q r.sqlite "SELECT client_order_id FROM orders WHERE role = 'SL' AND status = 'CANCELLED' LIMIT 1")
  q r.sqlite "UPDATE orders SET status = 'WORKING' WHERE client_order_id = '$SL'"
  set +e
  "$BIN" reconcile --db r.sqlite > dirty.txt
  rc=$?
  set -e
  [ $rc = 1 ] || fail "reconcile passed a live order after the hard flat"
  grep -q "^FAIL  open_after_hard_flat (1 rows)" dirty.txt || fail "$(cat dirty.txt)"
  grep -q "live order | $SL | WORKING" dirty.txt || fail "the live order is not named: $(cat dirty.txt)"
  echo "reconcile names $SL, live after the hard flat"
  ;;

idempotency)
  # The runbook's "same plan -> same IDs, no duplicate client_order_id", from the store; then
  # one planted row for each way it can break, each named.
  "$BIN" paper --config app.yaml --data "$DAY" --db i.sqlite > /dev/null
  "$BIN" idempotency-check --db i.sqlite > clean.txt || fail "a clean day fails: $(cat clean.txt)"
  N=$(q i.sqlite "SELECT COUNT(*) FROM decisions")
  [ "$N" -gt 0 ] || fail "no decisions: nothing was derived"
  grep -q "^PASS  same_plan_same_plan_id: $N decisions" clean.txt || fail "$(cat clean.txt)"
  grep -q "^PASS  same_plan_same_client_order_ids: $(q i.sqlite "SELECT COUNT(*) FROM orders") orders" clean.txt \
    || fail "$(cat clean.txt)"
  planted() {  # NAME CHECK SQL WORD: the check fails and names WORD
    cp i.sqlite "$1.sqlite"
    q "$1.sqlite" "$3"
    set +e
    "$BIN" idempotency-check --db "$1.sqlite" > "$1.txt"
    rc=$?
    set -e
    [ $rc = 1 ] || fail "$1: exit $rc: $(cat "$1.txt")"
    grep -q "^FAIL  $2" "$1.txt" || fail "$1: $2 passes: $(cat "$1.txt")"
    grep -q "$4" "$1.txt" || fail "$1: $4 is not named: $(cat "$1.txt")"
  }
  planted order_id same_plan_same_client_order_ids \
    "UPDATE orders SET client_order_id = 'ATZZZZZZZZZZE00' WHERE client_order_id = (SELECT MIN(client_order_id) FROM orders)" \
    ATZZZZZZZZZZE00
  PLAN=$(q i.sqlite "SELECT MIN(plan_id) FROM decisions")
  planted plan_id same_plan_same_plan_id "UPDATE decisions SET plan_id = 'ZZZZZZZZZZ' WHERE plan_id = '$PLAN'" \
    "decision ZZZZZZZZZZ .* derives $PLAN, then $PLAN"
  planted two_live no_duplicate_client_order_id "
    UPDATE orders SET status = 'WORKING' WHERE client_order_id = (SELECT MIN(client_order_id) FROM orders WHERE role = 'SL');
    INSERT INTO orders SELECT substr(client_order_id, 1, 13) || 'ZZ', plan_id, parent_id, role, attempt, symbol, side,
      order_type, qty, limit_price, trigger_price, 'WORKING', venue_order_id, filled, filled_notional, reason, created_ms,
      sent_ms, acked_ms, updated_ms, send_count, cancel_requested, config_sha, trading_day FROM orders
      WHERE client_order_id = (SELECT MIN(client_order_id) FROM orders WHERE role = 'SL')" \
    "two live orders for SL"
  set +e
  "$BIN" idempotency-check --db i.sqlite --day 2022-04-04 > /dev/null 2> day.err
  rc=$?
  set -e
  [ $rc = 2 ] && grep -q "no such trading day" day.err || fail "a day the store lacks: exit $rc, $(cat day.err)"
  echo "$(head -2 clean.txt | tail -1)"
  ;;

crash_recovery)
  "$BIN" paper --config app.yaml --data "$DAY" --db crash.sqlite --speed 1500 --summary-json first.json \
    > first.out 2>&1 &
  pid=$!
  # Wait until a bracket is open at the venue, then kill -9 mid-day.
  for _ in $(seq 1 600); do
    open=$(sqlite3 crash.sqlite "SELECT COUNT(*) FROM oco_groups WHERE state='OPEN'" 2> /dev/null || echo 0)
    [ "${open:-0}" -ge 1 ] && break
    sleep 0.05
  done
  kill -9 $pid
  wait $pid 2> /dev/null || true
  [ ! -e first.json ] || fail "the first run finished before it was killed"
  before=$(q crash.sqlite "SELECT COUNT(*) FROM orders")
  open_before=$(q crash.sqlite "SELECT COUNT(*) FROM oco_groups WHERE net <> 0")
  "$BIN" paper --config app.yaml --data "$DAY" --db crash.sqlite --summary-json second.json > second.out 2> second.err \
    || fail "restart failed: $(cat second.err)"
  grep -q "Resuming 2022-04-01" second.out || fail "the restart did not resume the day"
  grep -q "\"message\":\"Recovering $open_before open positions\"" aitrapp.log || fail "no recovery log line"
  [ "$(jq .resumed second.json)" = true ] || fail "summary does not say resumed"
  for k in open_orders_after_eod open_positions_after_eod duplicate_client_order_ids orphan_oco_children \
    unprotected_positions; do
    [ "$(jq .$k second.json)" = 0 ] || fail "$k = $(jq .$k second.json) after recovery"
  done
  [ "$(jq '.invariant_violations | length' second.json)" = 0 ] || fail "invariant violations after recovery"
  # Every order the venue holds is exactly one engine order, and none was placed twice.
  [ "$(q crash.sqlite 'SELECT COUNT(*) FROM sim_venue_orders')" = "$(q crash.sqlite "SELECT COUNT(*) FROM orders WHERE status <> 'CANCELLED' OR venue_order_id <> '' OR reason NOT LIKE 'cancelled before%'")" ] \
    || fail "venue and engine disagree on the orders placed"
  echo "killed with $before orders and $open_before open positions; resumed: $(jq -c '{orders,fills,trades_closed,open_orders_after_eod,open_positions_after_eod,duplicate_client_order_ids}' second.json)"
  ;;

*)
  fail "unknown case $CASE"
  ;;
esac
echo "PASS: $CASE"
