#include "risk/risk_governor.hpp"

namespace aitrapp {

RiskGovernor::RiskGovernor(KillTriggerParams params, RiskRecorder& recorder)
    : rec_(recorder), triggers_(params) {}

void RiskGovernor::set_state(TradingState to, const std::string& reason, TimeMs now) {
  const TradingState from = sm_.state();
  if (!sm_.transition(to, reason, now)) return;
  rec_.risk_event("STATE", to_string(to), reason + " (from " + to_string(from) + ")");
  if (to != TradingState::Paused && to != TradingState::HardStop) stop_reason_.clear();
}

void RiskGovernor::restore(TradingState s, std::string stop_reason) {
  sm_.restore(s);
  stop_reason_ = std::move(stop_reason);
}

bool RiskGovernor::set_degraded(const std::string& cause, bool on, const std::string& detail,
                                TimeMs now) {
  if (on == degraded(cause)) return false;
  if (on) {
    degraded_.insert(cause);
    rec_.auto_paused(cause);
    rec_.risk_event("LIMIT", "DEGRADED", cause + (detail.empty() ? "" : ": " + detail));
    if (sm_.state() == TradingState::Active)
      set_state(TradingState::SoftPause, cause + ": entries paused, exits continue", now);
    return true;
  }
  degraded_.erase(cause);
  rec_.risk_event("LIMIT", "RECOVERED", cause);
  if (degraded_.empty() && !triggers_.backlog_active() && sm_.state() == TradingState::SoftPause)
    set_state(TradingState::Active, cause + " cleared", now);
  return true;
}

bool RiskGovernor::observe_spread(const std::string& symbol, bool blown, TimeMs now) {
  if (!blown) {
    blown_out_.erase(symbol);
    return false;
  }
  if (!blown_out_.insert(symbol).second) return false;
  triggers_.on_market_quality_event(now);
  return true;
}

std::optional<KillCall> RiskGovernor::check_triggers(TimeMs now, Money heat, Money heat_cap,
                                                     size_t throttle_depth) {
  const auto fired = triggers_.evaluate(now, throttle_depth);
  const bool stopped = sm_.state() == TradingState::HardStop;
  if (!stopped && heat > heat_cap) {
    const std::string why = "heat " + to_string(heat) + " above cap " + to_string(heat_cap);
    rec_.risk_event("LIMIT", "PORTFOLIO_HEAT", why);
    return KillCall{"risk_cap", why};
  }
  if (!fired) {
    if (sm_.state() == TradingState::SoftPause && !triggers_.backlog_active() && degraded_.empty())
      set_state(TradingState::Active, "throttle backlog cleared", now);
    return std::nullopt;
  }
  const KillTriggerParams& p = triggers_.params();
  switch (*fired) {
    case Trigger::Latency:
      if (stopped) return std::nullopt;
      return KillCall{"latency", "order-ack p95 " + std::to_string(triggers_.ack_p95(now)) +
                                     " ms above " + std::to_string(p.ack_p95_limit_ms) +
                                     " ms for " + std::to_string(p.ack_breach_for_ms / 1000) +
                                     " s"};
    case Trigger::MarketQuality:
      if (stopped) return std::nullopt;
      return KillCall{"market_quality", "more than " + std::to_string(p.market_quality_max) +
                                            " spread blowouts or band rejections within " +
                                            std::to_string(p.market_quality_window_ms / 1000) +
                                            " s"};
    case Trigger::ThrottleBacklog:
      rec_.auto_paused("throttle_backlog");
      rec_.risk_event("LIMIT", "THROTTLE_BACKLOG",
                      "order queue of " + std::to_string(throttle_depth) + " still growing after " +
                          std::to_string(p.throttle_rising_for_ms / 1000) + " s");
      if (sm_.state() == TradingState::Active)
        set_state(TradingState::SoftPause, "throttle backlog: entries paused, exits continue", now);
      return std::nullopt;
  }
  return std::nullopt;
}

void RiskGovernor::hard_stop(const std::string& reason, TimeMs now) {
  set_state(TradingState::HardStop, "kill switch (" + reason + ")", now);
  stop_reason_ = reason;
}

void RiskGovernor::pause(const std::string& reason, TimeMs now) {
  set_state(TradingState::Paused, "operator pause: " + reason, now);
  if (sm_.state() == TradingState::Paused) stop_reason_ = "operator";
}

bool RiskGovernor::ends_with_the_day() const {
  return sm_.state() == TradingState::Reducing ||
         (sm_.state() == TradingState::HardStop && stop_reason_ == "risk_cap");
}

void RiskGovernor::open_day(const std::string& day, TimeMs now) {
  const bool day_stop = sm_.state() == TradingState::HardStop && stop_reason_ == "risk_cap";
  set_state(TradingState::Active,
            day_stop ? "the day's loss stop ends with its day; trading day " + day + " opens"
                     : "trading day " + day + " opens",
            now);
  if (!degraded_.empty())
    set_state(TradingState::SoftPause, "still degraded at the day's open", now);
}

void RiskGovernor::carry(TradingState previous, const std::string& previous_stop_reason,
                         const std::string& previous_day, TimeMs now) {
  if (previous != TradingState::Paused && previous != TradingState::HardStop) return;
  if (previous == TradingState::HardStop && previous_stop_reason == "risk_cap") {
    rec_.risk_event("STATE", to_string(TradingState::Active),
                    "the loss stop of " + previous_day + " ended with its day");
    return;
  }
  set_state(previous,
            "carried from " + previous_day + " (" +
                (previous_stop_reason.empty() ? "unknown" : previous_stop_reason) +
                "): the operator lifts it",
            now);
  stop_reason_ = previous_stop_reason;
}

}  // namespace aitrapp
