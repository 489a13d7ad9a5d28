// Kite wire benchmarks: binary tick decoding, and the REST order round trip to the simulator.
#include <benchmark/benchmark.h>

#include <mutex>

#include "app/config.hpp"
#include "bench/bench_util.hpp"
#include "core/scaled_clock.hpp"
#include "venue/kite/kite_rest.hpp"
#include "venue/kite/kite_ticks.hpp"
#include "venue/kite_sim/kite_sim_server.hpp"

using namespace aitrapp;

namespace {

Price px(const char* text) {
  return Price::from_raw(*parse_fixed(text));
}

// One ticker frame of `n` full-mode (184-byte) tradable packets with five-level depth, as the
// simulator publishes them; decoding walks the frame and fills a KiteTick per packet.
void BM_KiteDecodeFullPacket(benchmark::State& st) {
  const size_t n = static_cast<size_t>(st.range(0));
  std::string packets;
  for (size_t i = 0; i < n; ++i) {
    kite::KiteTick t;
    t.token = static_cast<uint32_t>(8960514 + i * 256);
    t.mode = kite::TickMode::Full;
    t.last = px("17453.95");
    t.last_qty = 50;
    t.average = px("17440.10");
    t.volume = 1'234'500;
    t.open = px("17436.90");
    t.high = px("17472.05");
    t.low = px("17422.70");
    t.close = px("17436.90");
    t.last_trade_time = t.exchange_time = 1648795290;
    for (int l = 0; l < 5; ++l) {
      t.bids[l] = {100L * (l + 2), px("17453.90") - Price::from_raw(5 * l * kScale / 100), l + 1};
      t.asks[l] = {100L * (l + 2), px("17454.00") + Price::from_raw(5 * l * kScale / 100), l + 1};
      t.buy_qty += t.bids[l].qty;
      t.sell_qty += t.asks[l].qty;
    }
    kite::append_packet(packets, t, kite::TickMode::Full);
  }
  const std::string frame = kite::make_frame(n, packets);
  int64_t sum = 0;
  for (auto _ : st) {
    auto decoded = kite::decode_frame(frame, [&](const kite::KiteTick& t) { sum += t.last.raw; });
    if (!decoded || decoded.value() != n) {
      st.SkipWithError("frame did not decode");
      break;
    }
    benchmark::DoNotOptimize(sum);
  }
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * n));
  st.counters["ns_per_packet"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate |
                                                     benchmark::Counter::kInvert);
}
BENCHMARK(BM_KiteDecodeFullPacket)->Arg(1)->Arg(200);

// POST /orders/regular over loopback HTTP/1.1 keep-alive to the Kite simulator, through the
// adapter's own KiteRest (form encoding, headers, JSON envelope). The simulator's limits are
// raised so that the round trip is measured, not Kite's 10 orders/s. Orders rest (far below the
// market), so each one is a full validate-accept-ack cycle in the matching engine.
void BM_KiteOrderRoundTrip(benchmark::State& st) {
  static const AppConfig cfg = parse_config(embedded_default_config(), "default").value();
  static const TradingCalendar cal(cfg.engine.timezone, cfg.engine.session);
  const ScaledClock clock(cal.local_to_utc(20220401, 10 * 60), 1.0, ScaledClock::wall_now_ms());
  std::mutex mu;
  const kite::KiteLimits unlimited{1'000'000, 1'000'000, 1'000'000'000, 1'000'000, 1'000'000};
  kite::KiteExchange exchange(cfg.engine.instruments, cfg.engine.limits.capital,
                              {"key", "secret", "tok"}, cal, clock, 6 * 60, unlimited);
  Tick t;
  t.symbol = "NIFTY_F1";
  t.time = clock.now();
  t.last = px("17000");
  t.bid = px("16999.95");
  t.ask = px("17000.05");
  t.volume = 100;
  exchange.on_tick(t, steady_now_ms());
  kite::KiteSimServer server(exchange, mu, "127.0.0.1", 0);
  server.start();
  kite::KiteRest rest("http://127.0.0.1:" + std::to_string(server.port()), "key",
                      std::chrono::milliseconds(2000));
  rest.set_access_token("tok");

  std::vector<double> us;
  us.reserve(static_cast<size_t>(st.max_iterations));
  int64_t i = 0;
  for (auto _ : st) {
    const net::Form f{{"tradingsymbol", "NIFTY_F1"},
                      {"exchange", "NFO"},
                      {"transaction_type", "BUY"},
                      {"order_type", "LIMIT"},
                      {"quantity", "50"},
                      {"product", "MIS"},
                      {"price", "16000"},
                      {"tag", "B" + std::to_string(++i)}};
    const auto t0 = std::chrono::steady_clock::now();
    const kite::KiteReply r = rest.call("POST", "/orders/regular", f);
    us.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    if (!r.ok()) {
      st.SkipWithError(r.describe().c_str());
      break;
    }
  }
  server.stop();
  if (us.empty()) return;
  st.counters["p50_us"] = bench::quantile(us, 0.50);
  st.counters["p99_us"] = bench::quantile(us, 0.99);
  st.counters["max_us"] = bench::quantile(us, 1.0);
}
BENCHMARK(BM_KiteOrderRoundTrip)->Iterations(2000)->Unit(benchmark::kMicrosecond);

}  // namespace
