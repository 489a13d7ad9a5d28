# shellcheck shell=bash
# Shared by the venue drills (kite_test.sh, bitget_test.sh): a venue simulator and `aitrapp run`
# against it in a fresh working directory. The caller sets CASE, BIN and SRC and sources this
# file; it then works in $WORK, removed with both processes at exit, and sets SIM_PID and
# RUN_PID when it starts them.
WORK=$(mktemp -d)
cleanup() {
  [ -n "${RUN_PID:-}" ] && kill "$RUN_PID" 2> /dev/null || true
  [ -n "${SIM_PID:-}" ] && kill "$SIM_PID" 2> /dev/null || true
  wait 2> /dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() {
  echo "FAIL ($CASE): $*" >&2
  tail -n 20 "$WORK/run.log" "$WORK/sim.log" >&2 || true
  exit 1
}
cd "$WORK" || exit 1

# evidence KEY VALUE: the numbers a drill checked, for scripts/drills.sh's report.
# shellcheck disable=SC1091
source "$SRC/scripts/lib/evidence.sh"

# start_sim ARGS...: `venue-sim ARGS` in the background on free ports, read into PORT (the
# venue) and CONTROL (its control API).
start_sim() {
  "$BIN" venue-sim "$@" --port 0 --control-port 0 --port-file ports > sim.log 2>&1 &
  SIM_PID=$!
  for _ in $(seq 50); do [ -s ports ] && break; sleep 0.1; done
  read -r PORT CONTROL < ports || fail "venue-sim did not start"
}
ctl() { curl -sf -X POST "http://127.0.0.1:$CONTROL$1" > /dev/null || fail "control $1"; }
stats() { curl -sf "http://127.0.0.1:$CONTROL/stats"; }
q() { sqlite3 run.sqlite "$1"; }
metric() { curl -sf "http://127.0.0.1:$(cat api_port)/metrics" | awk -v n="$1" '$1 == n { print $2 }'; }
# Waits up to $1 seconds for the command in $2 to succeed, while `aitrapp run` lives.
wait_for() {
  local limit=$(($1 * 10))
  for _ in $(seq "$limit"); do
    eval "$2" > /dev/null 2>&1 && return 0
    kill -0 "$RUN_PID" 2> /dev/null || fail "aitrapp run exited"
    sleep 0.1
  done
  fail "timed out waiting for: $2"
}
