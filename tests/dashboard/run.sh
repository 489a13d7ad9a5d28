#!/usr/bin/env bash
# The dashboard's browser test: installs the pinned playwright-core (package-lock.json, no browser
# download: it drives Debian's Chromium) when missing or when the lock changed, starts a real
# `aitrapp run` (PAPER, on a bundled day, no Redis) and runs dashboard.test.mjs against it.
# Usage: run.sh AITRAPP_BINARY SOURCE_DIR OUTPUT_DIR
set -euo pipefail
BIN=$1 SRC=$2 OUT=$3
DIR=$SRC/tests/dashboard
CHROMIUM=$(command -v chromium-headless-shell || command -v chromium || true)
[ -n "$CHROMIUM" ] || { echo "dashboard: no headless Chromium (scripts/bootstrap.sh installs chromium-headless-shell)" >&2; exit 1; }
bash "$SRC/tests/support/npm_ci.sh" "$DIR"

WORK=$(mktemp -d)
cleanup() {
  [ -n "${RUN_PID:-}" ] && kill "$RUN_PID" 2> /dev/null || true
  wait 2> /dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$OUT"
unset REDIS_URL DATABASE_URL AITRAPP_API_TOKEN
cd "$WORK"
# 120x: two exchange minutes per wall second, so the first position opens within seconds and
# lasts long enough for the kill switch to find it.
"$BIN" run --data "$SRC/data/nse/2022-04-01" --speed 120 --db run.sqlite --port 0 \
  --port-file port --token-file token --reports-dir "$WORK/reports" > run.log 2>&1 &
RUN_PID=$!
for _ in $(seq 100); do [ -s port ] && break; sleep 0.1; done
[ -s port ] || { cat run.log >&2; exit 1; }
grep -q "^dashboard: http://127.0.0.1:$(cat port)/$" run.log \
  || { echo "dashboard: the boot line does not print the dashboard URL" >&2; cat run.log >&2; exit 1; }
mkdir -p reports && echo '{}' > reports/drills-example.json
export AITRAPP_URL=http://127.0.0.1:$(cat port) AITRAPP_TOKEN=$(cat token) CHROMIUM OUT
node --test --test-reporter=spec "$DIR/dashboard.test.mjs" || { tail -20 run.log >&2; exit 1; }
echo "screenshots: $OUT/dashboard-live.png, dashboard-kill-confirm.png, dashboard-flat.png"
