#!/usr/bin/env bash
# The go-live day's closing commands on real runs: scripts/post_close.sh and scripts/go_no_go.sh.
# Usage: golive_test.sh CASE AITRAPP_BINARY SOURCE_DIR DRILL_REPORTS [SERVERS_DIR]
# Cases:
#   post_close     a paper day on SQLite: clean ritual, a bundle with the online backup and a
#                  manifest; then an order left working in the store: exit 1 naming the checks
#   post_close_pg  the same day on PostgreSQL (the test servers): the bundle holds a pg_dump
#   go_no_go       a 3-day paper burn-in with its reports and post-close, the drill reports the
#                  drills.* tests wrote, Kite credentials checked against venue-sim: GO; then
#                  NO-GO, naming the item, for an unsynchronised clock, a missing burn-in report,
#                  another configuration, stale drill evidence and a newer failed drill
set -euo pipefail
CASE=$1 BIN=$2 SRC=$3 DRILLS=$4 SERVERS=${5:-}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/aitrapp-golive.XXXXXX")
SIM_PID=""
cleanup() {
  [ -n "$SIM_PID" ] && kill "$SIM_PID" 2> /dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
cd "$WORK"
fail() { echo "FAIL ($CASE): $*" >&2; for f in "$WORK"/*.out; do [ -f "$f" ] && { echo "--- $f"; tail -n 25 "$f"; } >&2; done; exit 1; }
sed "s#log_file: logs/aitrapp.log#log_file: $WORK/logs/aitrapp.log#" "$SRC/configs/app.yaml" > app.yaml
# The go_no_go case runs on the embedded configuration, as the drills.* tests did (its logs land
# in logs/ of the working directory); the post-close cases on app.yaml.
CONFIG=(--config app.yaml)
[ "$CASE" = go_no_go ] && CONFIG=()
post_close() { bash "$SRC/scripts/post_close.sh" --bin "$BIN" "${CONFIG[@]}" --logs logs --url http://127.0.0.1:1 "$@"; }

case "$CASE" in
post_close | post_close_pg)
  if [ "$CASE" = post_close_pg ]; then
    # shellcheck disable=SC1091
    source "$SERVERS/env"
    DATABASE_URL=$(bash "$SRC/scripts/test_servers.sh" createdb "$SERVERS" t_post_close)
    export DATABASE_URL
    "$BIN" migrate --db run.sqlite > /dev/null
  fi
  "$BIN" paper --config app.yaml --data "$SRC/data/nse/2022-04-01" --db run.sqlite > paper.out
  post_close --db run.sqlite > clean.out || fail "post-close of a clean day failed"
  [ -f reports/post-close-20220401.tar.gz ] || fail "no bundle"
  tar -xzf reports/post-close-20220401.tar.gz
  M=post-close-20220401/manifest.json
  jq -e '.pass and .trading_day == "2022-04-01" and (.config_sha | length == 64)
         and (.git_sha | length >= 40)
         and ([.checks[] | select(.result == "ok") | .check] | index("store_flat") and index("venue_flat")
              and index("reconcile") and index("idempotency") and index("burnin_report"))' "$M" > /dev/null \
    || fail "manifest: $(cat "$M")"
  [ "$(jq -r .config_sha "$M")" = "$(jq -r .config_sha reports/post-close-20220401.json)" ] || fail "two manifests"
  [ -s post-close-20220401/logs/aitrapp.log ] || fail "the logs are not in the bundle"
  [ -f post-close-20220401/burnin-report-20220401.html ] || fail "the burn-in report is not in the bundle"
  if [ "$CASE" = post_close_pg ]; then
    # Into a file: under pipefail, grep -q leaving early would fail pg_restore with SIGPIPE.
    pg_restore --list post-close-20220401/database.pgdump > dump-list.txt || fail "pg_restore --list"
    grep -q 'TABLE DATA public orders' dump-list.txt \
      || fail "the pg_dump holds no orders table"
    [ "$(sqlite3 post-close-20220401/local-journal.sqlite 'SELECT count(*) FROM sim_venue_orders')" -gt 0 ] \
      || fail "the simulated venue's journal is not in the bundle"
  else
    [ "$(sqlite3 post-close-20220401/database.sqlite 'SELECT count(*) FROM orders')" = \
      "$(sqlite3 run.sqlite 'SELECT count(*) FROM orders')" ] || fail "the backup differs from the store"
  fi
  # An order the engine lost track of: the store is not flat and reconcile sees the orphan.
  STMT="UPDATE orders SET status = 'WORKING' WHERE client_order_id = (SELECT min(client_order_id) FROM orders WHERE role = 'SL')"
  if [ "$CASE" = post_close_pg ]; then psql "$DATABASE_URL" -q -c "$STMT"; else sqlite3 run.sqlite "$STMT"; fi
  if post_close --db run.sqlite > dirty.out; then fail "post-close passed an order left working"; fi
  grep -q '^FAIL  store_flat: 1 open orders' dirty.out || fail "store_flat: $(cat dirty.out)"
  grep -q '^FAIL  reconcile: ' dirty.out || fail "reconcile: $(cat dirty.out)"
  jq -e '.pass == false and .failed >= 2' reports/post-close-20220401.json > /dev/null || fail "dirty manifest"
  grep '^OK' clean.out | cut -c1-100
  echo "then: $(tail -n 1 dirty.out)"
  ;;

go_no_go)
  ls "$DRILLS"/drills-*.json > /dev/null 2>&1 || fail "no drill reports in $DRILLS: run the drills.* tests first"
  mkdir reports
  cp "$DRILLS"/drills-*.json reports/
  # Three burn-in days on one store, each judged that evening, then the post-close.
  DAYS=(2022-04-01 2022-04-04 2022-04-05)
  DATA=()
  for d in "${DAYS[@]}"; do DATA+=(--data "$SRC/data/nse/$d"); done
  "$BIN" paper "${DATA[@]}" --db run.sqlite > paper.out 2>&1 \
    || fail "the burn-in replay failed"
  for d in "${DAYS[@]:0:2}"; do
    "$BIN" burnin-report --db run.sqlite --day "$d" --days 1 --out reports > /dev/null || fail "burnin-report $d"
  done
  post_close --db run.sqlite > post.out || fail "post-close failed"
  # Kite credentials as the morning checks them, against the simulator at 09:00.
  export KITE_API_KEY=golive_key KITE_API_SECRET=golive_secret KITE_ACCESS_TOKEN=token0
  "$BIN" venue-sim --data "$SRC/data/nse/2022-04-01" --port 0 --control-port 0 --port-file ports \
    --speed 1 --start 09:00 > sim.out 2>&1 &
  SIM_PID=$!
  for _ in $(seq 50); do [ -s ports ] && break; sleep 0.1; done
  read -r PORT CONTROL < ports || fail "venue-sim did not start"
  echo "$KITE_ACCESS_TOKEN" > kite_token
  gate() {
    set +e
    bash "$SRC/scripts/go_no_go.sh" --bin "$BIN" --db run.sqlite --reports reports \
      --kite-root "http://127.0.0.1:$PORT" --kite-sim-clock "http://127.0.0.1:$CONTROL" \
      --token-file kite_token --ntp-cmd 'echo yes' "$@" > gate.out 2>&1
    local rc=$?
    set -e
    return $rc
  }
  expect_nogo() { # expect_nogo ITEM PATTERN [gate options]
    local what=$1 pattern=$2; shift 2
    if gate "$@"; then fail "GO despite $what"; fi
    grep -q '^NO-GO' gate.out || fail "no NO-GO verdict for $what"
    grep -A1 -E "^[1-4]  $what +FAIL" gate.out > item.txt || true
    grep -q -- "$pattern" item.txt \
      || fail "NO-GO for $what does not say '$pattern': $(grep -A1 FAIL gate.out | head -8)"
    echo "NO-GO: $(grep -A1 -E "^[1-4]  $what +FAIL" gate.out | tail -n 1 | sed 's/^ *//' | cut -c1-110)"
  }
  gate || fail "NO-GO on complete evidence: $(grep -A1 FAIL gate.out)"
  STAMP=$(date +%Y%m%d)
  jq -e '.verdict == "GO" and (.gates | length == 4) and all(.gates[]; .pass)
         and ([.gates[] | .items[]] | length >= 25)' "reports/go-no-go-$STAMP.json" > /dev/null \
    || fail "GO report: $(cat "reports/go-no-go-$STAMP.json")"
  grep -q '^# Go/no-go: GO' "reports/go-no-go-$STAMP.md" || fail "no markdown report"
  cat gate.out
  echo "GO: $(jq '[.gates[] | .items[]] | length' "reports/go-no-go-$STAMP.json") items passed"

  expect_nogo host_clock_ntp "not shown synchronised" --ntp-cmd 'echo no'
  mv reports/burnin-report-20220404.json burnin-0404.json
  expect_nogo burnin_day_2022-04-04 "no burn-in report for 2022-04-04"
  mv burnin-0404.json reports/burnin-report-20220404.json
  sed 's/max_spread_bps: 10 /max_spread_bps: 12 /' "$SRC/configs/app.yaml" > other.yaml
  expect_nogo red_team_ws_drop "ran under config_sha" --config other.yaml
  grep -q -E '^3  burnin_day_2022-04-05 +FAIL' gate.out || fail "a burn-in day of another configuration counted"
  # Yesterday's drills do not count this morning.
  for f in reports/drills-*.json; do jq '.finished = "2000-01-01T00:00:00Z"' "$f" > "$f.tmp" && mv "$f.tmp" "$f"; done
  expect_nogo red_team_eod_race "last ran"
  # A newer run of one drill that failed outweighs the older pass.
  rm reports/drills-*.json
  cp "$DRILLS"/drills-*.json reports/
  jq '.finished = "'"$(date -u +%Y-%m-%dT%H:%M:%SZ)"'" | .pass = false | .failed = 1
      | .drills = [.drills[] | select(.drill == "kill_churn") | .pass = false | .saw = "flatten took 2600 ms"]' \
    "$(grep -l '"drill":"kill_churn"' reports/drills-red-team-*.json | head -n 1)" > reports/drills-red-team-99991231-235959.json
  expect_nogo kill_path_2s_under_load "flatten took 2600 ms"
  ;;
*) fail "unknown case $CASE" ;;
esac
echo "PASS: $CASE"
