#!/usr/bin/env bash
# Conformance with ccxt's Bitget client: installs the pinned npm `ccxt` (package-lock.json) when
# it is missing or the lock changed, starts `aitrapp venue-sim --venue bitget` on loopback over
# the bundled perpetual month, and runs bitget_client.test.mjs against it.
# Usage: run.sh AITRAPP_BINARY SOURCE_DIR
set -euo pipefail
BIN=$1 SRC=$2
DIR=$SRC/tests/conformance/ccxt
bash "$SRC/tests/support/npm_ci.sh" "$DIR"

WORK=$(mktemp -d)
cleanup() {
  [ -n "${SIM_PID:-}" ] && kill "$SIM_PID" 2> /dev/null || true
  wait 2> /dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

export BITGET_API_KEY=conformance_key BITGET_API_SECRET=conformance_secret
export BITGET_PASSPHRASE=conformance_pass
"$BIN" venue-sim --venue bitget --config "$SRC/configs/bitget.yaml" \
  --data "$SRC/data/crypto/btc-perp-20211231-20220201_1m.csv" --port 0 --control-port 0 \
  --port-file "$WORK/ports" --speed 60 --start 00:00 > "$WORK/sim.log" 2>&1 &
SIM_PID=$!
for _ in $(seq 100); do [ -s "$WORK/ports" ] && break; sleep 0.1; done
read -r PORT CONTROL < "$WORK/ports" || { cat "$WORK/sim.log" >&2; exit 1; }
export SIM_ROOT=http://127.0.0.1:$PORT SIM_CONTROL=http://127.0.0.1:$CONTROL
node --test --test-reporter=spec "$DIR/bitget_client.test.mjs" || { tail -20 "$WORK/sim.log" >&2; exit 1; }
