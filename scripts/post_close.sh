#!/usr/bin/env bash
# The post-close ritual (make post-close), for the latest trading day in the store:
#   1. zero open orders and positions, in the store and at the venue (the simulated venue's
#      journal in --db for PAPER; Kite's order book and positions with --kite-root for LIVE)
#   2. aitrapp reconcile and aitrapp idempotency-check for the day
#   3. aitrapp burnin-report for the day (--strict: a failed gate fails the ritual)
#   4. a snapshot of the database: pg_dump with DATABASE_URL, SQLite's online backup otherwise
#      (with DATABASE_URL the local --db file, which holds the simulated venue's journal, too)
#   5. reports/post-close-YYYYMMDD.tar.gz: the snapshot, the logs, the day's reports and the
#      latest drill reports, with manifest.json (config_sha, git_sha, the final metrics scrape,
#      every check's result)
#   6. the Kite access token's expiry against the next session (rotation is an action, not a
#      failure: Kite's tokens end at 06:00 IST every day)
# Prints one line per check and exits non-zero when any check failed.
#
# Usage: scripts/post_close.sh [--db FILE] [--config FILE] [--url URL] [--kite-root URL]
#          [--logs DIR] [--out DIR] [--bin PATH]
# Defaults: --db var/run.sqlite, --config the embedded configs/app.yaml, --url $AITRAPP_URL or
# http://127.0.0.1:8000, --logs logs, --out reports, --bin build/aitrapp. Kite credentials for
# --kite-root come from KITE_API_KEY and KITE_ACCESS_TOKEN; KITE_TOKEN_FILE (when set) is the file
# the token was written to, whose time says when it was issued.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
DB=var/run.sqlite CONFIG="" URL=${AITRAPP_URL:-http://127.0.0.1:8000} KITE_ROOT="" LOGS=logs
OUT=reports BIN=$SRC/build/aitrapp
while [ $# -gt 0 ]; do
  case "$1" in
    --db) DB=${2:?}; shift 2 ;;
    --config) CONFIG=${2:?}; shift 2 ;;
    --url) URL=${2:?}; shift 2 ;;
    --kite-root) KITE_ROOT=${2:?}; shift 2 ;;
    --logs) LOGS=${2:?}; shift 2 ;;
    --out) OUT=${2:?}; shift 2 ;;
    --bin) BIN=${2:?}; shift 2 ;;
    *) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done
# shellcheck disable=SC1091
source "$SRC/scripts/lib/evidence.sh"
[ -x "$BIN" ] || { echo "post-close: no aitrapp binary at $BIN (make build)" >&2; exit 2; }
if [ -z "${DATABASE_URL:-}" ] && [ ! -f "$DB" ]; then
  echo "post-close: no store: DATABASE_URL is unset and $DB does not exist" >&2; exit 2
fi

sql() {
  if [ -n "${DATABASE_URL:-}" ]; then psql "$DATABASE_URL" -At -v ON_ERROR_STOP=1 -c "$1"
  else sqlite3 -bail "$DB" "$1"; fi
}
DAY=$(sql "SELECT max(trading_day) FROM engine_checkpoint") \
  || { echo "post-close: cannot read the store" >&2; exit 1; }
[ -n "$DAY" ] || { echo "post-close: the store holds no trading day" >&2; exit 1; }
STAMP=${DAY//-/}
STAGE=$(mktemp -d "${TMPDIR:-/tmp}/aitrapp-post-close.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
BUNDLE="post-close-$STAMP"
mkdir -p "$OUT" "$STAGE/$BUNDLE"
B="$STAGE/$BUNDLE"

FAILED=0 CHECKS="$STAGE/checks.jsonl"
: > "$CHECKS"
check() { # check NAME ok|fail|info DETAIL
  local tag=OK
  [ "$2" = fail ] && { tag=FAIL; FAILED=$((FAILED + 1)); }
  [ "$2" = info ] && tag=NOTE
  printf '%-5s %s: %s\n' "$tag" "$1" "$3"
  jq -nc --arg n "$1" --arg r "$2" --arg d "$3" '{check: $n, result: $r, detail: $d}' >> "$CHECKS"
}
echo "post-close for trading day $DAY ($( [ -n "${DATABASE_URL:-}" ] && echo PostgreSQL || echo "SQLite $DB"))"

# 1. Nothing open, store and venue.
TERMINAL="'FILLED', 'CANCELLED', 'REJECTED'"
OPEN_ORDERS=$(sql "SELECT count(*) FROM orders WHERE status NOT IN ($TERMINAL)")
OPEN_POS=$(sql "SELECT count(*) FROM positions WHERE trading_day = '$DAY' AND qty <> 0")
if [ "$OPEN_ORDERS" = 0 ] && [ "$OPEN_POS" = 0 ]; then
  check store_flat ok "0 open orders, 0 open positions on $DAY"
else
  check store_flat fail "$OPEN_ORDERS open orders, $OPEN_POS open positions on $DAY: $(sql \
    "SELECT group_concat(client_order_id || ' ' || status, ', ') FROM (SELECT client_order_id, status FROM orders WHERE status NOT IN ($TERMINAL) LIMIT 5) o" 2> /dev/null || true)"
fi
if [ -n "$KITE_ROOT" ]; then
  kite() { curl -sf -m 10 -H "X-Kite-Version: 3" -H "Authorization: token ${KITE_API_KEY:-}:${KITE_ACCESS_TOKEN:-}" "$KITE_ROOT$1"; }
  if ORDERS_JSON=$(kite /orders) && POS_JSON=$(kite /portfolio/positions); then
    V_ORDERS=$(jq '[.data[] | select(.status | IN("COMPLETE", "CANCELLED", "REJECTED") | not)] | length' <<< "$ORDERS_JSON")
    V_POS=$(jq '[.data.net[] | select(.quantity != 0)] | length' <<< "$POS_JSON")
    if [ "$V_ORDERS" = 0 ] && [ "$V_POS" = 0 ]; then check venue_flat ok "Kite ($KITE_ROOT): 0 open orders, 0 open positions"
    else check venue_flat fail "Kite ($KITE_ROOT): $V_ORDERS open orders, $V_POS open positions"; fi
  else
    check venue_flat fail "Kite at $KITE_ROOT did not answer /orders and /portfolio/positions"
  fi
elif [ -f "$DB" ] && [ "$(sqlite3 "$DB" "SELECT count(*) FROM sqlite_master WHERE name = 'sim_venue_orders'")" = 1 ]; then
  V_ORDERS=$(sqlite3 "$DB" "SELECT count(*) FROM sim_venue_orders WHERE json_extract(state_json, '\$.status') = 0")
  V_POS=$(sqlite3 "$DB" "SELECT count(*) FROM (SELECT json_extract(state_json, '\$.symbol') AS s,
    sum(CASE json_extract(state_json, '\$.side') WHEN 'BUY' THEN 1 ELSE -1 END * json_extract(state_json, '\$.filled')) AS net
    FROM sim_venue_orders GROUP BY s) WHERE net <> 0")
  if [ "$V_ORDERS" = 0 ] && [ "$V_POS" = 0 ]; then check venue_flat ok "simulated venue ($DB): 0 working orders, 0 open positions"
  else check venue_flat fail "simulated venue ($DB): $V_ORDERS working orders, $V_POS open positions"; fi
else
  check venue_flat fail "no venue to ask: give --kite-root for LIVE, or --db holding the simulated venue's journal"
fi

# 2. Reconcile and idempotency for the day.
if "$BIN" reconcile --db "$DB" --day "$DAY" > "$B/reconcile.txt" 2>&1; then
  check reconcile ok "$(tail -n 1 "$B/reconcile.txt")"
else
  check reconcile fail "$(grep -m1 '^FAIL' "$B/reconcile.txt" || tail -n 1 "$B/reconcile.txt")"
fi
if "$BIN" idempotency-check --db "$DB" --day "$DAY" > "$B/idempotency.txt" 2>&1; then
  check idempotency ok "$(tail -n 1 "$B/idempotency.txt")"
else
  check idempotency fail "$(grep -m1 '^FAIL' "$B/idempotency.txt" || tail -n 1 "$B/idempotency.txt")"
fi

# 3. The burn-in report of the day, kept in reports/ as well.
if "$BIN" burnin-report --db "$DB" --day "$DAY" --days 1 --out "$OUT" --strict > "$B/burnin-report.out" 2>&1; then
  check burnin_report ok "every gate passed ($OUT/burnin-report-$STAMP.*)"
else
  check burnin_report fail "$(grep -m1 -E 'FAIL|error' "$B/burnin-report.out" || tail -n 1 "$B/burnin-report.out")"
fi
cp "$OUT/burnin-report-$STAMP".* "$B/" 2> /dev/null || true

# 4. The database snapshot.
if [ -n "${DATABASE_URL:-}" ]; then
  if pg_dump --format=custom --file "$B/database.pgdump" "$DATABASE_URL" 2> "$B/pg_dump.err"; then
    check db_snapshot ok "pg_dump: database.pgdump ($(stat -c %s "$B/database.pgdump") bytes)"
  else
    check db_snapshot fail "pg_dump: $(head -n 1 "$B/pg_dump.err")"
  fi
fi
if [ -f "$DB" ]; then
  name=database.sqlite what=db_snapshot
  [ -n "${DATABASE_URL:-}" ] && name=local-journal.sqlite what=venue_journal_snapshot
  if sqlite3 "$DB" ".backup '$B/$name'" 2> "$B/backup.err" \
    && [ "$(sqlite3 "$B/$name" 'PRAGMA integrity_check')" = ok ]; then
    check $what ok "SQLite online backup: $name ($(stat -c %s "$B/$name") bytes, integrity ok)"
  else
    check $what fail "SQLite backup of $DB: $(head -n 1 "$B/backup.err")"
  fi
fi

# 5. Logs, drills, metrics.
if [ -d "$LOGS" ]; then cp -r "$LOGS" "$B/logs"; check logs ok "$(find "$LOGS" -type f | wc -l) file(s) from $LOGS"
else check logs fail "no log directory $LOGS"; fi
DRILLS=()
for kind in red-team failure; do
  latest=$(ls -1 "$OUT"/drills-"$kind"-*.json 2> /dev/null | sort | tail -n 1 || true)
  [ -n "$latest" ] || continue
  cp "$latest" "$B/"
  DRILLS+=("$(jq -c --arg f "$(basename "$latest")" '{file: $f, kind, finished, pass, failed, drills_run}' "$latest")")
done
if METRICS=$(curl -sf -m 5 "$URL/metrics"); then
  printf '%s\n' "$METRICS" > "$B/metrics.prom"
  check metrics_scrape ok "$(grep -c '^trader_' "$B/metrics.prom") trader_* samples from $URL/metrics"
else
  check metrics_scrape info "the service at $URL is not answering: no final scrape (stopped already?)"
fi

# 6. The Kite access token against the next session.
if [ -n "${KITE_TOKEN_FILE:-}" ] && [ -f "$KITE_TOKEN_FILE" ]; then
  issued=$(TZ=Asia/Kolkata date -d "@$(stat -c %Y "$KITE_TOKEN_FILE")" '+%Y-%m-%d %H:%M')
  check kite_token info "issued $issued IST; Kite ends every token at 06:00 IST, before the next session's 09:15: log in again in the morning"
elif [ -n "${KITE_ACCESS_TOKEN:-}" ]; then
  check kite_token info "KITE_ACCESS_TOKEN is set; Kite ends it at 06:00 IST, before the next session: log in again in the morning"
else
  check kite_token info "no Kite token in use (PAPER)"
fi

CONFIG_SHA=$(config_sha "$CONFIG")
jq -n --arg day "$DAY" --arg at "$(now_iso)" --arg g "$(git_sha)" --arg c "$CONFIG_SHA" \
  --arg cfg "${CONFIG:-embedded configs/app.yaml}" --argjson failed $FAILED \
  --slurpfile checks "$CHECKS" --argjson drills "[$(IFS=,; echo "${DRILLS[*]:-}")]" \
  --arg store "$( [ -n "${DATABASE_URL:-}" ] && echo postgresql || echo "sqlite:$DB")" \
  --arg metrics "$( [ -f "$B/metrics.prom" ] && echo metrics.prom || echo '')" \
  '{trading_day: $day, created: $at, git_sha: $g, config_sha: $c, config: $cfg, store: $store,
    pass: ($failed == 0), failed: $failed, checks: $checks, drill_reports: $drills,
    metrics_scrape: (if $metrics == "" then null else $metrics end)}' > "$B/manifest.json"
tar -czf "$OUT/$BUNDLE.tar.gz.tmp" -C "$STAGE" "$BUNDLE"
mv "$OUT/$BUNDLE.tar.gz.tmp" "$OUT/$BUNDLE.tar.gz"
cp "$B/manifest.json" "$OUT/$BUNDLE.json"
if [ $FAILED = 0 ]; then
  echo "post-close $DAY: clean; $OUT/$BUNDLE.tar.gz (manifest $OUT/$BUNDLE.json)"
else
  echo "post-close $DAY: $FAILED check(s) FAILED; $OUT/$BUNDLE.tar.gz (manifest $OUT/$BUNDLE.json)"
  exit 1
fi
