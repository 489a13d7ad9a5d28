#pragma once
// The real BTC perpetual month replayed on the runtime for the benchmarks and tests: quotes and bar
// closes in time order through the whole pipeline (strategy, risk, order manager, simulated venue,
// portfolio), the venue answering without link latency, the engine's timers honoured and a new
// trading day started at each UTC midnight. Every request the engine sends and every answer it
// gets is hashed, so that a faster run can be checked to be the same run. Header-only;
// single-threaded.
#include <algorithm>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "core/calendar.hpp"
#include "core/overloaded.hpp"
#include "core/sha256.hpp"
#include "engine/engine.hpp"
#include "market/csv_loader.hpp"
#include "runtime/sim_runtime.hpp"

namespace aitrapp::support {

inline const std::string kPerpFile =
    std::string(AITRAPP_SOURCE_DIR) + "/data/crypto/btc-perp-20211231-20220201_1m.csv";

// BTCUSDT alone, traded around the clock (UTC, flat at 23:55), caps wide enough that the
// scenario, not the risk limits, decides what trades; `extra` is appended YAML (later keys of a
// section must not repeat earlier ones, so scenarios pass whole sections).
inline AppConfig perp_config(const std::string& oms = "oms: {orders_per_second: 1000}") {
  const std::string y =
      "app: {timezone: UTC, log_file: /dev/null}\n"
      "session: {open: \"00:00\", close: \"23:59\", eod_tighten: \"23:50\", hard_flat: "
      "\"23:55\"}\n"
      "risk: {capital: 10000000, per_trade_risk_pct: 0.1, portfolio_heat_pct: 5,"
      " daily_loss_pct: 20, max_drawdown_pct: 30, max_spread_bps: 10, min_bar_volume: 1,"
      " max_open_positions: 1, max_decisions_per_day: 1000}\n"
      "ranker: {min_score: 0, max_per_instant: 1}\n"
      "venue: {sim: {latency_ms: 0}}\n" +
      oms +
      "\n"
      "instruments:\n"
      "  - {symbol: BTCUSDT, exchange: BITGET, tick: 0.1, lot: 1, units_per_whole: 1000,"
      " band_pct: 5, spread_ticks: 1}\n";
  auto c = parse_config(y, "bench_perp");
  if (!c) throw std::runtime_error(c.error());
  return c.value();
}

// The month's bars, loaded and validated once.
inline const std::vector<Bar>& perp_month() {
  static const std::vector<Bar> bars = [] {
    const AppConfig cfg = perp_config();
    TradingCalendar cal(cfg.engine.timezone, cfg.engine.session);
    auto f = load_bar_file(kPerpFile, cal, "BTCUSDT");
    if (!f) throw std::runtime_error(f.error());
    return f.value().bars;
  }();
  return bars;
}

// The quote a bar leaves at its close: the close as last, one tick either side.
inline Tick close_quote(const Bar& b, Price tick) {
  Tick t;
  t.symbol = b.symbol;
  t.time = b.start + kMinuteMs;
  t.last = b.close;
  t.bid = b.close - tick;
  t.ask = b.close + tick;
  t.volume = std::max<int64_t>(1, b.volume_raw / kScale);
  t.bar_close = true;
  return t;
}

// Hashes every request the engine sends and every answer it gets, in the order they cross.
class WireDigest final : public WireTap {
 public:
  // `on_send` (optional) sees every request as it leaves the engine, before the venue does: the
  // latency benchmark encodes it there.
  explicit WireDigest(std::function<void(const VenueRequest&)> on_send = {})
      : on_send_(std::move(on_send)) {}
  void sent(const VenueRequest& r) override {
    if (on_send_) on_send_(r);
    std::visit(overloaded{
                   [&](const PlaceRequest& p) {
                     hash_.update("P" + p.spec.client_order_id + std::to_string(p.spec.qty.units) +
                                  std::to_string(p.spec.limit.raw));
                   },
                   [&](const CancelRequest& c) { hash_.update("C" + c.client_order_id); },
                   [&](const ModifyRequest& m) {
                     hash_.update("M" + m.client_order_id + std::to_string(m.qty.units));
                   },
                   [&](const QueryRequest& q) { hash_.update("Q" + q.client_order_id); },
               },
               r);
    ++requests_;
  }
  void answered(const std::vector<VenueEvent>& answers) override {
    for (const auto& a : answers)
      hash_.update("A" + event_client_id(a) + std::to_string(a.body.index()));
  }
  int64_t requests() const { return requests_; }
  // The wire so far and the day's P&L at the end; call once.
  std::string hex(const Engine& engine) {
    hash_.update("R" + to_string(engine.portfolio().day_pnl()));
    return hash_.hex_final().substr(0, 16);
  }

 private:
  std::function<void(const VenueRequest&)> on_send_;
  Sha256Stream hash_;
  int64_t requests_ = 0;
};

// The runtime as the perpetual's benchmarks and tests run it: a new trading day at each UTC
// midnight on the same engine, the venue's book in memory, no link latency, every message on the
// wire hashed. `store` must outlive it.
class PerpReplay {
 public:
  PerpReplay(const AppConfig& cfg, Store& store, std::unique_ptr<Strategy> strategy,
             std::function<void(const VenueRequest&)> on_send = {})
      : cfg_(cfg),
        wire_(std::move(on_send)),
        runtime_(cfg.engine, cfg.sim, store, log_, std::move(strategy),
                 RuntimeOptions{.roll_days = true, .journal = nullptr, .tap = &wire_}) {
    store.write(cfg.snapshot());
  }
  // A bar as the replay delivers it: the quote it closes on, then its close, and everything
  // they set off up to that instant.
  void bar(const Bar& b) {
    quote_and_close(close_quote(b, cfg_.engine.instruments.at(b.symbol).tick), {b});
  }
  void quote_and_close(Tick quote, std::vector<Bar> closed) {
    const TimeMs at = quote.time;
    runtime_.push_tick(std::move(quote));
    runtime_.push_bars_closed(std::move(closed), at);
    runtime_.run_through(at);
  }

  SimRuntime& runtime() { return runtime_; }
  Engine& engine() { return runtime_.engine(); }
  int64_t requests() const { return wire_.requests(); }
  std::string digest() { return wire_.hex(runtime_.engine()); }

 private:
  const AppConfig& cfg_;
  NullLog log_;
  WireDigest wire_;
  SimRuntime runtime_;
};

// A strategy that proposes a trade every `every` bars (from `first`), alternating buy and sell,
// with the entry `entry_bps` through the close (positive: marketable, negative: resting away from
// the market) and the stop and target `bracket_bps` from the entry: the benchmark's stand-in for
// "submit N orders".
class ScriptedStrategy final : public Strategy {
 public:
  ScriptedStrategy(int count, int every, int64_t entry_bps, int64_t bracket_bps)
      : count_(count), every_(every), entry_bps_(entry_bps), bracket_bps_(bracket_bps) {}
  void on_context_bar(const Bar&) override {}
  std::optional<Signal> on_bar(const Bar& b) override {
    if (emitted_ >= count_ || ++bars_ % every_ != 0) return std::nullopt;
    const bool buy = emitted_++ % 2 == 0;
    const int64_t dir = buy ? 1 : -1;
    auto off = [&](int64_t bps) {
      return Price::from_raw(b.close.raw + dir * b.close.raw * bps / 10'000);
    };
    Signal s;
    s.strategy = "scripted";
    s.symbol = b.symbol;
    s.time = b.start + kMinuteMs;
    s.side = buy ? Side::Buy : Side::Sell;
    s.entry = off(entry_bps_);
    s.stop = off(entry_bps_ - bracket_bps_);
    s.target = off(entry_bps_ + bracket_bps_);
    s.score = 1;
    return s;
  }

 private:
  int count_, every_;
  int64_t entry_bps_, bracket_bps_;
  int emitted_ = 0, bars_ = 0;
};

}  // namespace aitrapp::support
