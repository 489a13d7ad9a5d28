#include "portfolio/position_reconciler.hpp"

#include <utility>

namespace aitrapp {

PositionReconciler::Verdict PositionReconciler::check(
    const std::map<std::string, int64_t>& venue, const std::map<std::string, int64_t>& engine) {
  std::map<std::string, std::pair<int64_t, int64_t>> both;  // symbol -> (venue, engine)
  for (const auto& [symbol, qty] : venue) both[symbol].first = qty;
  for (const auto& [symbol, qty] : engine) both[symbol].second = qty;
  detail_.clear();
  for (const auto& [symbol, q] : both)
    if (q.first != q.second)
      detail_ += (detail_.empty() ? "" : "; ") + symbol + " venue " + std::to_string(q.first) +
                 ", engine " + std::to_string(q.second);
  if (detail_.empty()) {
    mismatched_rounds_ = 0;
    return Verdict::Agree;
  }
  return ++mismatched_rounds_ >= rounds_ ? Verdict::Mismatch : Verdict::Suspect;
}

}  // namespace aitrapp
