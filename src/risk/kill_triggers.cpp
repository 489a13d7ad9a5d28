#include "risk/kill_triggers.hpp"

#include <algorithm>

namespace aitrapp {

const std::vector<std::string>& kill_reasons() {
  static const std::vector<std::string> r = {"manual",   "latency",     "market_quality",
                                             "risk_cap", "rollback",    "prelive_sanity",
                                             "drill",    "leader_lost", "venue_outage"};
  return r;
}

bool is_kill_reason(const std::string& reason) {
  const auto& r = kill_reasons();
  return std::find(r.begin(), r.end(), reason) != r.end();
}

void KillTriggers::on_ack(TimeMs now, TimeMs latency_ms) {
  acks_.emplace_back(now, latency_ms);
}

void KillTriggers::on_market_quality_event(TimeMs now) {
  quality_events_.push_back(now);
}

void KillTriggers::expire(TimeMs now) {
  while (!acks_.empty() && acks_.front().first <= now - p_.ack_window_ms) acks_.pop_front();
  while (!quality_events_.empty() && quality_events_.front() <= now - p_.market_quality_window_ms)
    quality_events_.pop_front();
}

TimeMs KillTriggers::ack_p95(TimeMs now) const {
  if (static_cast<int>(acks_.size()) < p_.ack_min_samples || acks_.empty()) return -1;
  std::vector<TimeMs> v;
  for (const auto& [t, lat] : acks_)
    if (t > now - p_.ack_window_ms) v.push_back(lat);
  if (static_cast<int>(v.size()) < p_.ack_min_samples || v.empty()) return -1;
  // Nearest-rank p95: the smallest value with at least 95% of the samples at or below it.
  const size_t rank = (v.size() * 95 + 99) / 100;
  std::nth_element(v.begin(), v.begin() + static_cast<long>(rank - 1), v.end());
  return v[rank - 1];
}

std::optional<Trigger> KillTriggers::evaluate(TimeMs now, size_t throttle_depth) {
  expire(now);
  std::optional<Trigger> fired;

  const TimeMs p95 = ack_p95(now);
  if (p95 > p_.ack_p95_limit_ms) {
    if (ack_breach_since_ < 0) ack_breach_since_ = now;
    if (!latency_fired_ && now - ack_breach_since_ >= p_.ack_breach_for_ms) {
      latency_fired_ = true;
      fired = Trigger::Latency;
    }
  } else {
    ack_breach_since_ = -1;
    latency_fired_ = false;
  }

  if (!fired && static_cast<int>(quality_events_.size()) > p_.market_quality_max) {
    quality_events_.clear();  // one kill per burst
    fired = Trigger::MarketQuality;
  }

  if (throttle_depth == 0) {
    backlog_since_ = -1;
    backlog_fired_ = false;
  } else if (backlog_since_ < 0) {
    backlog_since_ = now;
    backlog_start_depth_ = throttle_depth;
  } else if (!fired && !backlog_fired_ && now - backlog_since_ >= p_.throttle_rising_for_ms &&
             throttle_depth > backlog_start_depth_) {
    backlog_fired_ = true;
    fired = Trigger::ThrottleBacklog;
  }
  return fired;
}

}  // namespace aitrapp
