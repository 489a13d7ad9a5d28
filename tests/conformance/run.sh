#!/usr/bin/env bash
# Conformance with Zerodha's own client: installs the pinned npm `kiteconnect` (package-lock.json)
# when it is missing or the lock changed, starts `aitrapp venue-sim --venue kite` on loopback with
# credentials but no access token (the client must log in), and runs kite_client.test.mjs on it.
# Usage: run.sh AITRAPP_BINARY SOURCE_DIR
set -euo pipefail
BIN=$1 SRC=$2
DIR=$SRC/tests/conformance
bash "$SRC/tests/support/npm_ci.sh" "$DIR"

WORK=$(mktemp -d)
cleanup() {
  [ -n "${SIM_PID:-}" ] && kill "$SIM_PID" 2> /dev/null || true
  wait 2> /dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

export KITE_API_KEY=conformance_key KITE_API_SECRET=conformance_secret
unset KITE_ACCESS_TOKEN
export SIM_DATA=$SRC/data/nse/2022-04-01 SIM_START=10:00
# 60x: an exchange minute per wall second, so the ticker sees dozens of ticks per instrument while
# the REST cases run, and orders fill on the next tick.
"$BIN" venue-sim --data "$SIM_DATA" --port 0 --control-port 0 --port-file "$WORK/ports" \
  --speed 60 --start "$SIM_START" > "$WORK/sim.log" 2>&1 &
SIM_PID=$!
for _ in $(seq 50); do [ -s "$WORK/ports" ] && break; sleep 0.1; done
read -r PORT CONTROL < "$WORK/ports" || { cat "$WORK/sim.log" >&2; exit 1; }
export SIM_ROOT=http://127.0.0.1:$PORT SIM_CONTROL=http://127.0.0.1:$CONTROL
node --test --test-reporter=spec "$DIR/kite_client.test.mjs" || { tail -20 "$WORK/sim.log" >&2; exit 1; }
