#pragma once
// LogSink writing one JSON object per line (readable by jq). Thread-safe (one mutex).
#include <fstream>
#include <mutex>
#include <string>

#include "core/calendar.hpp"
#include "core/log.hpp"

namespace aitrapp {

class JsonLineLog final : public LogSink {
 public:
  // Opens `path` for appending (creating parent directories); throws if it cannot.
  JsonLineLog(const std::string& path, const TradingCalendar& cal);
  void log(TimeMs sim_time, const char* level, const std::string& event,
           const LogFields& fields) override;

 private:
  std::mutex mu_;
  std::ofstream out_;
  const TradingCalendar& cal_;
};

}  // namespace aitrapp
