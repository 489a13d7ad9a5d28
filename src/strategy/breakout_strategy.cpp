#include "strategy/breakout_strategy.hpp"

#include <algorithm>
#include <cmath>

namespace aitrapp {
namespace {
double to_d(Price p) {
  return static_cast<double>(p.raw) / kScale;
}
Price to_price(double x) {
  return Price::from_raw(static_cast<int64_t>(std::llround(x * kScale)));
}
double clamp01(double x) {
  return std::clamp(x, 0.0, 1.0);
}
}  // namespace

void BreakoutStrategy::on_context_bar(const Bar& bar) {
  if (bar.symbol.find("VIX") != std::string::npos) vix_ = to_d(bar.close);
}

std::optional<Signal> BreakoutStrategy::on_bar(const Bar& bar) {
  auto [it, _] = states_.try_emplace(bar.symbol, p_);
  State& s = it->second;
  const double high = to_d(bar.high), low = to_d(bar.low), close = to_d(bar.close);
  const double volume = static_cast<double>(bar.volume_raw) / kScale;

  std::optional<Signal> out;
  const bool warm = s.highs.full() && s.atr.ready() && s.bars >= p_.ema_slow && s.closes.full();
  if (warm && s.atr.value() > 0) {
    const double atr = s.atr.value();
    const bool up = close > s.highs.max();
    const bool down = close < s.lows.min();
    if (up || down) {
      const Side side = up ? Side::Buy : Side::Sell;
      const int dir = up ? 1 : -1;
      // Stop beyond the opposite edge of the range, bounded to [0.75, stop_atr] ATRs.
      const double range_edge = up ? s.lows.min() : s.highs.max();
      const double stop_dist =
          std::clamp(std::fabs(close - range_edge), 0.75 * atr, p_.stop_atr * atr);
      const double target_dist = p_.target_atr * atr;
      Signal sig;
      sig.strategy = kName;
      sig.symbol = bar.symbol;
      sig.time = bar.start + kMinuteMs;  // decided when the bar has closed
      sig.side = side;
      sig.entry = bar.close;
      sig.stop = to_price(close - dir * stop_dist);
      sig.target = to_price(close + dir * target_dist);
      ScoreAttribution& a = sig.scores;
      a.momentum = clamp01(dir * (close - s.closes.oldest()) / (3 * atr));
      const double spread_emas = (s.fast.value() - s.slow.value()) / atr;
      a.trend = clamp01(0.5 + dir * spread_emas);
      a.liquidity = s.volumes.mean() > 0 ? clamp01(volume / (1.5 * s.volumes.mean())) : 0.5;
      a.regime = vix_ ? clamp01((p_.vix_stressed - *vix_) / (p_.vix_stressed - p_.vix_calm)) : 0.5;
      a.reward_risk = clamp01(target_dist / stop_dist / 3.0);
      const ScoreWeights& w = p_.weights;
      const double wsum = w.momentum + w.trend + w.liquidity + w.regime + w.reward_risk;
      sig.score = (w.momentum * a.momentum + w.trend * a.trend + w.liquidity * a.liquidity +
                   w.regime * a.regime + w.reward_risk * a.reward_risk) /
                  wsum;
      out = sig;
    }
  }
  s.atr.update(high, low, s.prev_close, s.bars > 0);
  s.fast.update(close);
  s.slow.update(close);
  s.highs.push(high);
  s.lows.push(low);
  s.closes.push(close);
  s.volumes.push(volume);
  s.prev_close = close;
  ++s.bars;
  return out;
}

}  // namespace aitrapp
