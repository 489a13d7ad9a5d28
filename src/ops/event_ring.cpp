#include "ops/event_ring.hpp"

namespace aitrapp::ops {

void EventRing::log(TimeMs sim_time, const char* level, const std::string& event,
                    const LogFields& fields) {
  next_.log(sim_time, level, event, fields);
  nlohmann::json j = {
      {"seq", 0}, {"time", cal_.local_time_string(sim_time)}, {"level", level}, {"event", event}};
  for (const auto& [k, v] : fields) j[k] = v;
  std::lock_guard lock(mu_);
  j["seq"] = ++seq_;
  if (bus_) bus_->publish("events", j.dump());
  events_.push_back(std::move(j));
  if (events_.size() > capacity_) events_.pop_front();
}

nlohmann::json EventRing::newest(size_t limit) const {
  std::lock_guard lock(mu_);
  nlohmann::json out = nlohmann::json::array();
  for (auto it = events_.rbegin(); it != events_.rend() && out.size() < limit; ++it)
    out.push_back(*it);
  return out;
}

}  // namespace aitrapp::ops
