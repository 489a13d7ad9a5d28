#!/usr/bin/env bash
# The drill driver (scripts/drills.sh) as the operator runs it, checked through its report.
# Usage: drills_test.sh KIND DRILL|broken AITRAPP_BINARY SOURCE_DIR [OUT_DIR [SERVERS_DIR]]
#   KIND DRILL   runs that one drill: exit 0, a report with one passing drill, its numbers and
#                the build it ran under; the report stays in OUT_DIR (the go/no-go test reads
#                the drills' reports from there), in a scratch directory without one
#   KIND broken  runs a drill with a binary that cannot serve: a non-zero exit, and a report and
#                a FAIL line that say what was seen
set -euo pipefail
KIND=$1 DRILL=$2 BIN=$3 SRC=$4 OUT=${5:-} SERVERS=${6:-}
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/aitrapp-drills-test.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
OUT=${OUT:-$SCRATCH}
mkdir -p "$OUT"
fail() { echo "FAIL (drills $KIND $DRILL): $*" >&2; cat "$SCRATCH/stdout" >&2 2> /dev/null || true; exit 1; }

if [ "$DRILL" = broken ]; then
  OUT=$SCRATCH  # never among the reports the go/no-go test reads
  printf '#!/bin/sh\necho "no engine here" >&2\nexit 3\n' > "$OUT/broken"
  chmod +x "$OUT/broken"
  set +e
  bash "$SRC/scripts/drills.sh" "$KIND" --only eod_race --bin "$OUT/broken" --out "$OUT" > "$SCRATCH/stdout" 2>&1
  rc=$?
  set -e
  [ $rc = 1 ] || fail "a failed drill exited $rc"
  grep -q '^FAIL  eod_race .*venue-sim did not start' "$SCRATCH/stdout" || fail "no FAIL line naming what was seen"
  REPORT=$(ls "$OUT"/drills-"$KIND"-*.json)
  jq -e '.pass == false and .failed == 1 and .drills[0].pass == false
         and (.drills[0].saw | test("venue-sim did not start"))' "$REPORT" > /dev/null \
    || fail "report: $(cat "$REPORT")"
  [ -s "$(jq -r '.drills[0].log' "$REPORT")" ] || fail "the failed drill's log was not kept"
  echo "a broken binary: exit 1, FAIL line and report name what was seen"
  exit 0
fi

bash "$SRC/scripts/drills.sh" "$KIND" --only "$DRILL" --bin "$BIN" --out "$OUT" \
  ${SERVERS:+--servers "$SERVERS"} > "$SCRATCH/stdout" 2>&1 || fail "the drill failed"
REPORT=$(sed -n 's/.*; evidence in \(.*\)$/\1/p' "$SCRATCH/stdout")
[ -f "$REPORT" ] || fail "no report file named in the driver's output"
[[ "$(basename "$REPORT")" =~ ^drills-$KIND-[0-9]{8}-[0-9]{6}\.json$ ]] || fail "report name $REPORT"
jq -e --arg d "$DRILL" '.pass and .drills_run == 1 and (.config_sha | length == 64)
    and (.git_sha | length >= 40) and .drills[0].drill == $d and .drills[0].pass
    and .drills[0].duration_s > 0 and (.drills[0].evidence | length >= 3)
    and ((.drills[0].evidence | has("duplicate_tags") | not) or .drills[0].evidence.duplicate_tags == 0)' \
  "$REPORT" > /dev/null || fail "report: $(cat "$REPORT")"
grep "^PASS  $DRILL " "$SCRATCH/stdout"
