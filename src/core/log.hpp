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
  virtual void log(TimeMs sim_time, const char* level, const std::string& event,
                   const LogFields& fields) = 0;
};

class NullLog final : public LogSink {
 public:
  void log(TimeMs, const char*, const std::string&, const LogFields&) override {}
};

}  // namespace aitrapp
