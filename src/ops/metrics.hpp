#pragma once
// GET /metrics: the Prometheus exposition of a ServiceSnapshot. Names are the runbooks'
// (trader_*); heartbeat ages are measured at scrape time `now`.
#include <string>

#include "ops/control.hpp"

namespace aitrapp::ops {

std::string render_metrics(const ServiceSnapshot& s, SteadyTime now);

}  // namespace aitrapp::ops
