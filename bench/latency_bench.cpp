// Issue 6 row 2: tick-to-intent latency in process. The real BTC month is replayed as a tick
// stream (224 ticks per one-minute bar along open, high, low and close: 10 million ticks over the
// month), each tick a decoded quote. A tick that opens a new minute first closes the previous
// bar (strategy, ranking, risk, the order and its persist-before-send), then goes to the engine.
// Timed per tick: from the decoded tick to the return of the engine; for the ticks that send an
// order, to the Kite request body encoded (the "intent"). The simulated venue matches before the
// clock starts and its answers are applied after it stops. Store off, SQLite (WAL, synchronous
// FULL) or PostgreSQL (synchronous commit, loopback; see bench_stores.hpp). Pinned to one core.
#include <benchmark/benchmark.h>

#include <cmath>
#include <filesystem>

#include "bench/bench_stores.hpp"
#include "bench/bench_util.hpp"
#include "strategy/ema_cross_strategy.hpp"
#include "tests/support/perp_replay.hpp"
#include "venue/kite/kite_order_form.hpp"

namespace aitrapp::bench {
using namespace aitrapp::support;

namespace {

constexpr int kTicksPerBar = 224;

// `n` ticks through the bar's open, its nearer extreme, the other one and its close, on the
// instrument's tick grid, evenly spaced in the minute.
void bar_path(const Bar& b, Price tick, int n, std::vector<Tick>& out) {
  out.clear();
  const bool up = b.close >= b.open;
  const Price anchors[4] = {b.open, up ? b.low : b.high, up ? b.high : b.low, b.close};
  const int64_t volume = std::max<int64_t>(1, b.volume_raw / kScale / n);
  for (int i = 0; i < n; ++i) {
    const double x = 3.0 * i / (n - 1);
    const int seg = std::min(2, static_cast<int>(x));
    const double f = x - seg;
    const double raw = static_cast<double>(anchors[seg].raw) +
                       f * static_cast<double>(anchors[seg + 1].raw - anchors[seg].raw);
    const int64_t px = std::llround(raw / static_cast<double>(tick.raw)) * tick.raw;
    Tick t;
    t.symbol = b.symbol;
    t.time = b.start + kMinuteMs * i / n;
    t.last = Price::from_raw(px);
    t.bid = t.last - tick;
    t.ask = t.last + tick;
    t.volume = volume;
    out.push_back(std::move(t));
  }
}

void BM_TickToIntent(benchmark::State& st) {
  const auto backend = static_cast<BenchStore>(st.range(0));
  const size_t bars = static_cast<size_t>(st.range(1));
  const AppConfig cfg = perp_config();
  const Price tick = cfg.engine.instruments.at("BTCUSDT").tick;
  const auto& month = perp_month();
  const auto sqlite =
      (std::filesystem::temp_directory_path() / "aitrapp_bench_latency.sqlite").string();
  std::vector<uint32_t> all, intent;
  // The intents by the kind of their first request, in VenueRequest's order.
  std::vector<uint32_t> by_kind[std::variant_size_v<VenueRequest>];
  const char* kind_names[] = {"places", "cancels", "modifies", "queries"};
  static_assert(std::size(kind_names) == std::variant_size_v<VenueRequest>);
  PinToOneCore pin;
  for (auto _ : st) {
    std::string why;
    const std::unique_ptr<Store> store = open_fresh_store(backend, sqlite, why);
    if (!store) {
      st.SkipWithError(why.c_str());
      break;
    }
    int64_t sent_at = 0;
    size_t sent_kind = 0;  // the VenueRequest alternative of the tick's first request
    std::string bytes;
    PerpReplay p(cfg, *store, std::make_unique<EmaCrossStrategy>(EmaCrossParams{}),
                 [&](const VenueRequest& r) {
                   if (const auto* place = std::get_if<PlaceRequest>(&r))
                     bytes = kite::place_order_form(place->spec, "BTCUSDT", "BITGET").encode();
                   if (sent_at == 0) {
                     sent_at = now_ns();
                     sent_kind = r.index();
                   }
                 });
    all.clear();
    intent.clear();
    for (auto& k : by_kind) k.clear();
    std::vector<Tick> path;
    std::vector<Bar> closing;
    const int64_t run_start = now_ns();
    for (size_t i = 0; i < bars && i < month.size(); ++i) {
      bar_path(month[i], tick, kTicksPerBar, path);
      for (size_t k = 0; k < path.size(); ++k) {
        const Tick& t = path[k];
        // Due timers and the venue's matching are not the tick's cost.
        p.runtime().run_until(t.time);
        p.runtime().venue().on_tick(t);
        sent_at = 0;
        const int64_t t0 = now_ns();
        if (k == 0 && !closing.empty()) p.engine().on_bars_closed(closing);
        p.engine().on_tick(t);
        const int64_t t1 = now_ns();
        all.push_back(static_cast<uint32_t>(std::min<int64_t>(t1 - t0, UINT32_MAX)));
        if (sent_at != 0) {
          const auto ns = static_cast<uint32_t>(std::min<int64_t>(sent_at - t0, UINT32_MAX));
          intent.push_back(ns);
          by_kind[sent_kind].push_back(ns);
        }
        p.runtime().settle();
      }
      closing.assign(1, month[i]);
    }
    st.SetIterationTime(static_cast<double>(now_ns() - run_start) / 1e9);
    benchmark::DoNotOptimize(bytes);
    st.counters["ticks"] = static_cast<double>(all.size());
    st.counters["intents"] = static_cast<double>(intent.size());
    st.counters["p50_ns"] = quantile(all, 0.5);
    st.counters["p99_ns"] = quantile(all, 0.99);
    st.counters["p999_ns"] = quantile(all, 0.999);
    st.counters["max_ns"] = quantile(all, 1.0);
    st.counters["intent_p50_ns"] = quantile(intent, 0.5);
    st.counters["intent_p99_ns"] = quantile(intent, 0.99);
    st.counters["intent_p999_ns"] = quantile(intent, 0.999);
    st.counters["intent_max_ns"] = quantile(intent, 1.0);
    for (size_t k = 0; k < std::size(kind_names); ++k) {
      const std::string name = std::string("intent_") + kind_names[k];
      st.counters[name] = static_cast<double>(by_kind[k].size());
      st.counters[name + "_p50_ns"] = quantile(by_kind[k], 0.5);
    }
  }
  remove_sqlite(sqlite);
}

}  // namespace

void register_latency_benchmarks() {
  // Store off: the whole month (10 million ticks). Durable stores commit on every tick that
  // changes state, so they run the month's first day (322,560 ticks).
  const int64_t month = static_cast<int64_t>(perp_month().size());
  benchmark::RegisterBenchmark("2_tick_to_intent/store_off", BM_TickToIntent)
      ->Args({static_cast<int64_t>(BenchStore::Off), month});
  benchmark::RegisterBenchmark("2_tick_to_intent/sqlite_wal", BM_TickToIntent)
      ->Args({static_cast<int64_t>(BenchStore::Sqlite), 1440});
  benchmark::RegisterBenchmark("2_tick_to_intent/postgresql", BM_TickToIntent)
      ->Args({static_cast<int64_t>(BenchStore::Postgres), 1440});
}

}  // namespace aitrapp::bench
