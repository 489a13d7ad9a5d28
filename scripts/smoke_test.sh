#!/usr/bin/env bash
# Smoke test of the service (make smoke-test; also run by make test): starts `aitrapp run` on a
# free loopback port over a bundled day, calls every endpoint, checks the metrics are present,
# well-formed (promtool) and incrementing, flattens with positions open and checks the duration
# and that /positions reports 0, checks LIVE without the phrase is refused, runs the rollback
# script, and stops the service with SIGTERM.
# Usage: scripts/smoke_test.sh [BINARY] [SOURCE_DIR]
set -euo pipefail

BIN="$(realpath "${1:-build/aitrapp}")"
SRC="$(realpath "${2:-.}")"
WORK="$(mktemp -d)"
PID=""
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "SMOKE FAIL: $*" >&2; [ -f "$WORK/out.txt" ] && sed 's/^/  service: /' "$WORK/out.txt" >&2; exit 1; }
ok() { echo "ok - $*"; }

cd "$WORK"
cat > app.yaml < <(sed 's#logs/aitrapp.log#'"$WORK"'/aitrapp.log#' "$SRC/configs/app.yaml")
unset AITRAPP_API_TOKEN
"$BIN" run --config app.yaml --data "$SRC/data/nse/2022-04-01" --db "$WORK/run.sqlite" \
  --token-file "$WORK/token" --port 0 --port-file "$WORK/port" --speed 600 >"$WORK/out.txt" 2>&1 &
PID=$!
for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
[ -s "$WORK/port" ] || fail "service did not start"
URL="http://127.0.0.1:$(cat "$WORK/port")"
TOKEN="$(cat "$WORK/token")"
[ "$(stat -c %a "$WORK/token")" = 600 ] || fail "token file is not mode 0600"
grep -q "API token (printed once" "$WORK/out.txt" || fail "token not announced on first start"

code() { curl -s -o "$WORK/body" -w '%{http_code}' "$@"; }
get() { [ "$(code "$URL$1")" = 200 ] || fail "GET $1 -> $(cat "$WORK/body")"; cat "$WORK/body"; }
post() { code -X POST -H "Authorization: Bearer $TOKEN" -d "$2" "$URL$1"; }

for _ in $(seq 100); do curl -sf "$URL/health" >/dev/null && break; sleep 0.1; done
get /health | jq -e '.ready and .checks.leader.ok and .checks.store.ok' >/dev/null || fail "not ready"
ok "GET /health ready"
get /risk | jq -e '.caps.daily_loss == "20000.00" and (.loss_stop_distance | length > 0)' >/dev/null \
  || fail "/risk"
ok "GET /risk"
get /orders | jq -e '.orders | type == "array"' >/dev/null || fail "/orders"
get '/signals?limit=5' | jq -e '.count <= 5' >/dev/null || fail "/signals"
get '/events?limit=5' | jq -e '.count <= 5' >/dev/null || fail "/events"
ok "GET /orders /signals /events"

METRICS=(trader_is_leader trader_marketdata_heartbeat_seconds trader_order_stream_heartbeat_seconds
  trader_positions_open trader_portfolio_heat_rupees trader_order_latency_ms_bucket
  trader_retries_total trader_throttle_queue_depth trader_kill_switch_total
  trader_orders_placed_total trader_risk_blocks_total trader_signals_total trader_fills_total
  trader_daily_pnl_rupees trader_trading_state trader_kill_flatten_duration_seconds_bucket)
metric() { curl -s "$URL/metrics" | awk -v n="$1" '$1 == n { print $2 }'; }

# Wait for open positions (the 2022-04-01 replay opens its first bracket at 10:02 IST).
for _ in $(seq 600); do
  [ "$(get /positions | jq .count)" -gt 0 ] && break
  sleep 0.1
done
POS="$(get /positions)"
[ "$(jq .count <<<"$POS")" -gt 0 ] || fail "no position opened"
jq -e '.positions[0] | has("qty") and has("avg_price") and has("stop_loss") and has("take_profit")
       and has("unrealized") and has("realized")' <<<"$POS" >/dev/null || fail "position fields"
ok "GET /positions: $(jq .count <<<"$POS") open"


curl -s "$URL/metrics" >"$WORK/metrics.txt"
for m in "${METRICS[@]}"; do grep -q "^$m" "$WORK/metrics.txt" || fail "metric $m missing"; done
# The one lint finding allowed: the runbooks name the ack histogram in milliseconds.
LINT="$(promtool check metrics <"$WORK/metrics.txt" 2>&1 | grep -v '^trader_order_latency_ms metric names should not contain abbreviated units$' || true)"
[ -z "$LINT" ] || fail "promtool check metrics: $LINT"
ok "GET /metrics: ${#METRICS[@]} runbook metrics present, promtool lint clean (but the runbook's _ms name)"
S1="$(metric trader_signals_total)"
sleep 1.5
S2="$(metric trader_signals_total)"
awk -v a="$S1" -v b="$S2" 'BEGIN { exit !(b > a) }' || fail "trader_signals_total not incrementing ($S1 -> $S2)"
ok "metrics incrementing (trader_signals_total $S1 -> $S2)"

[ "$(code -X POST -d '{}' "$URL/flatten")" = 401 ] || fail "unauthenticated flatten not refused"
[ "$(post /flatten '{"reason":"because"}')" = 400 ] || fail "unknown reason not refused"
[ "$(post /mode '{"mode":"LIVE"}')" = 403 ] || fail "LIVE without the phrase not refused"
jq -e '.error | test("CONFIRM LIVE TRADING")' "$WORK/body" >/dev/null || fail "LIVE refusal message"
[ "$(post /mode '{"mode":"LIVE","confirm":"CONFIRM LIVE TRADING"}')" = 409 ] \
  || fail "LIVE without credentials not refused"
ok "refusals: 401 without token, 400 unknown reason, 403 LIVE without phrase, 409 LIVE without credentials"

[ "$(post /flatten '{"reason":"manual"}')" = 200 ] || fail "flatten: $(cat "$WORK/body")"
FLAT="$(cat "$WORK/body")"
jq -e '.duration_ms <= 2000 and .positions_closed > 0 and (.orders_cancelled | type == "number")' \
  <<<"$FLAT" >/dev/null || fail "flatten answer $FLAT"
[ "$(get /positions | jq .count)" = 0 ] || fail "positions after flatten"
get /risk | jq -e '.state == "HARD_STOP" and (.entries_allowed | not)' >/dev/null || fail "entries not blocked"
[ "$(metric 'trader_kill_switch_total{reason="manual"}')" = 1 ] || fail "kill counter"
ok "POST /flatten: $FLAT; 0 positions; entries blocked"
[ "$(post /resume '{}')" = 200 ] && jq -e '.state == "ACTIVE"' "$WORK/body" >/dev/null || fail "resume"
[ "$(post /pause '{"reason":"smoke"}')" = 200 ] || fail "pause"
ok "POST /resume, /pause"

AITRAPP_API_TOKEN="$TOKEN" bash "$SRC/scripts/rollback.sh" "$URL" >/dev/null || fail "rollback.sh"
get /health | jq -e '.mode == "PAPER" and .trading_state == "HARD_STOP"' >/dev/null || fail "after rollback"
ok "scripts/rollback.sh: paused, flat, PAPER"

kill -TERM "$PID"
wait "$PID" || fail "service exited non-zero on SIGTERM"
PID=""
grep -q "aitrapp run: stopped" "$WORK/out.txt" || fail "no clean stop"
ok "SIGTERM: clean stop"
echo "smoke test passed"
