# AITRAPP: `make run` and `make test` do everything on a fresh Debian machine.
JOBS        ?= 2
BUILD_DIR   ?= build
ASAN_DIR    ?= build-asan
DAY         ?= data/nse/2022-04-01
SPEED       ?= 600
# The operator's store: never deleted by make; a restart resumes its day (with DATABASE_URL set it
# keeps only local files, among them the simulated venue's journal, which PostgreSQL's day needs).
RUN_DB      ?= var/run.sqlite
# The demo store of `make run`, fresh on every start (it holds nothing but the demo).
DEMO_DB     ?= var/demo.sqlite
PORT        ?= 8000
DASHBOARD_PORT ?= 3000
# The burn-in's days (`make burnin`): every bundled day, replayed in date order on $(RUN_DB).
BURNIN_DAYS ?= data/nse
# Days `make burnin-report` judges, ending at the latest in the store (REPORT_ARGS adds more:
# --day YYYY-MM-DD, --strict, --out DIR).
REPORT_DAYS ?= 1
# Test processes at once: most end-to-end tests wait on accelerated clocks, not on the CPU.
TEST_JOBS   ?= 4

.PHONY: all bootstrap build build-asan run paper replay burnin burnin-report smoke-test migrate verify reconcile red-team-drills failure-drills post-close go-no-go fuzz test test-release test-asan bench format format-check clean

all: build

bootstrap:
	@scripts/bootstrap.sh

# Configure only after bootstrap has installed what CMake looks for (order-only: `make -j2 build`
# would otherwise run the two at once on a fresh machine).
$(BUILD_DIR)/CMakeCache.txt: | bootstrap
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release

build: bootstrap $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j$(JOBS)

$(ASAN_DIR)/CMakeCache.txt: | bootstrap
	cmake -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=Debug -DAITRAPP_SANITIZE=ON

build-asan: bootstrap $(ASAN_DIR)/CMakeCache.txt
	cmake --build $(ASAN_DIR) -j$(JOBS)

# The service: a PAPER session over a bundled real NSE day on an accelerated simulated clock,
# with the operator API on 127.0.0.1:$(PORT) and the dashboard on it and on :$(DASHBOARD_PORT)
# (http://localhost:3000, as the runbook opens it). Ctrl-C stops it. `make run` starts the demo on a
# fresh $(DEMO_DB) (with DATABASE_URL set: on PostgreSQL, deleting nothing); `make paper` runs on
# $(RUN_DB), which it never deletes: run it again after a stop and it resumes the day.
run: build
	@mkdir -p var logs
	@$(if $(DATABASE_URL),,rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm $(DEMO_DB).journal)
	$(BUILD_DIR)/aitrapp run --data $(DAY) --speed $(SPEED) --db $(if $(DATABASE_URL),$(RUN_DB),$(DEMO_DB)) --port $(PORT) --dashboard-port $(DASHBOARD_PORT)

paper: build
	@mkdir -p var logs
	$(BUILD_DIR)/aitrapp run --data $(DAY) --speed $(SPEED) --db $(RUN_DB) --port $(PORT) --dashboard-port $(DASHBOARD_PORT)

# The same day (or DAYS="dir dir ...", several in date order) as a batch replay at full speed on
# a fresh var/replay.sqlite, ending with each day's summary (and the total).
DAYS ?= $(DAY)
replay: build
	@mkdir -p var logs
	@rm -f var/replay.sqlite var/replay.sqlite-wal var/replay.sqlite-shm
	$(BUILD_DIR)/aitrapp paper $(foreach d,$(DAYS),--data $(d)) --db var/replay.sqlite \
	  --summary-json var/replay-summary.json --progress

# The paper burn-in on the operator's store (DATABASE_URL, or $(RUN_DB), never deleted): the days
# of $(BURNIN_DAYS) one after the other; days the store already holds to their end replay nothing.
burnin: build
	@mkdir -p var logs
	$(BUILD_DIR)/aitrapp paper $(foreach d,$(BURNIN_DAYS),--data $(d)) --db $(RUN_DB)

# The evening's judgement: burnin-report-YYYYMMDD.{txt,html,json} in the current directory.
burnin-report: build
	$(BUILD_DIR)/aitrapp burnin-report --db $(RUN_DB) --days $(REPORT_DAYS) $(REPORT_ARGS)

# The store: DATABASE_URL (postgresql://...) when set, otherwise the SQLite file $(RUN_DB).
migrate: build
	$(BUILD_DIR)/aitrapp migrate --db $(RUN_DB)

verify: build
	$(BUILD_DIR)/aitrapp verify --db $(RUN_DB)

# The latest trading day in the store; RECONCILE_ARGS="--day YYYY-MM-DD" or "--all-days".
reconcile: build
	$(BUILD_DIR)/aitrapp reconcile --db $(RUN_DB) $(RECONCILE_ARGS)

smoke-test: build
	scripts/smoke_test.sh $(BUILD_DIR)/aitrapp .

# The go-live day (docs/go-live.md). Each prints evidence, writes it under reports/ and exits
# non-zero on a failure. CONFIG is the configuration going LIVE (default: the embedded one);
# DRILL_ARGS="--only ws_drop,eod_race" runs a subset.
CONFIG ?=
red-team-drills: build
	scripts/drills.sh red-team --bin $(BUILD_DIR)/aitrapp $(if $(CONFIG),--config $(CONFIG)) $(DRILL_ARGS)

failure-drills: build
	scripts/drills.sh failure --bin $(BUILD_DIR)/aitrapp $(if $(CONFIG),--config $(CONFIG)) $(DRILL_ARGS)

# After the close, on RUN_DB / DATABASE_URL: flat, reconcile, the day's report, a snapshot and
# reports/post-close-YYYYMMDD.tar.gz. POST_CLOSE_ARGS="--kite-root URL" asks Kite too.
post-close: build
	scripts/post_close.sh --bin $(BUILD_DIR)/aitrapp --db $(RUN_DB) $(if $(CONFIG),--config $(CONFIG)) $(POST_CLOSE_ARGS)

# The four gates from the evidence above; exit 0 only on GO. GATE_ARGS="--kite-root URL
# --token-file FILE" for the credential items.
go-no-go: build
	scripts/go_no_go.sh --bin $(BUILD_DIR)/aitrapp --db $(RUN_DB) $(if $(CONFIG),--config $(CONFIG)) $(GATE_ARGS)

test: format-check test-release test-asan

test-release: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j$(TEST_JOBS)

test-asan: build-asan
	cd $(ASAN_DIR) && ctest --output-on-failure -j$(TEST_JOBS)

# Release benchmarks, five repetitions each, with a private PostgreSQL for the durable rows; one
# table at the end (docs/benchmarks.md). BENCH_ARGS=--benchmark_filter=1_replay runs a subset.
bench: build
	scripts/bench.sh $(BUILD_DIR) $(BENCH_ARGS)

# libFuzzer on every parser of outside input (Debian's clang), FUZZ_SECONDS (60) per target, in
# its own build directory; `make test` replays the stored corpus (tests/fuzz/corpus).
FUZZ_DIR     ?= build-fuzz
FUZZ_SECONDS ?= 60
fuzz:
	@scripts/bootstrap.sh --fuzz
	@[ -f $(FUZZ_DIR)/CMakeCache.txt ] || CXX=clang++ cmake -S . -B $(FUZZ_DIR) \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAITRAPP_FUZZ=ON
	cmake --build $(FUZZ_DIR) -j$(JOBS) --target fuzz_targets
	scripts/fuzz.sh $(FUZZ_DIR) $(FUZZ_SECONDS)

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

format-check: bootstrap
	clang-format --dry-run --Werror $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(FUZZ_DIR)
