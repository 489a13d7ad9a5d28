#pragma once
// A bracket (OCO group): one entry, then a stop-loss and a take-profit child sized to the filled
// quantity, plus a market exit when the engine must close on its own.
#include <string>

#include "core/decimal.hpp"
#include "core/time.hpp"
#include "core/types.hpp"

namespace aitrapp {

enum class BracketState { Entering, Open, Exiting, Closed };
const char* to_string(BracketState s);
BracketState bracket_state_from_string(const std::string& s);

struct BracketGroup {
  std::string plan_id, strategy, symbol;
  Side side = Side::Buy;
  Qty planned_qty;
  Price entry, stop, target;
  BracketState state = BracketState::Entering;
  std::string entry_id, sl_id, tp_id, exit_id;  // current order of each role ("" = none yet)
  int attempts[4] = {0, 0, 0, 0};               // next attempt per LegRole
  Qty entry_filled;
  Qty net;  // signed, in the entry's direction: entry fills add, opposite fills subtract
  Money entry_notional, exit_notional;
  Qty exit_filled;
  Money realized;
  Price mae, mfe;  // per-unit adverse/favourable excursion (>= 0) while the position was open
  TimeMs opened = 0, closed = 0;
  bool repriced = false;
  std::string config_sha;

  Price avg_entry() const {
    return entry_filled.units ? Price::from_raw(entry_notional.raw / entry_filled.units) : entry;
  }
};

}  // namespace aitrapp
