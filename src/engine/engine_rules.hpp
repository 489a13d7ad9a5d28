#pragma once
// Small rules shared by the engine's files (not part of its interface).
#include "oms/bracket.hpp"
#include "oms/order.hpp"

namespace aitrapp::engine_rules {

// A leg's slot in BracketGroup::attempts.
inline int role_index(LegRole r) {
  return static_cast<int>(r);
}

}  // namespace aitrapp::engine_rules
