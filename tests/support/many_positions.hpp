#pragma once
// A synthetic trading day with N instruments that each break out at once, so that a replay opens
// N bracketed positions (entry filled, stop-loss and take-profit working) within the first
// minutes. Used by the kill-switch test and the /flatten benchmark. Header-only.
#include <string>

#include "app/config.hpp"
#include "app/day_replay.hpp"

namespace aitrapp::support {

inline std::string symbol_name(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "SYM%04d", i);
  return buf;
}

// Caps wide enough for N positions; fast indicators; the order rate limits as given (the embedded
// venue has none of its own; 0 per minute: none).
inline AppConfig many_positions_config(int n, int orders_per_second, int64_t bar_volume,
                                       int orders_per_minute = 0) {
  std::string y =
      "app: {log_file: /dev/null}\n"
      "risk: {capital: 100000000, per_trade_risk_pct: 0.01, portfolio_heat_pct: 20,"
      " daily_loss_pct: 10, max_drawdown_pct: 15, max_spread_bps: 100, min_bar_volume: 1,"
      " max_open_positions: " +
      std::to_string(n) + ", max_decisions_per_day: " + std::to_string(2 * n) +
      "}\n"
      "strategy: {breakout: {lookback: 3, ema_fast: 2, ema_slow: 3, atr_period: 3,"
      " volume_window: 3}}\n"
      "ranker: {min_score: 0, max_per_instant: " +
      std::to_string(n) +
      "}\n"
      "oms: {orders_per_second: " +
      std::to_string(orders_per_second) +
      ", orders_per_minute: " + std::to_string(orders_per_minute) +
      "}\n"
      "instruments:\n";
  for (int i = 0; i < n; ++i)
    y += "  - {symbol: " + symbol_name(i) +
         ", exchange: NFO, tick: 0.05, lot: 1, band_pct: 10, spread_ticks: 1, ref_volume: " +
         std::to_string(bar_volume) + "}\n";
  auto c = parse_config(y, "many_positions");
  if (!c) throw std::runtime_error(c.error());
  return c.value();
}

// 2022-04-01 from 09:15 IST, one-minute bars, flat at the last close except where a symbol
// rises (and breaks out): even symbols in minutes [0,8), odd ones in [20,28), all of them in
// [30,38) and [45,53). A flat stretch touches no stop or target.
// With `stagger` false every symbol rises in [0,8) and the day ends at 09:35.
inline DayData many_positions_day(const AppConfig& cfg, int n, int64_t bar_volume,
                                  bool stagger = true) {
  TradingCalendar cal(cfg.engine.timezone, cfg.engine.session);
  const TimeMs open = cal.local_to_utc(20220401, 9 * 60 + 15, 0);
  DayData d;
  d.day = 20220401;
  auto px = [](int64_t cents) { return Price::from_raw(cents * kScale / 100); };
  std::vector<int64_t> price(static_cast<size_t>(n), 10'000'000);  // in cents
  for (int m = 0; m < (stagger ? 60 : 20); ++m) {
    for (int i = 0; i < n; ++i) {
      const bool rising = !stagger ? m < 8
                                   : (i % 2 == 0 && m < 8) || (i % 2 == 1 && m >= 20 && m < 28) ||
                                         (m >= 30 && m < 38) || (m >= 45 && m < 53);
      int64_t& p = price[static_cast<size_t>(i)];
      Bar b;
      b.symbol = symbol_name(i);
      b.start = open + m * kMinuteMs;
      b.open = px(p);
      b.high = px(rising ? p + 6000 : p);
      b.low = px(rising ? p - 2000 : p);
      b.close = px(rising ? p + 5000 : p);
      b.volume_raw = bar_volume * kScale;
      d.bars.push_back(b);
      if (rising) p += 5000;
    }
  }
  return d;
}

// Replays until simulated time `t` (exclusive).
inline void replay_until(DayReplay& r, TimeMs t) {
  while (!r.idle() && r.next_time() < t) r.step();
}

// Steps until the engine is flat; returns the number of events it took, or -1 if it never got
// there.
inline int64_t replay_until_flat(DayReplay& r) {
  int64_t steps = 0;
  while (!r.engine().is_flat()) {
    if (r.idle()) return -1;
    r.step();
    ++steps;
  }
  return steps;
}

}  // namespace aitrapp::support
