#!/usr/bin/env bash
# make fuzz: each libFuzzer target of BUILD_DIR (configured with -DAITRAPP_FUZZ=ON, clang) for
# SECONDS, starting from its stored corpus (tests/fuzz/corpus/<target>, read only) with new inputs
# kept in BUILD_DIR/corpus/<target>; a crash is saved to BUILD_DIR/crashes/ and fails the run.
# FUZZ_MERGE=1 merges what was found into the stored corpus (commit it, with the fix, as a
# regression input that `make test` replays).
# Usage: scripts/fuzz.sh BUILD_DIR [SECONDS]
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:?usage: fuzz.sh BUILD_DIR [SECONDS]} SECONDS_EACH=${2:-60}
FAILED=()
for t in kite_ticks kite_rest bar_csv config api_body; do
  bin="$DIR/tests/fuzz/fuzz_$t"
  [ -x "$bin" ] || { echo "fuzz: no $bin (cmake --build $DIR --target fuzz_targets)" >&2; exit 2; }
  mkdir -p "$DIR/corpus/$t" "$DIR/crashes"
  echo "fuzz_$t: ${SECONDS_EACH} s"
  if "$bin" -max_total_time="$SECONDS_EACH" -print_final_stats=1 -artifact_prefix="$DIR/crashes/$t-" \
    "$DIR/corpus/$t" "$SRC/tests/fuzz/corpus/$t" > "$DIR/fuzz_$t.log" 2>&1; then
    echo "  $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$DIR/fuzz_$t.log" | awk '{print $2}') runs, no crash"
  else
    echo "  CRASH: $(grep -m1 -E 'ERROR|SUMMARY|runtime error' "$DIR/fuzz_$t.log")"
    echo "  input: $(ls -t "$DIR/crashes/$t-"* 2> /dev/null | head -n 1)"
    FAILED+=("$t")
  fi
  if [ "${FUZZ_MERGE:-0}" = 1 ]; then
    "$bin" -merge=1 "$SRC/tests/fuzz/corpus/$t" "$DIR/corpus/$t" > /dev/null 2>&1
  fi
done
[ ${#FAILED[@]} = 0 ] || { echo "fuzz: crashes in ${FAILED[*]}" >&2; exit 1; }
echo "fuzz: no crash in 5 targets"
