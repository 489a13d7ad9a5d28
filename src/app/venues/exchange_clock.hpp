#pragma once
// The exchange clock a live session trades on: a venue simulator's accelerated clock when
// `sim_clock` names its control API (read once from its /clock), the wall clock otherwise.
// `option` names where the URL came from, for errors. Thread-compatible.
#include <memory>
#include <string>

#include "core/result.hpp"
#include "core/scaled_clock.hpp"

namespace aitrapp {

Result<std::shared_ptr<ScaledClock>> exchange_clock(const std::string& sim_clock,
                                                    const std::string& option);

}  // namespace aitrapp
