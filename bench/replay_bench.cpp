// Issue 6 row 1: replay throughput over the real BTC perpetual month (the file NautilusTrader's
// published backtest benchmarks use): its first 10,000 one-minute bars and the 10,000 quotes
// they close on, preloaded, through the whole pipeline with the store off. Four scenarios: no
// orders; 64 marketable orders; 64 resting limit orders cancelled at their timeout; an EMA cross
// that trades. Pinned to one core. The label is a digest of every request and answer: equal
// across repetitions, so a faster run is also the same run.
#include <benchmark/benchmark.h>

#include "bench/bench_util.hpp"
#include "strategy/ema_cross_strategy.hpp"
#include "tests/support/perp_replay.hpp"

namespace aitrapp::bench {
using namespace aitrapp::support;
namespace {

constexpr size_t kBars = 10'000;

enum Scenario { kReplayOnly, kMarket64, kLimit64Cancelled, kEmaCross };

AppConfig scenario_config(Scenario s) {
  if (s == kLimit64Cancelled)
    return perp_config(
        "oms: {orders_per_second: 1000, entry_timeout_ms: 60000, reprice_entries: false}");
  return perp_config();
}

std::unique_ptr<Strategy> scenario_strategy(Scenario s) {
  switch (s) {
    case kReplayOnly:
      return std::make_unique<ScriptedStrategy>(0, 1, 0, 0);
    case kMarket64:  // 5 bps through the touch: filled on the next quote
      return std::make_unique<ScriptedStrategy>(64, 150, 5, 10);
    case kLimit64Cancelled:  // 1% away: rests until cancelled at twice the 60 s timeout
      return std::make_unique<ScriptedStrategy>(64, 150, -100, 10);
    case kEmaCross:
      return std::make_unique<EmaCrossStrategy>(EmaCrossParams{});
  }
  return nullptr;
}

void BM_ReplayThroughput(benchmark::State& st) {
  const auto scenario = static_cast<Scenario>(st.range(0));
  const AppConfig cfg = scenario_config(scenario);
  const Price tick = cfg.engine.instruments.at("BTCUSDT").tick;
  const auto& month = perp_month();
  const size_t n = std::min(kBars, month.size());
  std::vector<Tick> quotes;
  std::vector<std::vector<Bar>> closes;
  for (size_t i = 0; i < n; ++i) {
    quotes.push_back(close_quote(month[i], tick));
    closes.push_back({month[i]});
  }
  PinToOneCore pin;
  std::string digest;
  EngineStats stats;
  for (auto _ : st) {
    DiscardStore store;
    PerpReplay p(cfg, store, scenario_strategy(scenario));
    std::vector<Tick> q = quotes;  // handed over to the runtime's schedule
    std::vector<std::vector<Bar>> c = closes;
    const int64_t t0 = now_ns();
    for (size_t i = 0; i < n; ++i) p.quote_and_close(std::move(q[i]), std::move(c[i]));
    st.SetIterationTime(static_cast<double>(now_ns() - t0) / 1e9);
    digest = p.digest();
    stats = p.engine().stats();
  }
  const auto events = static_cast<double>(2 * n);
  st.counters["events"] = events;
  st.counters["events_per_s"] =
      benchmark::Counter(events, benchmark::Counter::kIsIterationInvariantRate);
  st.counters["orders"] = static_cast<double>(stats.orders);
  st.counters["fills"] = static_cast<double>(stats.fills);
  st.SetLabel("digest " + digest);
}

}  // namespace

void register_replay_benchmarks() {
  const char* names[] = {"1_replay/replay_only", "1_replay/market_orders_64",
                         "1_replay/limit_orders_64_cancelled", "1_replay/ema_cross"};
  for (int s = kReplayOnly; s <= kEmaCross; ++s)
    benchmark::RegisterBenchmark(names[s], BM_ReplayThroughput)
        ->Arg(s)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond)
        ->MinWarmUpTime(0.05);
}

}  // namespace aitrapp::bench
