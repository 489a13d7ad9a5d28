#include "risk/trading_state.hpp"

namespace aitrapp {

const char* to_string(TradingState s) {
  switch (s) {
    case TradingState::Active:
      return "ACTIVE";
    case TradingState::SoftPause:
      return "SOFT_PAUSE";
    case TradingState::Paused:
      return "PAUSED";
    case TradingState::Reducing:
      return "REDUCING";
    case TradingState::HardStop:
      return "HARD_STOP";
  }
  return "?";
}

std::optional<TradingState> trading_state_from_string(const std::string& s) {
  for (auto st : {TradingState::Active, TradingState::SoftPause, TradingState::Paused,
                  TradingState::Reducing, TradingState::HardStop})
    if (s == to_string(st)) return st;
  return std::nullopt;
}

bool TradingStateMachine::allowed(TradingState from, TradingState to) {
  using S = TradingState;
  if (from == to) return false;
  switch (from) {
    case S::Active:
      return true;
    case S::SoftPause:
      return true;
    // An operator pause is lifted only by the operator (resume -> ACTIVE); risk may escalate it.
    case S::Paused:
      return to == S::Active || to == S::Reducing || to == S::HardStop;
    // EOD reducing lasts until the session ends; only an escalation or the operator leaves it.
    case S::Reducing:
      return to == S::HardStop || to == S::Paused || to == S::Active;
    // A hard stop blocks entries until an operator unpauses.
    case S::HardStop:
      return to == S::Active || to == S::Paused;
  }
  return false;
}

std::optional<StateTransition> TradingStateMachine::transition(TradingState to, std::string reason,
                                                               TimeMs t) {
  if (!allowed(state_, to)) return std::nullopt;
  StateTransition tr{state_, to, std::move(reason), t};
  state_ = to;
  return tr;
}

}  // namespace aitrapp
