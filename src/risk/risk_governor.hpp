#pragma once
// Who may trade now: the trading state (ACTIVE, SOFT_PAUSE, PAUSED, REDUCING, HARD_STOP), why
// it stopped, the causes pausing entries while they last (degraded mode), the automatic
// kill-switch triggers and the spread-blowout episodes that feed them. The engine asks it before
// every entry and tells it what it observed; the governor decides the state and records each
// decision, in order, through its RiskRecorder. It never touches orders: when a trigger calls
// for the kill switch it says so, and the engine runs it. Deterministic (time is passed in);
// engine-owned, one thread, not thread-safe.
#include <optional>
#include <set>
#include <string>

#include "core/decimal.hpp"
#include "core/time.hpp"
#include "risk/kill_triggers.hpp"
#include "risk/trading_state.hpp"

namespace aitrapp {

// Where the governor's decisions go (the engine: a risk-event row, a log line, a counter).
class RiskRecorder {
 public:
  virtual ~RiskRecorder() = default;
  virtual void risk_event(const std::string& kind, const std::string& check,
                          const std::string& reason) = 0;
  // Entries were paused automatically by `cause` (a label of the auto-pause counter).
  virtual void auto_paused(const std::string& cause) = 0;
};

// A trigger's call for the kill switch: one of kill_reasons(), and what crossed which line.
struct KillCall {
  std::string reason, detail;
};

class RiskGovernor {
 public:
  // `recorder` must outlive the governor.
  RiskGovernor(KillTriggerParams params, RiskRecorder& recorder);

  TradingState state() const { return sm_.state(); }
  bool entries_allowed() const { return sm_.entries_allowed(); }
  // Why PAUSED or HARD_STOP: a kill reason, or "operator"; empty otherwise.
  const std::string& stop_reason() const { return stop_reason_; }
  bool degraded(const std::string& cause) const { return degraded_.count(cause) > 0; }
  const KillTriggers& triggers() const { return triggers_; }

  // The one place the state changes; a change the state machine refuses is ignored. A change
  // is recorded as a STATE risk event.
  void set_state(TradingState to, const std::string& reason, TimeMs now);
  // The persisted state after a restart, without recording a change.
  void restore(TradingState s, std::string stop_reason);

  // An outside cause pauses entries (SOFT_PAUSE) while it lasts; returns whether it changed.
  bool set_degraded(const std::string& cause, bool on, const std::string& detail, TimeMs now);
  // A quote's spread; true when a blowout episode begins (counted once per episode).
  bool observe_spread(const std::string& symbol, bool blown, TimeMs now);
  void observe_band_reject(TimeMs now) { triggers_.on_market_quality_event(now); }
  void observe_ack(TimeMs now, TimeMs latency_ms) { triggers_.on_ack(now, latency_ms); }

  // The automatic triggers at `now`: heat over its cap, ack latency and market quality call for
  // the kill switch (returned, not yet run); a growing throttle backlog pauses entries, and its
  // end lifts that pause. Nothing new fires while HARD_STOP.
  std::optional<KillCall> check_triggers(TimeMs now, Money heat, Money heat_cap,
                                         size_t throttle_depth);

  // The kill switch's own state change: HARD_STOP for `reason` until the operator resumes.
  void hard_stop(const std::string& reason, TimeMs now);
  void pause(const std::string& reason, TimeMs now);

  // A new trading day on a running engine: EOD reducing and a stop on the day's loss caps end
  // with their day (true: open_day() has something to change); an operator pause or another
  // hard stop holds until the operator lifts it.
  bool ends_with_the_day() const;
  void open_day(const std::string& day, TimeMs now);
  // A new day on a fresh engine, from the previous day's checkpoint: the same rule.
  void carry(TradingState previous, const std::string& previous_stop_reason,
             const std::string& previous_day, TimeMs now);

 private:
  RiskRecorder& rec_;
  TradingStateMachine sm_;
  std::string stop_reason_;
  KillTriggers triggers_;
  std::set<std::string> degraded_;   // causes of an automatic entry pause still present
  std::set<std::string> blown_out_;  // symbols whose spread is currently a blowout
};

}  // namespace aitrapp
