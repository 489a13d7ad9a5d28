#include "market/bar_builder.hpp"

#include <algorithm>

namespace aitrapp {

BarBuilder::Added BarBuilder::add(const std::string& symbol, TimeMs exchange_time, Price last,
                                  std::optional<int64_t> cumulative_volume) {
  Added out;
  if (cumulative_volume) {
    // A running total only grows; a smaller one (a reconnect's replay) adds nothing.
    int64_t& cum = cum_volume_[symbol];
    out.volume = std::max<int64_t>(0, *cumulative_volume - cum);
    cum = std::max(cum, *cumulative_volume);
  }
  const TimeMs minute = exchange_time / kMinuteMs * kMinuteMs;
  if (minute <= closed_through_) {
    out.late = true;
    ++late_ticks_;
    return out;
  }
  auto [it, fresh] = building_.try_emplace({minute, symbol});
  Bar& b = it->second;
  if (fresh) {
    b.symbol = symbol;
    b.start = minute;
    b.open = b.high = b.low = last;
  }
  b.high = std::max(b.high, last);
  b.low = std::min(b.low, last);
  b.close = last;
  b.volume_raw += out.volume * kScale;
  if (opened_.insert(minute).second) out.opened = minute;
  return out;
}

std::vector<Bar> BarBuilder::close(TimeMs minute) {
  std::vector<Bar> bars;
  auto it = building_.lower_bound({minute, std::string()});
  while (it != building_.end() && it->first.first == minute) {
    bars.push_back(std::move(it->second));
    it = building_.erase(it);
  }
  closed_through_ = std::max(closed_through_, minute);
  opened_.erase(opened_.begin(), opened_.upper_bound(minute));
  return bars;
}

}  // namespace aitrapp
