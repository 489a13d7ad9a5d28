#!/usr/bin/env bash
# The room map holds for src/, and the check catches a planted back-arrow.
set -euo pipefail
SRC=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
bash "$SRC/scripts/check_rooms.sh" "$SRC/src" || fail "src/ goes against the room map (above)"
echo "src/: every include keeps the room map"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp -r "$SRC/src" "$WORK/src"
sed -i '0,/^#include "core/s//#include "engine\/engine.hpp"\n#include "core/' "$WORK/src/core/text.cpp"
sed -i '0,/^#include "venue\/messages.hpp"/s//#include "venue\/messages.hpp"\n#include "oms\/throttle.hpp"/' \
  "$WORK/src/venue/kite/kite_venue.hpp"
set +e
bash "$SRC/scripts/check_rooms.sh" "$WORK/src" > "$WORK/out.txt" 2>&1
rc=$?
set -e
cat "$WORK/out.txt"
[ $rc = 1 ] || fail "planted back-arrows: exit $rc, expected 1"
grep -qE '^core/text.cpp:[0-9]+: core -> engine' "$WORK/out.txt" || fail "core -> engine not caught"
grep -qE '^venue/kite/kite_venue.hpp:[0-9]+: venue/kite -> oms' "$WORK/out.txt" || fail "venue/kite -> oms not caught"
[ "$(wc -l < "$WORK/out.txt")" = 2 ] || fail "more than the two planted includes reported"
