#!/usr/bin/env bash
# `make bench`: a private PostgreSQL (and Redis) on loopback for the durable rows, then every
# benchmark in the release build, then one table. Extra arguments go to the benchmark binary,
# e.g. scripts/bench.sh build --benchmark_filter=1_replay
set -euo pipefail
build=${1:-build}
shift || true
dir=$(mktemp -u /tmp/aitrapp-bench.XXXXXX)
here=$(cd "$(dirname "$0")" && pwd)
trap 'bash "$here/test_servers.sh" stop "$dir" >/dev/null 2>&1 || true' EXIT
bash "$here/test_servers.sh" start "$dir"
# shellcheck disable=SC1091
source "$dir/env"
# Only the durable-store rows use it; the paper-day benchmark keeps its embedded SQLite store.
export AITRAPP_BENCH_DATABASE_URL=$DATABASE_URL
unset DATABASE_URL REDIS_URL
"$build/bench/aitrapp_bench" --benchmark_repetitions="${BENCH_REPETITIONS:-5}" "$@"
