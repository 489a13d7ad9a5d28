#pragma once
// A backtest of the engine over the real BTC perpetual month: quotes and bar
// closes in time order through the whole pipeline (strategy, risk, order manager, simulated
// venue, portfolio), the venue answering without link latency, the engine's timers honoured and
// a new trading day started at each UTC midnight. Every request the engine sends and every answer
// it gets is hashed, so that a faster run can be checked to be the same run. Header-only;
// single-threaded.
#include <algorithm>
#include <functional>
#include <limits>
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
#include "venue/sim/sim_venue.hpp"

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

class PerpPipeline final : public VenuePort {
 public:
  // `store` must outlive the pipeline. `on_send` (optional) sees every request as it leaves the
  // engine, before the venue does: the latency benchmark encodes it there.
  PerpPipeline(const AppConfig& cfg, Store& store, std::unique_ptr<Strategy> strategy,
               std::function<void(const VenueRequest&)> on_send = {})
      : cfg_(cfg),
        cal_(cfg.engine.timezone, cfg.engine.session),
        on_send_(std::move(on_send)),
        venue_(cfg.engine.instruments, cfg.sim,
               [this](VenueEvent ev) { answers_.push_back(std::move(ev)); }, {}),
        engine_(cfg.engine, store, *this, clock_, log_, std::move(strategy)) {
    // Every record names the configuration it was decided under.
    store.write(WriteBatch{{ConfigSnapshotRecord{cfg.config_sha, cfg.canonical_json}}});
  }

  void send(const VenueRequest& r) override {
    ++requests_;
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
    pending_.push_back(r);
  }

  // Market data, each first to the venue (it matches before the engine sees the quote).
  void quote(const Tick& t) {
    advance_to(t.time);
    venue_.on_tick(t);
    engine_.on_tick(t);
    settle();
  }
  void bars_closed(const std::vector<Bar>& bars, TimeMs at) {
    advance_to(at);
    engine_.on_bars_closed(bars);
    settle();
  }
  // A bar as the replay delivers it: the quote it closes on, then its close.
  void bar(const Bar& b) {
    const Tick q = close_quote(b, cfg_.engine.instruments.at(b.symbol).tick);
    quote(q);
    bars_closed({b}, q.time);
  }
  // Lets time pass to `t`, firing the engine's timers due before it.
  void advance_to(TimeMs t) {
    for (int spins = 0;; ++spins) {
      const TimeMs w = engine_.next_wakeup();
      if (w < 0 || w >= t) break;
      if (spins > 100'000) throw std::logic_error("engine keeps asking for a timer");
      start_day_of(w);
      clock_.advance_to(std::max(w, clock_.now()));
      engine_.on_timer();
      settle();
    }
    start_day_of(t);
    clock_.advance_to(std::max(t, clock_.now()));
  }
  // The requests of the last step reach the venue, and its answers the engine, until quiet.
  void settle() {
    while (!pending_.empty()) {
      std::vector<VenueRequest> out;
      out.swap(pending_);
      for (const auto& r : out) venue_.on_request(r, clock_.now());
      if (answers_.empty()) continue;
      std::vector<VenueEvent> in;
      in.swap(answers_);
      for (const auto& a : in)
        hash_.update("A" + event_client_id(a) + std::to_string(a.body.index()));
      engine_.on_venue_events(in);
    }
  }

  Engine& engine() { return engine_; }
  SimVenue& venue() { return venue_; }
  int64_t requests() const { return requests_; }
  std::string digest() {
    hash_.update("R" + to_string(engine_.portfolio().day_pnl()));
    return hash_.hex_final().substr(0, 16);
  }

 private:
  void start_day_of(TimeMs t) {
    if (t < day_end_) return;
    const int day = cal_.local_yyyymmdd(t);
    day_end_ = cal_.local_to_utc(day, 23 * 60 + 59, kMinuteMs);
    engine_.start_day(day);
  }

  const AppConfig& cfg_;
  TradingCalendar cal_;
  SimClock clock_;
  NullLog log_;
  std::function<void(const VenueRequest&)> on_send_;
  SimVenue venue_;
  Engine engine_;
  std::vector<VenueRequest> pending_;
  std::vector<VenueEvent> answers_;
  Sha256Stream hash_;
  int64_t requests_ = 0;
  TimeMs day_end_ = std::numeric_limits<TimeMs>::min();
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
