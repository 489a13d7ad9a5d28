#include "app/venues/exchange_clock.hpp"

#include <nlohmann/json.hpp>

#include "net/http_client.hpp"

namespace aitrapp {

Result<std::shared_ptr<ScaledClock>> exchange_clock(const std::string& sim_clock,
                                                    const std::string& option) {
  if (sim_clock.empty()) {
    const TimeMs now = ScaledClock::wall_now_ms();
    return std::make_shared<ScaledClock>(now, 1.0, now);
  }
  net::HttpClient control(net::parse_url(sim_clock, option), std::chrono::seconds(3));
  const auto r = control.request("GET", "/clock", {});
  const auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (r.status != 200 || j.is_discarded() || !j.contains("exchange_time_ms"))
    return Error{option + " " + sim_clock + ": no clock at /clock", ErrorCode::Unavailable};
  return std::make_shared<ScaledClock>(j["exchange_time_ms"].get<TimeMs>(),
                                       j["speed"].get<double>(), j["wall_time_ms"].get<TimeMs>());
}

}  // namespace aitrapp
