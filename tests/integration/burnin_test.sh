#!/usr/bin/env bash
# The paper burn-in end to end through the real binary: consecutive bundled days on one store
# (each day as on a fresh store), the burn-in report against plain SQL and against planted
# violations, reconcile by day, the report in headless Chromium, a multi-day run killed at random
# points, the migration of a one-day store, and the same days on PostgreSQL.
# Usage: burnin_test.sh CASE AITRAPP_BINARY SOURCE_DIR OUTPUT_DIR [SERVERS_DIR]
set -euo pipefail
CASE=$1
BIN=$2
SRC=$3
OUT=$4/$CASE
SERVERS=${5:-}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/aitrapp-burnin.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
mkdir -p "$OUT"
fail() { echo "FAIL: $*${SEED:+ (kill schedule seed $SEED)}" >&2; exit 1; }
q() { sqlite3 "$1" "$2"; }
sed "s#log_file: logs/aitrapp.log#log_file: $WORK/aitrapp.log#" "$SRC/configs/app.yaml" > app.yaml
NSE="$SRC/data/nse"
THREE=("$NSE/2022-04-01" "$NSE/2022-04-04" "$NSE/2022-04-05")
data_args() { for d in "$@"; do printf -- '--data %s ' "$d"; done; }
# The report's value of one gate's number for one day.
gate() { jq -r --arg d "$2" --arg g "$3" --arg k "$4" \
  '.days[] | select(.trading_day == $d) | .gates[] | select(.gate == $g) | .numbers[$k]' "$1"; }
passed() { jq -r --arg d "$2" --arg g "$3" \
  '.days[] | select(.trading_day == $d) | .gates[] | select(.gate == $g) | .pass' "$1"; }

# Each day of the bundled three replayed alone on a fresh store: what a shared store must equal.
fresh_days() {
  for d in "${THREE[@]}"; do
    "$BIN" paper --config app.yaml --data "$d" --db "fresh-$(basename "$d").sqlite" \
      --summary-json "fresh-$(basename "$d").json" > /dev/null
  done
}
same_as_fresh() {  # SUMMARY_JSON (of a multi-day run)
  for d in "${THREE[@]}"; do
    day=$(basename "$d")
    for k in digest orders fills realized_pnl signals decisions trades_closed; do
      want=$(jq -r ".$k" "fresh-$day.json")
      got=$(jq -r --arg d "$day" ".days[] | select(.trading_day == \$d) | .$k" "$1")
      [ "$got" = "$want" ] || fail "$day on the shared store: $k $got, on a fresh store $want"
    done
  done
}

case "$CASE" in
days)
  fresh_days
  "$BIN" paper --config app.yaml $(data_args "${THREE[@]}") --db shared.sqlite --summary-json shared.json \
    > shared.out || fail "three days on one store failed: $(tail -5 shared.out)"
  same_as_fresh shared.json
  [ "$(grep -c '^Day .* summary' shared.out)" = 3 ] || fail "not one summary per day"
  grep -q "^Total over 3 days (2022-04-01 to 2022-04-05)" shared.out || fail "no total"
  total=$(jq -r '[.days[].orders] | add' shared.json)
  [ "$(jq -r .total.orders shared.json)" = "$total" ] || fail "the total's orders are not the days' sum"
  # A directory of day directories is the same run; run again, the store replays nothing.
  "$BIN" paper --config app.yaml --data "$NSE" --db all.sqlite --summary-json all.json > /dev/null
  [ "$(jq -r '.days | length' all.json)" = 5 ] || fail "data/nse is not five days"
  "$BIN" paper --config app.yaml $(data_args "${THREE[@]}") --db shared.sqlite > again.out
  [ "$(grep -c '^Nothing left to replay' again.out)" = 3 ] || fail "a finished day replayed again"
  [ "$(q shared.sqlite 'SELECT COUNT(*) FROM orders')" = "$total" ] || fail "the second run added orders"
  echo "3 days on one store equal 3 fresh stores: $(jq -c '[.days[] | {trading_day, orders, realized_pnl}]' shared.json)"

  # The report, against plain SQL over the store and the paper summaries.
  "$BIN" burnin-report --db shared.sqlite --days 3 --out rep > report.out
  R=rep/burnin-report-20220405.json
  for f in txt html json; do [ -s "rep/burnin-report-20220405.$f" ] || fail "no .$f written"; done
  for d in "${THREE[@]}"; do
    day=$(basename "$d")
    [ "$(gate $R "$day" signals_at_least_50 signals)" = "$(q shared.sqlite "SELECT COUNT(*) FROM signals WHERE trading_day='$day'")" ] \
      || fail "$day: signals differ from SQL"
    [ "$(gate $R "$day" decisions_at_least_3 decisions)" = "$(jq -r .decisions "fresh-$day.json")" ] \
      || fail "$day: decisions differ from the paper summary"
    paise_sql=$(q shared.sqlite "SELECT SUM(CAST(ROUND(realized * 100) AS INTEGER)) FROM positions WHERE trading_day='$day'")
    paise_rep=$(jq -r --arg d "$day" '.days[] | select(.trading_day == $d) | .counts.realized_pnl' $R \
      | awk '{printf "%d", ($1 < 0 ? $1 * 100 - 0.5 : $1 * 100 + 0.5)}')
    [ "$paise_rep" = "$paise_sql" ] || fail "$day: realized $paise_rep paise, SQL says $paise_sql"
    max_sql=$(q shared.sqlite "SELECT printf('%.2f', MAX(CAST(heat AS REAL))) FROM risk_samples WHERE trading_day='$day'")
    [ "$(gate $R "$day" heat_within_cap max_heat)" = "$max_sql" ] || fail "$day: max heat differs from SQL"
    [ "$max_sql" = "$(jq -r .max_heat "fresh-$day.json")" ] || fail "$day: stored max heat $max_sql, engine's $(jq -r .max_heat "fresh-$day.json")"
    [ "$(passed $R "$day" per_trade_risk_enforced)" = true ] || fail "$day: per-trade risk gate failed"
  done
  [ "$(jq -r .overall.pass $R)" = true ] || fail "the bundled days fail: $(jq -c .overall.failed_gates $R)"
  "$BIN" burnin-report --db shared.sqlite --days 3 --out rep2 > /dev/null
  for f in txt html json; do
    cmp -s "rep/burnin-report-20220405.$f" "rep2/burnin-report-20220405.$f" || fail "the .$f differs on a second run"
  done
  "$BIN" burnin-report --db shared.sqlite --day 2022-04-04 --out rep3 > /dev/null
  [ "$(jq -r '.days | length' rep3/burnin-report-20220404.json)" = 1 ] || fail "--day does not report one day"
  "$BIN" burnin-report --db shared.sqlite --day 2022-04-02 > nope.out 2> nope.err && fail "a missing day was reported"
  grep -q "no such trading day" nope.err || fail "a missing day: $(cat nope.err)"

  # Planted violations, one per copy of the store: the matching gate fails, --strict exits 1.
  plant() {  # NAME GATE SQL
    cp shared.sqlite "$1.sqlite"
    q "$1.sqlite" "$3"
    set +e
    "$BIN" burnin-report --db "$1.sqlite" --day 2022-04-04 --out "$1" --strict > "$1.out"
    rc=$?
    set -e
    [ $rc = 1 ] || fail "$1: --strict exited $rc"
    [ "$(passed "$1/burnin-report-20220404.json" 2022-04-04 "$2")" = false ] || fail "$1: $2 still passes"
    grep -q "FAIL  $2" "$1.out" || fail "$1: the text does not show $2 failing"
    echo "planted $1: $(grep "FAIL  $2" "$1.out" | head -1 | sed 's/  */ /g')"
  }
  plant orphan no_orphan_oco_siblings "UPDATE orders SET status = 'WORKING' WHERE client_order_id =
    (SELECT o.client_order_id FROM orders o JOIN oco_groups g USING (plan_id) WHERE o.trading_day = '2022-04-04'
     AND o.role = 'TP' AND o.status = 'CANCELLED' AND g.state = 'CLOSED' ORDER BY 1 LIMIT 1)"
  # Two live orders for one leg (the id itself is the primary key: a second row cannot exist).
  plant duplicate no_duplicate_client_order_id "
    UPDATE orders SET status = 'WORKING' WHERE trading_day = '2022-04-04' AND role = 'ENTRY' AND client_order_id =
    (SELECT MIN(client_order_id) FROM orders WHERE trading_day = '2022-04-04' AND role = 'ENTRY');
    INSERT INTO orders SELECT 'ATDUPLICATE0002', plan_id, parent_id, role, attempt + 1, symbol, side, order_type,
    qty, limit_price, trigger_price, 'WORKING', venue_order_id, filled, filled_notional, reason, created_ms, sent_ms,
    acked_ms, updated_ms, send_count, cancel_requested, config_sha, trading_day FROM orders WHERE client_order_id =
    (SELECT MIN(client_order_id) FROM orders WHERE trading_day = '2022-04-04' AND role = 'ENTRY')"
  plant heat heat_within_cap "UPDATE risk_samples SET heat = '25000.00' WHERE trading_day = '2022-04-04'
    AND minute_ms = (SELECT MIN(minute_ms) FROM risk_samples WHERE trading_day = '2022-04-04' AND heat <> '0.00')"
  # reconcile, one day at a time: the latest by default, a named day, or every day; a live leg
  # left by an earlier day is a problem of every later day too.
  "$BIN" reconcile --db shared.sqlite > rec.out || fail "the three days do not reconcile: $(grep FAIL rec.out)"
  grep -q "trading day 2022-04-05$" rec.out || fail "reconcile did not check the latest day: $(head -1 rec.out)"
  "$BIN" reconcile --db orphan.sqlite --day 2022-04-01 > rec1.out \
    || fail "2022-04-01 is clean, yet: $(grep FAIL rec1.out)"
  for d in "--day 2022-04-04" "--day 2022-04-05" --all-days; do
    # shellcheck disable=SC2086
    if "$BIN" reconcile --db orphan.sqlite $d > rec2.out; then fail "reconcile $d passed the planted orphan"; fi
    grep -q '^FAIL  orphan_oco_siblings (1 rows)' rec2.out || fail "reconcile $d: $(grep FAIL rec2.out)"
  done
  set +e
  "$BIN" reconcile --db shared.sqlite --day 2022-04-02 > /dev/null 2> rec3.err
  rc=$?
  set -e
  [ $rc = 2 ] && grep -q "no such trading day" rec3.err || fail "reconcile of a missing day: exit $rc, $(cat rec3.err)"
  cp rep/burnin-report-20220405.* "$OUT/"
  ;;

fill_model)
  # The bar fill model on all five bundled days: no bracket loses more than twice its planned
  # risk unless its stop was gapped through (filled further from its trigger than the slippage).
  "$BIN" paper --config app.yaml --data "$NSE" --db five.sqlite > /dev/null
  over=$(q five.sqlite "SELECT g.plan_id || ' ' || g.realized || ' vs risk ' || d.risk FROM oco_groups g
    JOIN decisions d USING (plan_id) WHERE g.state = 'CLOSED' AND CAST(g.realized AS REAL) < -2 * CAST(d.risk AS REAL)
    AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.plan_id = g.plan_id AND o.role = 'SL' AND o.filled > 0 AND
      ABS(CAST(o.filled_notional AS REAL) / o.filled - CAST(o.trigger_price AS REAL)) > 0.05 + 1e-9)")
  [ -z "$over" ] || fail "brackets lost more than 2 R without a gapped stop: $over"
  worst=$(q five.sqlite "SELECT printf('%.2f', MIN(CAST(g.realized AS REAL) / CAST(d.risk AS REAL))) FROM oco_groups g
    JOIN decisions d USING (plan_id) WHERE g.state = 'CLOSED' AND g.entry_filled > 0")
  slipped=$(q five.sqlite "SELECT COUNT(*) FROM orders WHERE role = 'SL' AND filled > 0 AND
    ABS(CAST(filled_notional AS REAL) / filled - CAST(trigger_price AS REAL)) <= 0.05 + 1e-9")
  sl=$(q five.sqlite "SELECT COUNT(*) FROM orders WHERE role = 'SL' AND filled > 0")
  [ "$sl" -gt 0 ] || fail "no stop filled in five days: nothing was proven"
  echo "five days: worst trade $worst R; $slipped of $sl stop fills within one tick of the trigger"
  ;;

browser)
  "$BIN" paper --config app.yaml $(data_args "${THREE[@]}") --db b.sqlite > /dev/null
  "$BIN" burnin-report --db b.sqlite --days 3 --out "$OUT" > /dev/null
  HTML="$OUT/burnin-report-20220405.html"
  grep -qiE '<script|https?://[^"]*\.(js|css)|@import' "$HTML" && fail "the report loads something external"
  CHROME=$(command -v chromium-headless-shell || command -v chromium || true)
  [ -n "$CHROME" ] || fail "no headless Chromium (scripts/bootstrap.sh installs chromium-headless-shell)"
  flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1000,2600)
  "$CHROME" "${flags[@]}" --dump-dom "file://$HTML" > dom.html 2> chrome.err || fail "chromium: $(tail -3 chrome.err)"
  "$CHROME" "${flags[@]}" --screenshot="$OUT/burnin-report.png" "file://$HTML" > /dev/null 2>> chrome.err \
    || fail "chromium screenshot: $(tail -3 chrome.err)"
  # The DOM Chromium built: per day two line charts (heat, P&L) with their series and the
  # 15:20/15:25 markers, a scatter with one point per trade, four histograms.
  svgs=$(grep -o '<svg' dom.html | wc -l)
  lines=$(grep -o '<polyline class="series"' dom.html | wc -l)
  markers=$(grep -o '<line class="marker"' dom.html | wc -l)
  points=$(grep -o '<circle class="point"' dom.html | wc -l)
  trades=$(q b.sqlite "SELECT COUNT(*) FROM trades")
  [ "$svgs" = $((3 * 7)) ] || fail "$svgs charts in the DOM, expected 21"
  [ "$lines" = $((3 * 4)) ] || fail "$lines series in the DOM, expected 12"
  [ "$markers" = $((3 * 4)) ] || fail "$markers EOD markers in the DOM, expected 12"
  [ "$points" = "$trades" ] || fail "$points scatter points, $trades trades"
  [ "$(stat -c %s "$OUT/burnin-report.png")" -gt 50000 ] || fail "the screenshot is nearly empty"
  echo "chromium rendered $svgs charts, $lines series, $markers markers, $points points; screenshot $OUT/burnin-report.png"
  ;;

sigkill)
  fresh_days
  SEED=${BURNIN_SEED:-$RANDOM}
  RANDOM=$SEED
  kills=0
  for round in 1 2 3; do
    "$BIN" paper --config app.yaml $(data_args "${THREE[@]}") --db k.sqlite --speed 3000 > "run$round.out" 2>&1 &
    pid=$!
    sleep "$((1 + RANDOM % 14)).$((RANDOM % 10))"
    if kill -9 $pid 2> /dev/null; then kills=$((kills + 1)); fi
    wait $pid 2> /dev/null || true
  done
  "$BIN" paper --config app.yaml $(data_args "${THREE[@]}") --db k.sqlite --summary-json k.json > last.out 2> last.err \
    || fail "the resumed run failed: $(tail -3 last.err)"
  [ $kills -ge 1 ] || fail "no run was killed"
  same_as_fresh k.json
  [ "$(q k.sqlite 'SELECT COUNT(*) FROM (SELECT plan_id, role, attempt FROM orders GROUP BY 1, 2, 3 HAVING COUNT(*) > 1)')" = 0 ] \
    || fail "a leg was ordered twice"
  [ "$(jq -r .total.duplicate_client_order_ids k.json)" = 0 ] || fail "duplicate client_order_ids"
  echo "seed $SEED: killed $kills times; every day's digest equals its fresh store's"
  ;;

migration)
  # A one-day store at migration 005 (before days were scoped) is upgraded in place.
  for m in "$SRC"/src/store/migrations/00[1-5]_*.sql; do sqlite3 old.sqlite < "$m"; done
  q old.sqlite "CREATE TABLE schema_migrations (name TEXT PRIMARY KEY);"
  for m in "$SRC"/src/store/migrations/00[1-5]_*.sql; do q old.sqlite "INSERT INTO schema_migrations VALUES('$(basename "$m")')"; done
  q old.sqlite "INSERT INTO config_snapshots VALUES('sha', '{}', 0);
    INSERT INTO signals VALUES('s1', 1, 'breakout', 'NIFTY_F1', 'BUY', 1648786800000, '100', '90', '130', 0.5, 0, 0, 0, 0, 0, 'sha');
    INSERT INTO decisions VALUES('P1', 's1', 'breakout', 'NIFTY_F1', 'BUY', 1648786800000, 50, '100', '90', '130', 0.5, '500', 'sha');
    INSERT INTO orders VALUES('ATP1E00', 'P1', '', 'ENTRY', 0, 'NIFTY_F1', 'BUY', 'LIMIT', 50, '100', '0', 'FILLED', 'V1', 50, '5000', '',
      1648786800000, 1648786800000, 1648786800040, 1648786800080, 1, 0, 'sha');
    INSERT INTO fills VALUES('F1', 'ATP1E00', 'P1', 'NIFTY_F1', 'BUY', 'ENTRY', 50, '100', 1648786800080, 'sha');
    INSERT INTO positions VALUES('NIFTY_F1', 0, '0', '-250.00', '95', 1);
    INSERT INTO engine_checkpoint VALUES('2022-04-01', 1648807200000, 'REDUCING', '0', 1, 1, 1, 1);"
  "$BIN" migrate --db old.sqlite > migrate.out || fail "migrate failed: $(cat migrate.out)"
  grep -q "006_trading_day_scope.sql" migrate.out || fail "006 not applied: $(cat migrate.out)"
  for t in signals decisions orders fills positions; do
    [ "$(q old.sqlite "SELECT trading_day FROM $t")" = 2022-04-01 ] || fail "$t was not given its day"
  done
  [ "$(q old.sqlite "SELECT realized FROM positions WHERE trading_day = '2022-04-01' AND symbol = 'NIFTY_F1'")" = -250.00 ] \
    || fail "the day's position was lost"
  "$BIN" burnin-report --db old.sqlite --out rep > rep.out || fail "the report of a migrated store failed"
  grep -q "== 2022-04-01" rep.out || fail "the migrated day is not reported"
  echo "store at 005 upgraded: $(tr '\n' ' ' < migrate.out)"
  ;;

pg_days)
  # shellcheck disable=SC1091
  source "$SERVERS/env"
  unset DATABASE_URL REDIS_URL  # fresh_days runs on SQLite
  fresh_days
  bash "$SRC/scripts/test_servers.sh" createdb "$SERVERS" t_burnin > /dev/null
  export DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/t_burnin"
  "$BIN" migrate --db unused.sqlite > /dev/null
  "$BIN" paper --config app.yaml $(data_args "${THREE[@]}") --db pg-local.sqlite --summary-json pg.json > pg.out \
    || fail "three days on PostgreSQL failed: $(tail -5 pg.out)"
  same_as_fresh pg.json
  "$BIN" burnin-report --db unused.sqlite --days 3 --out pgrep > /dev/null
  # The runbook's reconcile, typed as written (every day) and for one day.
  for v in "" "day=2022-04-04"; do
    psql "$DATABASE_URL" -v ON_ERROR_STOP=1 ${v:+-v "$v"} -f "$SRC/scripts/reconcile_db.sql" > rec.txt \
      || fail "reconcile_db.sql ${v:-(every day)}: $(tail -3 rec.txt)"
    [ "$(grep -c '^(0 rows)' rec.txt)" = 6 ] || fail "reconcile_db.sql ${v:-(every day)} found problems: $(cat rec.txt)"
  done
  grep -A3 '== risk_events_of_the_day' rec.txt | grep '2022-04-04' > /dev/null || fail "-v day=2022-04-04 did not list that day's events"
  "$BIN" reconcile --db unused.sqlite --day 2022-04-04 > rec.out || fail "reconcile --day on PostgreSQL: $(grep FAIL rec.out)"
  "$BIN" idempotency-check --db unused.sqlite --all-days > idem.out || fail "idempotency-check on PostgreSQL: $(grep FAIL idem.out)"
  unset DATABASE_URL
  "$BIN" paper --config app.yaml $(data_args "${THREE[@]}") --db lite.sqlite > /dev/null
  "$BIN" burnin-report --db lite.sqlite --days 3 --out literep > /dev/null
  cmp -s pgrep/burnin-report-20220405.json literep/burnin-report-20220405.json \
    || fail "the report differs between PostgreSQL and SQLite: $(diff <(jq . pgrep/*.json) <(jq . literep/*.json) | head -5)"
  echo "3 days on one PostgreSQL database equal fresh stores; its report is byte-identical to SQLite's"
  ;;

*)
  fail "unknown case $CASE"
  ;;
esac
