#pragma once
// A sliding-window call limit: at most `limit` calls inside any window of `length` ms. The one
// rate-limit mechanism of the engine's throttle, the venue adapters and the venue simulators;
// each owner chooses its clock (exchange time in the engine, wall time in an adapter or a
// simulator). Calls may be recorded slightly out of order (a server stamps a request before it
// takes the lock that serialises them): the window keeps them sorted. A plain value; not
// thread-safe.
#include <algorithm>
#include <cstdint>
#include <deque>
#include <vector>

#include "core/time.hpp"

namespace aitrapp {

class RateWindow {
 public:
  RateWindow(int64_t limit, TimeMs length) : limit_(limit), length_(length) {}

  // Calls inside the window that ends at `now`.
  int64_t inside(TimeMs now) const {
    return hits_.end() - std::upper_bound(hits_.begin(), hits_.end(), now - length_);
  }
  // The earliest instant at or after `now` when one more call fits: the expiry of the
  // limit-th most recent call once the window is full.
  TimeMs next_free(TimeMs now) const {
    if (inside(now) < limit_) return now;
    return limit_ > 0 ? std::max(now, *(hits_.end() - limit_) + length_) : kNever;
  }
  bool allows(TimeMs now) const { return inside(now) < limit_; }
  // One call at `at`; calls that left every window ending at or after `at` are forgotten.
  void record(TimeMs at) {
    while (!hits_.empty() && hits_.front() <= at - length_) hits_.pop_front();
    hits_.insert(std::upper_bound(hits_.begin(), hits_.end(), at), at);  // nearly always the end
  }

  static constexpr TimeMs kNever = INT64_MAX;

 private:
  int64_t limit_;
  TimeMs length_;
  std::deque<TimeMs> hits_;
};

// Windows that must all have room for a call, e.g. Kite's 10 order calls a second and 400 a
// minute. With no window added, every call may go at once.
class RateLimits {
 public:
  RateLimits& add(int64_t limit, TimeMs length) {
    windows_.emplace_back(limit, length);
    return *this;
  }
  TimeMs next_free(TimeMs now) const {
    TimeMs at = now;
    for (const RateWindow& w : windows_) at = std::max(at, w.next_free(now));
    return at;
  }
  bool allows(TimeMs now) const {
    for (const RateWindow& w : windows_)
      if (!w.allows(now)) return false;
    return true;
  }
  void record(TimeMs at) {
    for (RateWindow& w : windows_) w.record(at);
  }

 private:
  std::vector<RateWindow> windows_;
};

}  // namespace aitrapp
