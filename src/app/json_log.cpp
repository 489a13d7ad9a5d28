#include "app/json_log.hpp"

#include "app/config.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace aitrapp {

JsonLineLog::JsonLineLog(const std::string& path, const TradingCalendar& cal,
                         std::string instance_id)
    : cal_(cal), path_(path), instance_(std::move(instance_id)) {
  auto parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec)
    throw std::runtime_error("cannot create the log directory " + parent.string() + ": " +
                             ec.message());
  if (std::filesystem::is_directory(path, ec))
    throw std::runtime_error("cannot open log file " + path + ": it is a directory");
  errno = 0;
  out_.open(path, std::ios::app);
  if (!out_)
    throw std::runtime_error("cannot open log file " + path + ": " +
                             (errno ? std::strerror(errno) : "open failed"));
}

void JsonLineLog::log(TimeMs t, const char* level, const std::string& event,
                      const LogFields& fields) {
  nlohmann::json j;
  j["ts"] = cal_.local_time_string(t);
  j["level"] = level;
  j["event"] = event;
  if (!instance_.empty()) j["instance"] = instance_;
  for (const auto& [k, v] : fields) j[k] = v;
  std::lock_guard<std::mutex> lock(mu_);
  out_ << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  out_.flush();
  if (!out_ && !write_failed_) {  // a full disk must not be silent (once, not per event)
    write_failed_ = true;
    std::cerr << "warning: writing the log file " << path_ << " failed; events are no longer "
              << "logged there (GET /events still has the newest)" << std::endl;
  }
}

std::unique_ptr<JsonLineLog> open_log(const AppConfig& cfg, const TradingCalendar& cal,
                                      const std::string& instance_id, std::ostream& err) {
  try {
    return std::make_unique<JsonLineLog>(cfg.log_file, cal, instance_id);
  } catch (const std::exception& e) {
    err << "error: app.log_file: " << e.what() << "\n";
    return nullptr;
  }
}

}  // namespace aitrapp
