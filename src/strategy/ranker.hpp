#pragma once
// Turns the signals of one decision instant into ranked candidates: highest score first, ties
// broken by symbol, then side, so the order is deterministic. Pure; thread-safe.
#include <vector>

#include "strategy/signal.hpp"

namespace aitrapp {

struct RankerParams {
  double min_score = 0.55;
  int max_per_instant = 1;  // decisions per bar-close instant
};

// Indices into `signals` of the candidates that qualify, best first.
std::vector<size_t> rank_signals(const std::vector<Signal>& signals, const RankerParams& p);

}  // namespace aitrapp
