#include "oms/throttle.hpp"

#include <algorithm>

namespace aitrapp {

const VenueRequest* PriorityThrottle::front() const {
  if (!exits_.empty()) return &exits_.front();
  if (!entries_.empty()) return &entries_.front();
  return nullptr;
}

TimeMs PriorityThrottle::slot_at(TimeMs now) const {
  return order_calls_.next_free(now);
}

std::vector<VenueRequest> PriorityThrottle::release(TimeMs now) {
  std::vector<VenueRequest> out;
  while (const VenueRequest* r = front()) {
    const bool order_call = !std::holds_alternative<QueryRequest>(*r);
    if (order_call && slot_at(now) > now) break;
    auto& lane = exits_.empty() ? entries_ : exits_;
    out.push_back(std::move(lane.front()));
    lane.pop_front();
    if (order_call) order_calls_.record(now);
  }
  return out;
}

TimeMs PriorityThrottle::next_release(TimeMs now) const {
  const VenueRequest* r = front();
  if (!r) return -1;
  return std::holds_alternative<QueryRequest>(*r) ? now : slot_at(now);
}

}  // namespace aitrapp
