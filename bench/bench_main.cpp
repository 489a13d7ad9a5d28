// Benchmarks (Google Benchmark). Run with `make bench`; figures go to docs/benchmarks.md.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "../tests/support/many_positions.hpp"
#include "app/config.hpp"
#include "app/paper_session.hpp"
#include "core/ids.hpp"
#include "engine/engine.hpp"
#include "market/csv_loader.hpp"
#include "market/tick_path.hpp"
#include "store/sqlite/sqlite_store.hpp"

using namespace aitrapp;

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

// Discards writes: isolates the engine's own cost from the store's fsync.
class DiscardStore final : public Store {
 public:
  void write(const WriteBatch& b) override { writes += b.writes.size(); }
  RecoveredState recover(const std::string&) override { return {}; }
  size_t writes = 0;
};
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
    Engine engine(config().engine, store, venue, clock, log);
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

// One durable store transaction (WAL, synchronous=FULL): the floor under persist-before-send.
void BM_StoreDurableWrite(benchmark::State& st) {
  const auto path = std::filesystem::temp_directory_path() / "aitrapp_bench_store.sqlite";
  std::filesystem::remove(path);
  store::SqliteStore s(path.string());
  s.write(WriteBatch{{ConfigSnapshotRecord{"bench", "{}"}}});
  CheckpointRecord cp{"2022-04-01", 0, "ACTIVE", Money{}, 0, 0, false, false};
  for (auto _ : st) {
    ++cp.last_event;
    s.write(WriteBatch{{cp}});
  }
  st.SetItemsProcessed(st.iterations());
  std::filesystem::remove(path);
}
BENCHMARK(BM_StoreDurableWrite)->Unit(benchmark::kMicrosecond);

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

// The kill switch: N open bracketed positions (2N live children) flattened through the real
// path (engine, durable SQLite commit per step, simulated venue with 40 ms each way). The wall
// time from flatten() to flat is measured; building the positions is not. sim_ms is the
// simulated time to flat: the order round trips (cancel children, then exit).
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
  st.counters["positions"] = n;
  st.counters["sim_ms"] = sim_ms;
  st.counters["events"] = steps;
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_FlattenOpenPositions)
    ->Arg(10)
    ->Arg(100)
    ->Arg(1000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
