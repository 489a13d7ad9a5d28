#include "strategy/registry.hpp"

#include <algorithm>

namespace aitrapp {

const std::vector<std::string>& strategy_kinds() {
  static const std::vector<std::string> kinds{BreakoutStrategy::kName, EmaCrossStrategy::kName};
  return kinds;
}

bool is_strategy_kind(const std::string& kind) {
  const auto& k = strategy_kinds();
  return std::find(k.begin(), k.end(), kind) != k.end();
}

std::unique_ptr<Strategy> make_strategy(const StrategyConfig& c) {
  if (c.kind == BreakoutStrategy::kName) return std::make_unique<BreakoutStrategy>(c.breakout);
  if (c.kind == EmaCrossStrategy::kName) return std::make_unique<EmaCrossStrategy>(c.ema_cross);
  return nullptr;
}

}  // namespace aitrapp
