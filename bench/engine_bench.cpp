// Engine micro-benchmarks: loading, tick paths, ids, the engine alone over an NSE day, and the
// whole paper day end to end.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/config.hpp"
#include "app/paper_session.hpp"
#include "bench/bench_util.hpp"
#include "core/ids.hpp"
#include "engine/engine.hpp"
#include "market/csv_loader.hpp"
#include "market/tick_path.hpp"

using namespace aitrapp;
using aitrapp::bench::DiscardStore;

namespace {

const std::string kSource = AITRAPP_SOURCE_DIR;
const std::string kDay = kSource + "/data/nse/2022-04-01";

const AppConfig& config() {
  static AppConfig c = parse_config(embedded_default_config(), "default").value();
  return c;
}
const TradingCalendar& calendar() {
  static TradingCalendar cal(config().engine.timezone, config().engine.session);
  return cal;
}

class DiscardVenue final : public VenuePort {
 public:
  void send(const VenueRequest&) override { ++sent; }
  size_t sent = 0;
};

void BM_LoadNseFile(benchmark::State& st) {
  const std::string path = kDay + "/2022-04-01_NIFTY_F1.csv";
  size_t rows = 0;
  for (auto _ : st) {
    auto r = load_bar_file(path, calendar(), "BTCUSDT");
    rows = r->bars.size();
    benchmark::DoNotOptimize(r);
  }
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * rows));
  st.SetLabel("rows/s = items/s");
}
BENCHMARK(BM_LoadNseFile)->Unit(benchmark::kMicrosecond);

void BM_BarToTicks(benchmark::State& st) {
  auto bars = load_bar_file(kDay + "/2022-04-01_NIFTY_F1.csv", calendar(), "BTCUSDT")->bars;
  const Instrument& in = config().engine.instruments.at("NIFTY_F1");
  for (auto _ : st)
    for (const auto& b : bars) benchmark::DoNotOptimize(bar_to_ticks(b, in));
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * bars.size()));
}
BENCHMARK(BM_BarToTicks)->Unit(benchmark::kMicrosecond);

void BM_ClientOrderId(benchmark::State& st) {
  int64_t t = 0;
  for (auto _ : st) {
    auto plan = make_plan_id("2022-04-01", "breakout", "NIFTY_F1", t += 60'000, Side::Buy);
    benchmark::DoNotOptimize(make_client_order_id(plan, LegRole::StopLoss, 0));
  }
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_ClientOrderId);

// The engine alone over a real day's ticks and bar closes (store writes and venue sends
// discarded, so no fills): the per-event cost of market data, strategy, ranking and risk.
void BM_EngineMarketData(benchmark::State& st) {
  auto files = load_bar_paths({kDay}, calendar(), "BTCUSDT").value();
  std::vector<Bar> bars;
  for (auto& f : files)
    for (auto& b : f.bars)
      if (calendar().in_session(b.start)) bars.push_back(b);
  std::sort(bars.begin(), bars.end(), [](const Bar& a, const Bar& b) { return a.start < b.start; });
  size_t events = 0;
  for (auto _ : st) {
    SimClock clock;
    DiscardStore store;
    DiscardVenue venue;
    NullLog log;
    Engine engine(config().engine, store, venue, clock, log, make_strategy(config().strategy));
    engine.start_day(20220401);
    events = 0;
    for (size_t i = 0; i < bars.size();) {
      const TimeMs start = bars[i].start;
      std::vector<Bar> closing;
      for (; i < bars.size() && bars[i].start == start; ++i) closing.push_back(bars[i]);
      for (const auto& b : closing) {
        const Instrument& in = config().engine.instruments.at(b.symbol);
        if (!in.tradable) continue;
        for (const auto& t : bar_to_ticks(b, in)) {
          clock.advance_to(t.time);
          engine.on_tick(t);
          ++events;
        }
      }
      clock.advance_to(start + kMinuteMs);
      engine.on_bars_closed(closing);
      ++events;
    }
    benchmark::DoNotOptimize(store.writes);
  }
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * events));
  st.counters["events_per_day"] = static_cast<double>(events);
}
BENCHMARK(BM_EngineMarketData)->Unit(benchmark::kMillisecond);

// End to end: `aitrapp paper` over the bundled real day, SQLite store and simulated venue included.
void BM_PaperDayEndToEnd(benchmark::State& st) {
  const auto dir = std::filesystem::temp_directory_path() / "aitrapp_bench_paper";
  std::filesystem::create_directories(dir);
  std::string yaml = embedded_default_config();
  const std::string from = "log_file: logs/aitrapp.log";
  yaml.replace(yaml.find(from), from.size(), "log_file: " + (dir / "bench.log").string());
  const auto cfg = (dir / "bench.yaml").string();
  std::ofstream(cfg) << yaml;
  int n = 0;
  for (auto _ : st) {
    PaperOptions o;
    o.data = {kDay};
    o.config_path = cfg;
    o.db = (dir / ("day" + std::to_string(n++) + ".sqlite")).string();
    std::ostringstream out, err;
    if (run_paper(o, out, err) != 0) st.SkipWithError(err.str().c_str());
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_PaperDayEndToEnd)->Unit(benchmark::kMillisecond)->Iterations(5);

}  // namespace
