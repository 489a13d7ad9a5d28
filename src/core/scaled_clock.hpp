#pragma once
// A clock that runs `speed` times faster than the wall clock from an anchor: the venue
// simulator's exchange time, and the engine's view of it when it trades against the simulator.
// Speed 1 with the anchor at the wall clock is real time. Immutable; thread-safe.
#include <chrono>

#include "core/time.hpp"

namespace aitrapp {

// Monotonic milliseconds for measuring waits and windows (rate limits, backoff, heartbeats) in
// the adapters and the simulator; never a timestamp.
inline int64_t steady_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

class ScaledClock final : public Clock {
 public:
  // At the wall instant `wall_anchor_ms` (system clock, Unix ms) the clock reads `anchor`.
  ScaledClock(TimeMs anchor, double speed, TimeMs wall_anchor_ms)
      : anchor_(anchor), speed_(speed), wall_anchor_ms_(wall_anchor_ms) {}
  static TimeMs wall_now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  TimeMs now() const override {
    return anchor_ +
           static_cast<TimeMs>(static_cast<double>(wall_now_ms() - wall_anchor_ms_) * speed_);
  }
  // The wall instant at which this clock reads `t`.
  TimeMs wall_at(TimeMs t) const {
    return wall_anchor_ms_ + static_cast<TimeMs>(static_cast<double>(t - anchor_) / speed_);
  }
  double speed() const { return speed_; }

 private:
  TimeMs anchor_;
  double speed_;
  TimeMs wall_anchor_ms_;
};

}  // namespace aitrapp
