#pragma once
// The strategies by name: what `strategy.kind` in the configuration may say, each kind's
// parameters, and how the engine's strategy is made from them. A new strategy adds its kind
// here and its parameter section to the configuration. Pure values and functions; thread-safe.
#include <memory>
#include <string>
#include <vector>

#include "strategy/breakout_strategy.hpp"
#include "strategy/ema_cross_strategy.hpp"
#include "strategy/strategy.hpp"

namespace aitrapp {

struct StrategyConfig {
  std::string kind = BreakoutStrategy::kName;
  BreakoutParams breakout;   // used when kind is "breakout"
  EmaCrossParams ema_cross;  // used when kind is "ema_cross"
};

// Every kind make_strategy() knows, in a fixed order (for error messages and docs).
const std::vector<std::string>& strategy_kinds();
bool is_strategy_kind(const std::string& kind);
// The configured strategy; nullptr for a kind that is not one of strategy_kinds() (the
// configuration refuses such a kind before anything is built).
std::unique_ptr<Strategy> make_strategy(const StrategyConfig& c);

}  // namespace aitrapp
