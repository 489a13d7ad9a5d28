#pragma once
// The state frames of the live feed: what the dashboard shows besides the event channels
// (positions, heat against its cap, P&L and the day's P&L line, risk state and caps, mode,
// leader, the ranking's weights and recent signals with their outcomes, heartbeats), built from
// the engine service's latest snapshot. Numbers are the engine's; the dashboard recomputes none.
// Used from one thread (the service's main loop); not thread-safe.
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ops/control.hpp"

namespace aitrapp::ops {

class LiveState {
 public:
  // The state for `snap`, or nothing when it is the snapshot seen last time.
  std::optional<nlohmann::json> update(const std::shared_ptr<const ServiceSnapshot>& snap,
                                       SteadyTime now);

 private:
  std::shared_ptr<const ServiceSnapshot> last_;
  // The trading day's P&L, one point per exchange minute; a new trading day starts a new line.
  std::string day_;
  TimeMs last_minute_ = -1;
  std::vector<std::pair<std::string, double>> line_;
};

}  // namespace aitrapp::ops
