#pragma once
// Moving-average crossover, the reference strategy of public backtest benchmarks (e.g.
// NautilusTrader's EMACross): buy when the fast EMA of closes crosses above the slow one, sell
// when it crosses below, with the stop and target a multiple of the ATR away. One instance per
// engine; fed closed bars in time order. Not thread-safe.
#include <map>
#include <string>

#include "market/indicators.hpp"
#include "strategy/strategy.hpp"

namespace aitrapp {

struct EmaCrossParams {
  int ema_fast = 10;
  int ema_slow = 20;
  int atr_period = 14;
  double stop_atr = 2.0;
  double target_atr = 4.0;
};

class EmaCrossStrategy final : public Strategy {
 public:
  static constexpr const char* kName = "ema_cross";
  explicit EmaCrossStrategy(EmaCrossParams p) : p_(p) {}

  void on_context_bar(const Bar&) override {}
  std::optional<Signal> on_bar(const Bar& bar) override;

 private:
  struct State {
    explicit State(const EmaCrossParams& p)
        : fast(p.ema_fast), slow(p.ema_slow), atr(p.atr_period) {}
    Ema fast, slow;
    Atr atr;
    double prev_close = 0;
    int above = 0;  // sign of fast - slow after the last bar (0 until both are warm)
    int bars = 0;
  };
  EmaCrossParams p_;
  std::map<std::string, State> states_;
};

}  // namespace aitrapp
