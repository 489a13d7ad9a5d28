#pragma once
// Trading state machine (docs/architecture.md, "Rules"). Entries run only in ACTIVE; exits always
// run. Every accepted transition yields a record the engine persists as a risk event. Engine-owned;
// not thread-safe.
#include <optional>
#include <string>

#include "core/time.hpp"

namespace aitrapp {

enum class TradingState { Active, SoftPause, Paused, Reducing, HardStop };
const char* to_string(TradingState s);
std::optional<TradingState> trading_state_from_string(const std::string& s);

struct StateTransition {
  TradingState from, to;
  std::string reason;
  TimeMs time;
};

class TradingStateMachine {
 public:
  TradingState state() const { return state_; }
  bool entries_allowed() const { return state_ == TradingState::Active; }
  static bool allowed(TradingState from, TradingState to);
  // Applies the transition if allowed; nullopt (and no change) otherwise or if already there.
  std::optional<StateTransition> transition(TradingState to, std::string reason, TimeMs t);
  // Restores a persisted state on recovery without recording a transition.
  void restore(TradingState s) { state_ = s; }

 private:
  TradingState state_ = TradingState::Active;
};

}  // namespace aitrapp
