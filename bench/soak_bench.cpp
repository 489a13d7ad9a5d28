// Issue 6 row 6: memory over an accelerated soak. The EMA cross trades the whole BTC month (31
// days, about 15 times the 48 hours asked for) on the runtime with the durable SQLite
// store, a new trading day each UTC midnight. The resident set size is sampled every simulated
// hour; growth is the largest sample after the first day (the warm-up) against the sample at its
// end. The engine's live orders and the records it holds in memory are tracked alongside.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "bench/bench_stores.hpp"
#include "bench/bench_util.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "strategy/ema_cross_strategy.hpp"
#include "tests/support/perp_replay.hpp"

namespace aitrapp::bench {
using namespace aitrapp::support;
namespace {

void BM_SoakRss(benchmark::State& st) {
  const AppConfig cfg = perp_config();
  const auto& month = perp_month();
  const auto path = (std::filesystem::temp_directory_path() / "aitrapp_bench_soak.sqlite").string();
  constexpr size_t kWarmUpBars = 1440, kSampleEvery = 60;
  for (auto _ : st) {
    remove_sqlite(path);
    store::SqliteStore store(path);
    PerpReplay p(cfg, store, std::make_unique<EmaCrossStrategy>(EmaCrossParams{}));
    int64_t warm = 0, peak = 0, first = rss_kib();
    size_t held_max = 0, live_max = 0;
    for (size_t i = 0; i < month.size(); ++i) {
      p.bar(month[i]);
      held_max = std::max(held_max, p.engine().orders().size());
      live_max = std::max(live_max, p.engine().live_orders());
      if ((i + 1) % kSampleEvery != 0) continue;
      const int64_t rss = rss_kib();
      if (i + 1 == kWarmUpBars) warm = rss;
      if (i + 1 > kWarmUpBars) peak = std::max(peak, rss);
    }
    st.counters["bars"] = static_cast<double>(month.size());
    st.counters["rss_start_kib"] = static_cast<double>(first);
    st.counters["rss_warm_kib"] = static_cast<double>(warm);
    st.counters["rss_peak_kib"] = static_cast<double>(peak);
    st.counters["rss_growth_pct"] =
        warm > 0 ? 100.0 * static_cast<double>(peak - warm) / static_cast<double>(warm) : 0;
    st.counters["orders_held_max"] = static_cast<double>(held_max);
    st.counters["live_orders_max"] = static_cast<double>(live_max);
    st.counters["orders_total"] = static_cast<double>(p.engine().stats().orders);
  }
  remove_sqlite(path);
}

}  // namespace

void register_soak_benchmarks() {
  benchmark::RegisterBenchmark("6_soak/ema_cross_month_sqlite", BM_SoakRss)
      ->Unit(benchmark::kSecond)
      ->Iterations(1);
}

}  // namespace aitrapp::bench
