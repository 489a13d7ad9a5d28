#pragma once
// LogSink writing one JSON object per line (readable by jq), each with the instance id, since
// instances may share one file. Thread-safe (one mutex).
#include <fstream>
#include <memory>
#include <mutex>
#include <string>

#include "core/calendar.hpp"
#include "core/log.hpp"

namespace aitrapp {

class JsonLineLog final : public LogSink {
 public:
  // Opens `path` for appending (creating parent directories); throws std::runtime_error naming
  // the path and the cause if it cannot. A later write failure is reported once on stderr.
  JsonLineLog(const std::string& path, const TradingCalendar& cal, std::string instance_id = {});
  void log(TimeMs sim_time, const char* level, const std::string& event,
           const LogFields& fields) override;

 private:
  std::mutex mu_;
  std::ofstream out_;
  const TradingCalendar& cal_;
  std::string path_, instance_;
  bool write_failed_ = false;
};

struct AppConfig;
// The configured log (`app.log_file`) for a command's start; null, with the error on `err`
// naming the key, when it cannot be opened (the command then exits 2 before touching a store).
std::unique_ptr<JsonLineLog> open_log(const AppConfig& cfg, const TradingCalendar& cal,
                                      const std::string& instance_id, std::ostream& err);

}  // namespace aitrapp
