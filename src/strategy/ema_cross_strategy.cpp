#include "strategy/ema_cross_strategy.hpp"

#include <cmath>

namespace aitrapp {

std::optional<Signal> EmaCrossStrategy::on_bar(const Bar& bar) {
  auto [it, _] = states_.try_emplace(bar.symbol, p_);
  State& s = it->second;
  const double high = static_cast<double>(bar.high.raw) / kScale;
  const double low = static_cast<double>(bar.low.raw) / kScale;
  const double close = static_cast<double>(bar.close.raw) / kScale;
  s.atr.update(high, low, s.prev_close, s.bars > 0);
  s.fast.update(close);
  s.slow.update(close);
  s.prev_close = close;
  ++s.bars;
  if (s.bars < p_.ema_slow || !s.atr.ready() || s.atr.value() <= 0) return std::nullopt;
  const double diff = s.fast.value() - s.slow.value();
  const int above = diff > 0 ? 1 : diff < 0 ? -1 : s.above;
  const bool crossed = s.above != 0 && above != s.above;
  s.above = above;
  if (!crossed) return std::nullopt;
  const double atr = s.atr.value();
  auto px = [](double x) {
    return Price::from_raw(static_cast<int64_t>(std::llround(x * kScale)));
  };
  Signal sig;
  sig.strategy = kName;
  sig.symbol = bar.symbol;
  sig.time = bar.start + kMinuteMs;  // decided when the bar has closed
  sig.side = above > 0 ? Side::Buy : Side::Sell;
  sig.entry = bar.close;
  sig.stop = px(close - above * p_.stop_atr * atr);
  sig.target = px(close + above * p_.target_atr * atr);
  sig.scores.trend = 1;
  sig.score = 1;  // a cross is taken or not; there is nothing to rank it against
  return sig;
}

}  // namespace aitrapp
