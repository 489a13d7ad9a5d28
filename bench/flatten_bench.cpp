// Issue 6 row 3: time to flat. N open bracketed positions (entry filled, stop-loss and
// take-profit working) on N synthetic instruments, built through the real replay (engine,
// SQLite with a durable commit per step, the in-process venue with 40 ms each way and no rate
// limit of its own); then flatten() is timed until the engine is flat. Building the positions
// is not timed. sim_ms is the simulated time to flat (two order round trips).
#include <benchmark/benchmark.h>

#include <filesystem>

#include "../tests/support/many_positions.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace aitrapp::bench {
namespace {

void BM_FlattenOpenPositions(benchmark::State& st) {
  const int n = static_cast<int>(st.range(0));
  const AppConfig cfg = support::many_positions_config(n, 1'000'000, 1'000'000);
  const auto dir = std::filesystem::temp_directory_path() / "aitrapp_bench_flatten";
  TradingCalendar cal(cfg.engine.timezone, cfg.engine.session);
  int run = 0;
  double sim_ms = 0, steps = 0;
  for (auto _ : st) {
    st.PauseTiming();
    std::filesystem::remove_all(dir);
    store::SqliteStore store((dir / ("flatten" + std::to_string(run++) + ".sqlite")).string());
    NullLog log;
    DayReplay replay(cfg, support::many_positions_day(cfg, n, 1'000'000, false), store, store, log);
    replay.start();
    support::replay_until(replay, cal.local_to_utc(20220401, 9 * 60 + 25, 0));
    if (replay.engine().portfolio().open_positions() != n) {
      st.SkipWithError("scenario did not open every position");
      break;
    }
    const TimeMs kill_at = replay.now();
    st.ResumeTiming();
    replay.engine().flatten("drill");
    replay.after_command();
    const int64_t k = support::replay_until_flat(replay);
    st.PauseTiming();
    if (k < 0) st.SkipWithError("never flat");
    sim_ms = static_cast<double>(replay.now() - kill_at);
    steps = static_cast<double>(k);
    st.ResumeTiming();
  }
  st.counters["sim_ms"] = sim_ms;
  st.counters["replay_events"] = steps;
  std::filesystem::remove_all(dir);
}

}  // namespace

void register_flatten_benchmarks() {
  for (int n : {10, 100, 1000})
    benchmark::RegisterBenchmark(("3_flatten/in_process_sqlite/" + std::to_string(n)).c_str(),
                                 BM_FlattenOpenPositions)
        ->Arg(n)
        ->Unit(benchmark::kMillisecond)
        ->Iterations(1);
}

}  // namespace aitrapp::bench
