#pragma once
// Outbound request throttle with two priority lanes: exits (and all cancels) always go before
// entries. Sliding windows enforce the venue's order-call limits: per second, and per minute
// when set (Kite: 10/s and 400/min). Queries are reads, not order calls: they keep their place
// in the lane but use no slot. Engine-owned; not thread-safe.
#include <deque>
#include <vector>

#include "core/rate_window.hpp"
#include "core/time.hpp"
#include "venue/messages.hpp"

namespace aitrapp {

class PriorityThrottle {
 public:
  // `per_minute` 0: no per-minute limit.
  explicit PriorityThrottle(int per_second, int per_minute = 0) {
    order_calls_.add(per_second, kSecondMs);
    if (per_minute > 0) order_calls_.add(per_minute, kMinuteMs);
  }
  void push(VenueRequest r) {
    (lane_of(r) == Lane::Exit ? exits_ : entries_).push_back(std::move(r));
  }
  // Requests that may go now, exits first; records the order calls among them as sent.
  std::vector<VenueRequest> release(TimeMs now);  // empty (no allocation) on most steps
  // When the next queued request may go, or -1 if nothing is queued.
  TimeMs next_release(TimeMs now) const;
  size_t depth(Lane lane) const { return lane == Lane::Exit ? exits_.size() : entries_.size(); }

 private:
  const VenueRequest* front() const;
  // The earliest instant at or after `now` with a free slot for an order call.
  TimeMs slot_at(TimeMs now) const;

  RateLimits order_calls_;
  std::deque<VenueRequest> exits_, entries_;
};

}  // namespace aitrapp
