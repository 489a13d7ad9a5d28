#!/usr/bin/env bash
# The go-live drills against real processes: `aitrapp run` LIVE on the Kite simulator
# (`aitrapp venue-sim`, accelerated 100x) and, for the backend drills, PostgreSQL and Redis started
# privately on loopback. One driver and one output format for both sets:
#
#   scripts/drills.sh red-team   the ten drills of the final go/no-go list (make red-team-drills)
#   scripts/drills.sh failure    the burn-in plan's four and the hardening list's three
#                                (make failure-drills)
#
# Options: --only a,b (a subset, by name)  --list  --bin PATH (default build/aitrapp)
#          --out DIR (default reports)  --config FILE (the configuration going LIVE, whose
#          config_sha the report records; default the embedded configs/app.yaml)
#          --servers DIR (running test servers, from scripts/test_servers.sh start)
#
# Each drill prints one human line, PASS or FAIL with what it saw, and adds one JSON object
# (drill, pass, duration_s, the numbers it checked) to reports/drills-<kind>-YYYYMMDD-HHMMSS.json;
# its full log lands beside it. The exit status is non-zero when any drill failed. The drills'
# code is the end-to-end tests' (tests/integration/kite_test.sh and backends_test.sh), which
# `make test` runs too.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

# name | sets | script | case | what passing means
DRILLS='ws_drop|red-team failure|kite|ws_drop|broker WebSocket killed mid-position: reconnect, resubscribe, no duplicate children
stale_limit|red-team|kite|stale_limit|a stale LIMIT rejected for the price band: one venue row, bounded retries
partial_fill|red-team|kite|partial_fill|a tiny partial fill: children for the filled part, remainder repriced on tick inside the freeze
illiquidity|red-team|kite|illiquidity|spread widened past max_spread_bps: SPREAD_ILLIQUID blocks, no entry while wide
redis_down|red-team failure|backends|redis_bounce|Redis stopped: trading continues, the event feed pauses and resumes
pg_restart|red-team|backends|pg_bounce|PostgreSQL bounced: journal, recover, no lost fill, idempotency holds
clock_skew|red-team|kite|clock_skew|both processes in TZ=America/New_York: time stops still 15:20/15:25 IST from config
network_flap|red-team|kite|refuse|every connection refused for 10 s: no duplicate orders after recovery
eod_race|red-team|kite|eod_race|a position open at 15:19: tightened at 15:20, flat by 15:25, nothing open
kill_churn|red-team|kite|kill_churn|kill switch during fill churn: flat within 2 s, entries blocked until resume
order_rejection|failure|kite|stale_limit|a LIMIT rejected by the exchange: bounded retries, one row per order id
wide_spreads|failure|kite|illiquidity|spreads wider than the threshold: risk block, no new entries
dual_runner|failure|backends|takeover|a second runner on the same Redis and database trades nothing; one leader by metric
ws_flap_children|failure|kite|ws_flap_children|ticker cut while an entry'"'"'s children are placed: no duplicate SL/TP
band_jump|failure|kite|band_jump|the exchange narrows its band: entries beyond it refused before sending (FREEZE_BAND)'

KIND=${1:-}
[ "$KIND" = red-team ] || [ "$KIND" = failure ] || usage
shift
BIN=$SRC/build/aitrapp OUT=reports ONLY="" SERVERS="" CONFIG="" LIST=0
while [ $# -gt 0 ]; do
  case "$1" in
    --only) ONLY=${2:?--only needs names}; shift 2 ;;
    --bin) BIN=${2:?}; shift 2 ;;
    --out) OUT=${2:?}; shift 2 ;;
    --config) CONFIG=${2:?}; shift 2 ;;
    --servers) SERVERS=${2:?}; shift 2 ;;
    --list) LIST=1; shift ;;
    *) echo "drills: unknown option '$1'" >&2; usage ;;
  esac
done
# shellcheck disable=SC1091
source "$SRC/scripts/lib/evidence.sh"

SELECTED=()
while IFS='|' read -r name sets _ _ what; do
  [[ " $sets " == *" $KIND "* ]] || continue
  [ -z "$ONLY" ] || [[ ",$ONLY," == *",$name,"* ]] || continue
  SELECTED+=("$name")
  [ $LIST = 1 ] && printf '%-18s %s\n' "$name" "$what"
done <<< "$DRILLS"
[ $LIST = 1 ] && exit 0
if [ -n "$ONLY" ]; then
  for n in ${ONLY//,/ }; do
    [[ " ${SELECTED[*]} " == *" $n "* ]] || { echo "drills: '$n' is not a $KIND drill (--list shows them)" >&2; exit 2; }
  done
fi
[ -x "$BIN" ] || { echo "drills: no aitrapp binary at $BIN (make build)" >&2; exit 2; }
[ -z "$CONFIG" ] || [ -r "$CONFIG" ] || { echo "drills: cannot read --config $CONFIG" >&2; exit 2; }

mkdir -p "$OUT"
# The log directory claims the report's name: two runs started in one second (tests running
# drills side by side) take consecutive seconds instead of one file.
for _ in $(seq 30); do
  STAMP=$(now_stamp)
  mkdir "$OUT/drills-$KIND-$STAMP" 2> /dev/null && break
  sleep 1
done
REPORT="$OUT/drills-$KIND-$STAMP.json" LOGS="$OUT/drills-$KIND-$STAMP"
[ -d "$LOGS" ] || { echo "drills: cannot create $LOGS" >&2; exit 1; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/aitrapp-drills.XXXXXX")
OWN_SERVERS=""
cleanup() {
  [ -n "$OWN_SERVERS" ] && bash "$SRC/scripts/test_servers.sh" stop "$OWN_SERVERS" > /dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT

needs_servers() {
  local n script
  for n in "${SELECTED[@]}"; do
    script=$(awk -F'|' -v n="$n" '$1 == n { print $3 }' <<< "$DRILLS")
    [ "$script" = backends ] && return 0
  done
  return 1
}
if needs_servers && [ -z "$SERVERS" ]; then
  OWN_SERVERS="$WORK/servers" SERVERS="$WORK/servers"
  chmod 755 "$WORK"  # as root, PostgreSQL runs as `postgres`, which must reach its directory
  bash "$SRC/scripts/test_servers.sh" start "$SERVERS" > "$LOGS/servers.log" 2>&1 \
    || { echo "drills: could not start PostgreSQL and Redis: $(tail -3 "$LOGS/servers.log")" >&2; exit 1; }
fi

echo "$KIND drills: ${#SELECTED[@]} against $BIN (git $(git_sha)); evidence in $REPORT"
STARTED=$(now_iso) SHA=$(config_sha "$CONFIG") FAILED=0 LINES=()
for name in "${SELECTED[@]}"; do
  IFS='|' read -r _ _ script case what < <(awk -F'|' -v n="$name" '$1 == n' <<< "$DRILLS")
  args=("$BIN" "$SRC")
  [ "$script" = backends ] && args+=("$SERVERS")
  log="$LOGS/$name.log" ev="$WORK/$name.evidence"
  : > "$ev"
  t0=$(date +%s%N)
  set +e
  DRILL_EVIDENCE=$ev bash "$SRC/tests/integration/${script}_test.sh" "$case" "${args[@]}" \
    > "$WORK/stdout" 2> "$WORK/stderr"
  rc=$?
  set -e
  cat "$WORK/stdout" "$WORK/stderr" > "$log"
  secs=$(awk -v n=$(($(date +%s%N) - t0)) 'BEGIN { printf "%.1f", n / 1e9 }')
  if [ $rc = 0 ]; then
    pass=true saw=$(grep -v '^\s*$' "$WORK/stdout" | tail -n 1 || true)
    printf 'PASS  %-18s %6s s  %s\n' "$name" "$secs" "$saw"
  else
    pass=false FAILED=$((FAILED + 1))
    saw=$(grep -m1 '^FAIL' "$log" || tail -n 1 "$WORK/stderr")
    [ -n "$saw" ] || saw="exited $rc with no output"
    printf 'FAIL  %-18s %6s s  %s (log: %s)\n' "$name" "$secs" "$saw" "$log"
  fi
  LINES+=("$(jq -nc --arg d "$name" --arg k "$KIND" --argjson p $pass --argjson s "$secs" \
    --arg w "$what" --arg saw "$saw" --arg c "${script}_test.sh $case" --arg log "$log" \
    --slurpfile e "$ev" \
    '{drill: $d, kind: $k, pass: $p, duration_s: $s, checks: $w, saw: $saw, evidence: ($e | add // {}),
      code: $c, log: $log}')")
done

{
  jq -nc --arg k "$KIND" --arg st "$STARTED" --arg fi "$(now_iso)" --arg g "$(git_sha)" \
    --arg c "$SHA" --arg b "$BIN" --argjson n ${#SELECTED[@]} --argjson f $FAILED \
    '{kind: $k, started: $st, finished: $fi, git_sha: $g, config_sha: $c, binary: $b,
      drills_run: $n, failed: $f, pass: ($f == 0)}' | sed 's/}$/, "drills": [/'
  sep=""
  for l in "${LINES[@]}"; do printf '%s\n%s' "$sep" "$l"; sep=","; done
  printf '\n]}\n'
} > "$REPORT.tmp"
jq -e . "$REPORT.tmp" > /dev/null || { echo "drills: the report is not valid JSON: $REPORT.tmp" >&2; exit 1; }
mv "$REPORT.tmp" "$REPORT"
if [ $FAILED = 0 ]; then
  echo "$KIND drills: all ${#SELECTED[@]} passed ($REPORT)"
else
  echo "$KIND drills: $FAILED of ${#SELECTED[@]} FAILED ($REPORT)"
  exit 1
fi
