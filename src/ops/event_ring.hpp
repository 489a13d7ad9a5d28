#pragma once
// LogSink decorator: forwards every event to the next sink and keeps the newest ones in memory
// for GET /events. Thread-safe (one mutex): the engine thread writes, API threads read.
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/calendar.hpp"
#include "core/log.hpp"
#include "ops/event_bus.hpp"

namespace aitrapp::ops {

class EventRing final : public LogSink {
 public:
  EventRing(LogSink& next, const TradingCalendar& cal, size_t capacity = 1000)
      : next_(next), cal_(cal), capacity_(capacity) {}
  // Also publishes every event on the bus's `events` channel; `bus` must outlive the ring.
  void set_bus(EventBus* bus) { bus_ = bus; }
  void log(TimeMs sim_time, const char* level, const std::string& event,
           const LogFields& fields) override;
  nlohmann::json newest(size_t limit) const;  // newest first

 private:
  LogSink& next_;
  const TradingCalendar& cal_;
  size_t capacity_;
  EventBus* bus_ = nullptr;
  mutable std::mutex mu_;
  std::deque<nlohmann::json> events_;
  uint64_t seq_ = 0;
};

}  // namespace aitrapp::ops
