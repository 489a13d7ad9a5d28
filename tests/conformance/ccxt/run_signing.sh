#!/usr/bin/env bash
# Conformance of our Bitget signing with ccxt's: installs the pinned npm `ccxt`
# (package-lock.json) when it is missing or the lock changed, has it sign a set of private
# requests (sign_cases.mjs), and runs the simulator's signature check over them
# (BitgetCcxt.* in the unit tests). Usage: run_signing.sh AITRAPP_TESTS_BINARY SOURCE_DIR
set -euo pipefail
TESTS=$1 SRC=$2
DIR=$SRC/tests/conformance/ccxt
bash "$SRC/tests/support/npm_ci.sh" "$DIR"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
node "$DIR/sign_cases.mjs" > "$WORK/signed.json"
AITRAPP_CCXT_SIGNED=$WORK/signed.json "$TESTS" --gtest_filter='BitgetCcxt.*' 2>&1 \
  | tee "$WORK/out.txt"
grep -E '^\[  PASSED  \] 1 test' "$WORK/out.txt" > /dev/null \
  || { echo "conformance.ccxt_signing: the ccxt case did not run and pass" >&2; exit 1; }
