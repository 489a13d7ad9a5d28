#pragma once
// Small rules shared by the engine's files (not part of its interface).
#include "oms/bracket.hpp"
#include "oms/order.hpp"

namespace aitrapp::engine_rules {

// Exits, stops and targets wait in the exit lane; entries in the entry lane.
inline Lane lane_of(LegRole r) {
  return is_exit_role(r) ? Lane::Exit : Lane::Entry;
}
// A leg's slot in BracketGroup::attempts.
inline int role_index(LegRole r) {
  return static_cast<int>(r);
}

}  // namespace aitrapp::engine_rules
