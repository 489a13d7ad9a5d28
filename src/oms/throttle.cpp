#include "oms/throttle.hpp"

namespace aitrapp {

std::deque<VenueRequest> PriorityThrottle::release(TimeMs now) {
  while (!window_.empty() && window_.front() <= now - kSecondMs) window_.pop_front();
  std::deque<VenueRequest> out;
  while ((!exits_.empty() || !entries_.empty()) && static_cast<int>(window_.size()) < per_second_) {
    auto& lane = exits_.empty() ? entries_ : exits_;
    out.push_back(std::move(lane.front()));
    lane.pop_front();
    window_.push_back(now);
  }
  return out;
}

TimeMs PriorityThrottle::next_release(TimeMs now) const {
  if (exits_.empty() && entries_.empty()) return -1;
  size_t live = 0;
  for (TimeMs t : window_)
    if (t > now - kSecondMs) ++live;
  if (static_cast<int>(live) < per_second_) return now;
  return window_[window_.size() - live] + kSecondMs;
}

}  // namespace aitrapp
