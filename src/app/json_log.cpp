#include "app/json_log.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace aitrapp {

JsonLineLog::JsonLineLog(const std::string& path, const TradingCalendar& cal) : cal_(cal) {
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  out_.open(path, std::ios::app);
  if (!out_) throw std::runtime_error("cannot open log file " + path);
}

void JsonLineLog::log(TimeMs t, const char* level, const std::string& event,
                      const LogFields& fields) {
  nlohmann::json j;
  j["ts"] = cal_.local_time_string(t);
  j["level"] = level;
  j["event"] = event;
  for (const auto& [k, v] : fields) j[k] = v;
  std::lock_guard<std::mutex> lock(mu_);
  out_ << j.dump() << '\n';
  out_.flush();
}

}  // namespace aitrapp
