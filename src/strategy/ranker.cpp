#include "strategy/ranker.hpp"

#include <algorithm>
#include <numeric>

namespace aitrapp {

std::vector<size_t> rank_signals(const std::vector<Signal>& signals, const RankerParams& p) {
  std::vector<size_t> idx;
  for (size_t i = 0; i < signals.size(); ++i)
    if (signals[i].score >= p.min_score) idx.push_back(i);
  std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
    const Signal &x = signals[a], &y = signals[b];
    if (x.score != y.score) return x.score > y.score;
    if (x.symbol != y.symbol) return x.symbol < y.symbol;
    return x.side < y.side;
  });
  if (idx.size() > static_cast<size_t>(p.max_per_instant)) idx.resize(p.max_per_instant);
  return idx;
}

}  // namespace aitrapp
