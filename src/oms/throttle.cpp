#include "oms/throttle.hpp"

#include <algorithm>

namespace aitrapp {

const VenueRequest* PriorityThrottle::front() const {
  if (!exits_.empty()) return &exits_.front();
  if (!entries_.empty()) return &entries_.front();
  return nullptr;
}

TimeMs PriorityThrottle::slot_at(TimeMs now) const {
  TimeMs at = now;
  // Calls inside a window that ends at `now`: those after now - length.
  const auto limit = [&](int max_calls, TimeMs length) {
    const auto first = std::upper_bound(window_.begin(), window_.end(), now - length);
    const auto inside = window_.end() - first;
    // The call whose expiry frees a slot: the max_calls-th most recent one.
    if (inside >= max_calls) at = std::max(at, *(window_.end() - max_calls) + length);
  };
  limit(per_second_, kSecondMs);
  if (per_minute_ > 0) limit(per_minute_, kMinuteMs);
  return at;
}

std::vector<VenueRequest> PriorityThrottle::release(TimeMs now) {
  const TimeMs keep = per_minute_ > 0 ? kMinuteMs : kSecondMs;
  while (!window_.empty() && window_.front() <= now - keep) window_.pop_front();
  std::vector<VenueRequest> out;
  while (const VenueRequest* r = front()) {
    const bool order_call = !std::holds_alternative<QueryRequest>(*r);
    if (order_call && slot_at(now) > now) break;
    auto& lane = exits_.empty() ? entries_ : exits_;
    out.push_back(std::move(lane.front()));
    lane.pop_front();
    if (order_call) window_.push_back(now);
  }
  return out;
}

TimeMs PriorityThrottle::next_release(TimeMs now) const {
  const VenueRequest* r = front();
  if (!r) return -1;
  return std::holds_alternative<QueryRequest>(*r) ? now : slot_at(now);
}

}  // namespace aitrapp
