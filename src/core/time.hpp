#pragma once
// Time inside the engine is a plain count of milliseconds since the Unix epoch (UTC).
// Wall-clock reads happen only in adapters that implement Clock.
#include <cstdint>

namespace aitrapp {

using TimeMs = int64_t;
inline constexpr TimeMs kSecondMs = 1000;
inline constexpr TimeMs kMinuteMs = 60 * kSecondMs;

// The engine's only source of "now". Implementations: SimClock (replay), a real clock (service).
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimeMs now() const = 0;
};

// Advanced explicitly by the replay driver; never moves backwards. Single-threaded use.
class SimClock final : public Clock {
 public:
  explicit SimClock(TimeMs start = 0) : now_(start) {}
  TimeMs now() const override { return now_; }
  void advance_to(TimeMs t) {
    if (t > now_) now_ = t;
  }

 private:
  TimeMs now_;
};

}  // namespace aitrapp
