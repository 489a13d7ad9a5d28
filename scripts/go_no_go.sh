#!/usr/bin/env bash
# The four go/no-go gates of the final go-live list (make go-no-go), judged from evidence: what
# runs now (aitrapp verify, the smoke test, reconcile and idempotency-check over every stored
# day) and the files the go-live commands wrote under reports/ (drill reports, burn-in reports,
# post-close manifests). Evidence older than its age limit, or produced under another config_sha
# than the configuration going LIVE, does not count.
#
#   gate 1  pre-burn-in checklist: time zone from config, host clock synchronised (NTP), one
#           runner under the leader lock, Kite credentials valid with no expiry during the
#           session and the token file writable, migrations at head with the unique constraint
#           and durable commits, trader_* metrics present and incrementing, kill path within 2 s
#           under load and blocking entries, EOD tighten/flat in a replay with nothing open
#   gate 2  all ten red-team drills passed (the latest red-team report)
#   gate 3  three burn-in days passed (their burn-in reports), no duplicate client_order_id
#           and no orphan OCO sibling on any day (reconcile, idempotency-check --all-days)
#   gate 4  final validation: flatten <= 2 s under load, leader lock against a second runner,
#           EOD at 15:20/15:25 IST, the latest post-close clean
#
# Prints a table (item, PASS/FAIL, evidence), writes reports/go-no-go-YYYYMMDD.json and .md, and
# exits 0 only on GO.
#
# Usage: scripts/go_no_go.sh [--config FILE] [--db FILE] [--reports DIR] [--kite-root URL]
#          [--kite-sim-clock URL] [--token-file FILE] [--max-age-hours H]
#          [--burnin-max-age-days D] [--ntp-cmd CMD] [--bin PATH]
# Defaults: the embedded configuration, --db var/run.sqlite (DATABASE_URL when set), --reports
# reports, --token-file $KITE_TOKEN_FILE, drills and post-close at most 24 h old, burn-in reports
# at most 7 days old. --ntp-cmd prints "yes" when the host clock is synchronised (default:
# timedatectl, then chronyc). --kite-sim-clock (venue-sim's control URL) reads the hour of the
# token rule from the simulator's exchange clock, as `aitrapp run --kite-sim-clock` trades on it.
set -uo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
CONFIG="" DB=var/run.sqlite REPORTS=reports KITE_ROOT="" SIM_CLOCK="" TOKEN_FILE=${KITE_TOKEN_FILE:-}
MAX_AGE_H=24 BURNIN_AGE_D=7 NTP_CMD="" BIN=$SRC/build/aitrapp
while [ $# -gt 0 ]; do
  case "$1" in
    --config) CONFIG=${2:?}; shift 2 ;;
    --db) DB=${2:?}; shift 2 ;;
    --reports) REPORTS=${2:?}; shift 2 ;;
    --kite-root) KITE_ROOT=${2:?}; shift 2 ;;
    --kite-sim-clock) SIM_CLOCK=${2:?}; shift 2 ;;
    --token-file) TOKEN_FILE=${2:?}; shift 2 ;;
    --max-age-hours) MAX_AGE_H=${2:?}; shift 2 ;;
    --burnin-max-age-days) BURNIN_AGE_D=${2:?}; shift 2 ;;
    --ntp-cmd) NTP_CMD=${2:?}; shift 2 ;;
    --bin) BIN=${2:?}; shift 2 ;;
    *) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done
# shellcheck disable=SC1091
source "$SRC/scripts/lib/evidence.sh"
[ -x "$BIN" ] || { echo "go-no-go: no aitrapp binary at $BIN (make build)" >&2; exit 2; }
[[ "$MAX_AGE_H" =~ ^[0-9]+$ && "$BURNIN_AGE_D" =~ ^[0-9]+$ ]] \
  || { echo "go-no-go: --max-age-hours and --burnin-max-age-days take whole numbers" >&2; exit 2; }
SHA=$(config_sha "$CONFIG")
[ -n "$SHA" ] || { echo "go-no-go: the configuration ${CONFIG:-(embedded)} is not valid: run aitrapp verify" >&2; exit 2; }
mkdir -p "$REPORTS" || { echo "go-no-go: cannot create $REPORTS" >&2; exit 2; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/aitrapp-gate.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
ITEMS="$WORK/items.jsonl"
: > "$ITEMS"
NOW=$(date +%s)

# item GATE NAME pass|fail EVIDENCE_FILE DETAIL
item() {
  jq -nc --argjson g "$1" --arg n "$2" --arg r "$3" --arg f "$4" --arg d "$5" \
    '{gate: $g, item: $n, pass: ($r == "pass"), evidence: $f, detail: $d}' >> "$ITEMS"
}

# drill_item GATE NAME KIND DRILL [JQ-CONDITION-ON-EVIDENCE DESCRIPTION]: the drill's latest run,
# from the newest report of its kind that holds it (a drill re-run alone after a fix counts).
drill_item() {
  local gate=$1 name=$2 kind=$3 drill=$4 cond=${5:-true} desc=${6:-} f="" r d created age
  for r in $(ls -1 "$REPORTS"/drills-"$kind"-*.json 2> /dev/null | sort -r); do
    jq -e --arg d "$drill" 'any(.drills[]; .drill == $d)' "$r" > /dev/null 2>&1 && { f=$r; break; }
  done
  if [ -z "$f" ]; then item "$gate" "$name" fail "" "no $kind report in $REPORTS holds drill $drill (make $kind-drills)"; return; fi
  d=$(jq -c --arg d "$drill" '.drills[] | select(.drill == $d)' "$f")
  created=$(date -d "$(jq -r .finished "$f")" +%s 2> /dev/null || echo 0)
  age=$(((NOW - created) / 3600))
  if [ "$age" -gt "$MAX_AGE_H" ]; then item "$gate" "$name" fail "$f" "drill $drill last ran ${age} h ago (limit $MAX_AGE_H h)"
  elif [ "$(jq -r .config_sha "$f")" != "$SHA" ]; then item "$gate" "$name" fail "$f" "drill $drill ran under config_sha $(jq -r .config_sha "$f" | cut -c1-12), not ${SHA:0:12}"
  elif [ "$(jq -r .pass <<< "$d")" != true ]; then item "$gate" "$name" fail "$f" "drill $drill failed: $(jq -r .saw <<< "$d")"
  elif ! jq -e ".evidence | $cond" <<< "$d" > /dev/null; then item "$gate" "$name" fail "$f" "drill $drill: $desc not shown: $(jq -c .evidence <<< "$d")"
  else
    # The drill's own finding, without the audit every Kite drill shares, then what was checked.
    local saw
    saw=$(jq -r .saw <<< "$d" | sed -E 's/^kite [a-z_]+: .*\}\); //; s/^kite [a-z_]+: //' | cut -c1-160)
    [ "$cond" = true ] || saw="$saw ($(jq -r '.evidence | to_entries | map("\(.key) \(.value)") | join(", ")' <<< "$d"))"
    item "$gate" "$name" pass "$f" "$drill: $saw"
  fi
}

# ---- Gate 1: the pre-burn-in checklist -----------------------------------------------------
"$BIN" verify ${CONFIG:+--config "$CONFIG"} --db "$DB" ${KITE_ROOT:+--mode LIVE --kite-root "$KITE_ROOT"} \
  > "$WORK/verify.txt" 2>&1
vline() { grep -m1 -E "^(OK|FAIL) +$1:" "$WORK/verify.txt"; }
verify_item() { # verify_item NAME CHECK...
  local name=$1 c l ok=pass detail=""; shift
  for c in "$@"; do
    l=$(vline "$c") || l="FAIL  $c: not reported by aitrapp verify"
    [[ "$l" == OK* ]] || ok=fail
    detail="${detail:+$detail; }$(sed -E 's/^[A-Z]+ +//' <<< "$l")"
  done
  item 1 "$name" "$ok" "aitrapp verify" "$detail"
}
verify_item timezone_from_config timezone
if [ -n "$NTP_CMD" ]; then ntp=$(bash -c "$NTP_CMD" 2>&1)
elif ntp=$(timedatectl show -p NTPSynchronized --value 2>&1); then :
elif command -v chronyc > /dev/null && chronyc tracking 2> /dev/null | grep 'Leap status *: Normal' > /dev/null; then ntp=yes
else ntp="cannot tell: ${ntp:-no timedatectl or chronyc}"; fi
if [ "$ntp" = yes ]; then item 1 host_clock_ntp pass "${NTP_CMD:-timedatectl}" "host clock synchronised"
else item 1 host_clock_ntp fail "${NTP_CMD:-timedatectl}" "host clock not shown synchronised: $(head -n 1 <<< "$ntp")"; fi
drill_item 1 single_runner_leader_lock failure dual_runner '.leaders_by_metric == 1 and .follower_orders_placed == 0' \
  "one leader and no order from the second runner"
if [ -z "$KITE_ROOT" ]; then
  item 1 kite_credentials fail "" "no --kite-root: the Kite credentials were not checked (KITE_API_KEY, KITE_ACCESS_TOKEN)"
else
  verify_item kite_credentials venue_credentials instrument_master
  if [ -n "$SIM_CLOCK" ]; then
    ist_hour=$(curl -sf "$SIM_CLOCK/clock" | jq -r .local_time | sed -n 's/^[0-9-]*T\([0-9][0-9]\):.*/\1/p')
  else
    ist_hour=$(TZ=Asia/Kolkata date +%H)
  fi
  ist_hour=${ist_hour:-00}
  if [ "$(jq -r 'select(.item == "kite_credentials") | .pass' "$ITEMS")" = true ] && [ "$((10#$ist_hour))" -ge 6 ]; then
    item 1 kite_token_through_session pass "aitrapp verify" "the token works after 06:00 IST, so it was issued today and ends 06:00 tomorrow, after the 15:30 close"
  else
    item 1 kite_token_through_session fail "aitrapp verify" "the token does not work now, or it is before 06:00 IST when Kite ends yesterday's tokens"
  fi
fi
if [ -z "$TOKEN_FILE" ]; then
  item 1 token_file_writable fail "" "no --token-file or KITE_TOKEN_FILE: the file a new login writes is unknown"
elif [ -f "$TOKEN_FILE" ] && [ -w "$TOKEN_FILE" ] && [ -w "$(dirname "$TOKEN_FILE")" ]; then
  item 1 token_file_writable pass "$TOKEN_FILE" "$TOKEN_FILE and its directory are writable"
else
  item 1 token_file_writable fail "$TOKEN_FILE" "$TOKEN_FILE is missing, or it or its directory is not writable"
fi
verify_item migrations_unique_durable migrations unique_client_order_id durable_commit
if bash "$SRC/scripts/smoke_test.sh" "$BIN" "$SRC" > "$WORK/smoke.txt" 2>&1; then
  item 1 trader_metrics pass "scripts/smoke_test.sh" "$(grep -m1 'GET /metrics' "$WORK/smoke.txt" | sed 's/^ok - //'); $(grep -m1 'incrementing' "$WORK/smoke.txt" | sed 's/^ok - //')"
else
  item 1 trader_metrics fail "scripts/smoke_test.sh" "$(grep -m1 'SMOKE FAIL' "$WORK/smoke.txt" || tail -n 1 "$WORK/smoke.txt")"
fi
drill_item 1 kill_path_2s_under_load red-team kill_churn '.flatten_duration_ms <= 2000 and .entries_before_resume == 0' \
  "flatten within 2 s and no entry before resume"
drill_item 1 eod_in_replay red-team eod_race '.venue_open_orders == 0 and .stops_tightened >= 1' "tightened and nothing open"

# ---- Gate 2: the ten red-team drills -------------------------------------------------------
TEN="ws_drop stale_limit partial_fill illiquidity redis_down pg_restart clock_skew network_flap eod_race kill_churn"
for d in $TEN; do drill_item 2 "red_team_$d" red-team "$d"; done

# ---- Gate 3: three burn-in days ------------------------------------------------------------
sql() {
  if [ -n "${DATABASE_URL:-}" ]; then psql "$DATABASE_URL" -At -v ON_ERROR_STOP=1 -c "$1" 2>&1
  else sqlite3 -bail "$DB" "$1" 2>&1; fi
}
DAYS=$(sql "SELECT DISTINCT trading_day FROM engine_checkpoint WHERE trading_day <> '' ORDER BY 1 DESC LIMIT 3") || DAYS=""
n=0
for day in $DAYS; do
  [[ "$day" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || continue
  n=$((n + 1))
  f=$(ls -1 "$REPORTS/burnin-report-${day//-/}.json" 2> /dev/null)
  if [ -z "$f" ]; then item 3 "burnin_day_$day" fail "" "no burn-in report for $day in $REPORTS (make post-close)"; continue; fi
  age=$(((NOW - $(stat -c %Y "$f")) / 86400))
  d=$(jq -c --arg day "$day" '.days[] | select(.trading_day == $day)' "$f")
  shas=$(sql "SELECT DISTINCT config_sha FROM orders WHERE trading_day = '$day'" | tr '\n' ' ')
  if [ "$age" -gt "$BURNIN_AGE_D" ]; then item 3 "burnin_day_$day" fail "$f" "the report is $age days old (limit $BURNIN_AGE_D)"
  elif [ -z "$d" ]; then item 3 "burnin_day_$day" fail "$f" "the report does not cover $day"
  elif [ "$(jq -r .pass <<< "$d")" != true ]; then item 3 "burnin_day_$day" fail "$f" "failed gates: $(jq -r '[.gates[] | select(.pass | not) | .gate] | join(", ")' <<< "$d")"
  elif [ "$shas" != "$SHA " ]; then item 3 "burnin_day_$day" fail "$f" "$day traded under config_sha ${shas:-none}, not the configuration going LIVE (${SHA:0:12})"
  else item 3 "burnin_day_$day" pass "$f" "$(jq -r '[.gates[]] | length' <<< "$d") gates passed; $(jq -r '.counts | to_entries | map("\(.key) \(.value)") | join(", ")' <<< "$d" | cut -c1-100)"; fi
done
[ "$n" -ge 3 ] || item 3 burnin_three_days fail "$DB" "the store holds $n burn-in day(s), not 3"
for c in reconcile idempotency-check; do
  if "$BIN" "$c" --db "$DB" --all-days > "$WORK/$c.txt" 2>&1; then
    item 3 "${c//-/_}_all_days" pass "aitrapp $c --all-days" "$(tail -n 1 "$WORK/$c.txt")"
  else
    item 3 "${c//-/_}_all_days" fail "aitrapp $c --all-days" "$(grep -m1 '^FAIL' "$WORK/$c.txt" || tail -n 1 "$WORK/$c.txt")"
  fi
done

# ---- Gate 4: final validation --------------------------------------------------------------
drill_item 4 flatten_2s_under_load red-team kill_churn '.flatten_duration_ms <= 2000' "flatten within 2 s"
drill_item 4 leader_lock_dual_runner failure dual_runner '.leaders_by_metric == 1' "one leader"
drill_item 4 eod_1520_1525_ist red-team clock_skew '.tighten_late_ms <= 5000 and .hard_flat_late_ms <= 5000' "tighten and flat on time"
pc=$(ls -1 "$REPORTS"/post-close-*.json 2> /dev/null | sort | tail -n 1)
if [ -z "$pc" ]; then item 4 reports_clean fail "" "no post-close manifest in $REPORTS (make post-close)"
elif [ $(((NOW - $(stat -c %Y "$pc")) / 3600)) -gt $((MAX_AGE_H + 24 * BURNIN_AGE_D)) ]; then item 4 reports_clean fail "$pc" "the latest post-close is too old"
elif [ "$(jq -r .config_sha "$pc")" != "$SHA" ]; then item 4 reports_clean fail "$pc" "post-close under config_sha $(jq -r .config_sha "$pc" | cut -c1-12), not ${SHA:0:12}"
elif [ "$(jq -r .pass "$pc")" != true ]; then item 4 reports_clean fail "$pc" "failed: $(jq -r '[.checks[] | select(.result == "fail") | .check] | join(", ")' "$pc")"
else item 4 reports_clean pass "$pc" "post-close of $(jq -r .trading_day "$pc") clean: $(jq -r '[.checks[] | select(.result == "ok") | .check] | join(", ")' "$pc")"; fi

# ---- Verdict -------------------------------------------------------------------------------
FAILS=$(jq -s '[.[] | select(.pass | not)] | length' "$ITEMS")
VERDICT=$( [ "$FAILS" = 0 ] && echo GO || echo NO-GO )
STAMP=$(date +%Y%m%d)
jq -s --arg v "$VERDICT" --arg at "$(now_iso)" --arg c "$SHA" --arg cfg "${CONFIG:-embedded configs/app.yaml}" \
  --arg g "$(git_sha)" --argjson f "$FAILS" \
  '{verdict: $v, created: $at, config_sha: $c, config: $cfg, git_sha: $g, failed_items: $f,
    gates: [group_by(.gate)[] | {gate: .[0].gate, pass: all(.pass), items: .}]}' "$ITEMS" \
  > "$REPORTS/go-no-go-$STAMP.json"
{
  echo "# Go/no-go: $VERDICT"
  echo
  echo "$(now_iso), config_sha \`${SHA}\` (${CONFIG:-embedded configs/app.yaml}), git \`$(git_sha)\`"
  echo
  for g in 1 2 3 4; do
    echo "## Gate $g: $(jq -r --argjson g $g '.gates[] | select(.gate == $g) | if .pass then "PASS" else "FAIL" end' "$REPORTS/go-no-go-$STAMP.json")"
    echo
    echo "| item | result | evidence | detail |"
    echo "|---|---|---|---|"
    jq -r --argjson g "$g" 'select(.gate == $g) | "| \(.item) | \(if .pass then "PASS" else "**FAIL**" end) | \(.evidence) | \(.detail | gsub("\\|"; "/")) |"' "$ITEMS"
    echo
  done
} > "$REPORTS/go-no-go-$STAMP.md"

jq -r '"\(.gate)  \(.item | .[0:30] | . + " " * (30 - length))  \(if .pass then "PASS" else "FAIL" end)  \(.evidence | if . == "" then "-" else . end)\n      \(.detail)"' "$ITEMS"
echo
echo "$VERDICT: $FAILS item(s) failed; $REPORTS/go-no-go-$STAMP.json and .md"
[ "$VERDICT" = GO ]
