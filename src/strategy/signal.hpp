#pragma once
// A strategy's candidate trade with the attribution of its score.
#include <string>

#include "core/decimal.hpp"
#include "core/time.hpp"
#include "core/types.hpp"

namespace aitrapp {

struct ScoreAttribution {
  double momentum = 0, trend = 0, liquidity = 0, regime = 0, reward_risk = 0;
};

struct Signal {
  int64_t seq = 0;  // engine-assigned, per run, in emission order
  std::string strategy;
  std::string symbol;
  TimeMs time = 0;
  Side side = Side::Buy;
  Price entry, stop, target;  // proposed, not yet quantized
  ScoreAttribution scores;
  double score = 0;  // weighted total in [0, 1]
};

struct ScoreWeights {
  double momentum = 0.25, trend = 0.25, liquidity = 0.15, regime = 0.15, reward_risk = 0.20;
};

}  // namespace aitrapp
