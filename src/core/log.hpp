#pragma once
// Structured log port: one event name plus key/value fields, written by the adapter as a JSON
// line. The engine calls it only from its own thread; implementations must be thread-safe if
// shared.
#include <string>
#include <utility>
#include <vector>

#include "core/time.hpp"

namespace aitrapp {

using LogFields = std::vector<std::pair<std::string, std::string>>;

class LogSink {
 public:
  virtual ~LogSink() = default;
  // False when nothing would be written: callers may then skip building the fields (several
  // formatted decimals per decision on the order path).
  virtual bool enabled() const { return true; }
  virtual void log(TimeMs sim_time, const char* level, const std::string& event,
                   const LogFields& fields) = 0;
};

class NullLog final : public LogSink {
 public:
  bool enabled() const override { return false; }
  void log(TimeMs, const char*, const std::string&, const LogFields&) override {}
};

// Writes the event with the fields `make()` returns, calling it only if `sink` is enabled.
template <class MakeFields>
void log_event(LogSink& sink, TimeMs sim_time, const char* level, const char* event,
               MakeFields&& make) {
  if (sink.enabled()) sink.log(sim_time, level, event, make());
}

}  // namespace aitrapp
