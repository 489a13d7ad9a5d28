#pragma once
// Intraday breakout on index futures: a close beyond the last N bars' range, scored by momentum,
// EMA trend alignment, volume (liquidity), VIX regime and the bracket's reward/risk.
// One instance per engine; fed closed bars in time order. Not thread-safe.
#include <map>
#include <optional>
#include <string>

#include "market/bar.hpp"
#include "market/indicators.hpp"
#include "strategy/strategy.hpp"

namespace aitrapp {

struct BreakoutParams {
  int lookback = 10;  // breakout of the previous N bars' high/low
  int ema_fast = 9;
  int ema_slow = 21;
  int atr_period = 14;
  int volume_window = 20;
  double stop_atr = 1.5;       // stop distance bounds, in ATRs
  double target_atr = 3.0;     // target distance, in ATRs
  double vix_calm = 15.0;      // regime score is 1 at or below this VIX ...
  double vix_stressed = 30.0;  // ... and 0 at or above this one
  ScoreWeights weights;
};

class BreakoutStrategy final : public Strategy {
 public:
  static constexpr const char* kName = "breakout";
  explicit BreakoutStrategy(BreakoutParams p) : p_(p) {}

  // Context series (e.g. INDIAVIX) update the regime; tradable bars may yield a signal.
  void on_context_bar(const Bar& bar) override;
  std::optional<Signal> on_bar(const Bar& bar) override;

 private:
  struct State {
    explicit State(const BreakoutParams& p)
        : fast(p.ema_fast),
          slow(p.ema_slow),
          atr(p.atr_period),
          highs(p.lookback),
          lows(p.lookback),
          closes(6),
          volumes(p.volume_window) {}
    Ema fast, slow;
    Atr atr;
    Window highs, lows, closes, volumes;
    double prev_close = 0;
    int bars = 0;
  };
  BreakoutParams p_;
  std::map<std::string, State> states_;
  std::optional<double> vix_;
};

}  // namespace aitrapp
