# Helpers for the tests that drive `aitrapp run` processes, sourced by backends_test.sh and
# service_test.sh. The caller sets BIN, DAY and PIDS (an array), has an app.yaml in the working
# directory and defines fail.

# `aitrapp run` in the background; its port lands in NAME.port, its pid in NAME_PID.
start_run() {
  local name=$1; shift
  "$BIN" run --config app.yaml --data "$DAY" --port 0 --port-file "$name.port" \
    --instance-id "$name" "$@" > "$name.log" 2>&1 &
  PIDS+=($!)
  eval "${name}_PID=$!"
  for _ in $(seq 100); do [ -s "$name.port" ] && break; sleep 0.1; done
  [ -s "$name.port" ] || fail "$name did not start"
}
url() { echo "http://127.0.0.1:$(cat "$1.port")"; }
health() { curl -s "$(url "$1")/health"; }
metric() { curl -s "$(url "$1")/metrics" | awk -v n="$2" '$1 == n { print $2 }'; }
wait_for() { # wait_for SECONDS COMMAND...
  local limit=$1; shift
  for _ in $(seq $((limit * 10))); do "$@" && return 0; sleep 0.1; done
  return 1
}
is_leader() { [ "$(health "$1" | jq -r .checks.leader.ok)" = true ]; }
replay_done() { [ "$(health "$1" | jq -r .checks.market_data.replay_done)" = true ]; }
