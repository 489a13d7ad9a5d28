#pragma once
// Outbound request throttle with two priority lanes: exits (and all cancels) always go before
// entries. A sliding one-second window enforces the venue's orders-per-second limit.
// Engine-owned; not thread-safe.
#include <deque>

#include "core/time.hpp"
#include "venue/messages.hpp"

namespace aitrapp {

enum class Lane { Exit, Entry };

class PriorityThrottle {
 public:
  explicit PriorityThrottle(int per_second) : per_second_(per_second) {}
  void push(Lane lane, VenueRequest r) {
    (lane == Lane::Exit ? exits_ : entries_).push_back(std::move(r));
  }
  // Requests that may go now, exits first; records them as sent.
  std::deque<VenueRequest> release(TimeMs now);
  // When the next queued request may go, or -1 if nothing is queued.
  TimeMs next_release(TimeMs now) const;
  size_t depth(Lane lane) const { return lane == Lane::Exit ? exits_.size() : entries_.size(); }

 private:
  int per_second_;
  std::deque<VenueRequest> exits_, entries_;
  std::deque<TimeMs> window_;
};

}  // namespace aitrapp
