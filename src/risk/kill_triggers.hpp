#pragma once
// Automatic kill-switch triggers (thresholds from config `kill_switch:`). Fed observations with
// their simulated time by the engine; evaluate() says which trigger fires now. Each fires once per
// episode. Deterministic, engine-owned; not thread-safe.
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"

namespace aitrapp {

// Reasons a flatten may carry (the API refuses others); each is a label of
// trader_kill_switch_total{reason}.
const std::vector<std::string>& kill_reasons();
bool is_kill_reason(const std::string& reason);

struct KillTriggerParams {
  TimeMs ack_p95_limit_ms = 800;             // order-ack p95 above this ...
  TimeMs ack_breach_for_ms = 120'000;        // ... continuously for this long -> pause + flatten
  TimeMs ack_window_ms = 120'000;            // p95 over the acks of this trailing window
  int ack_min_samples = 3;                   // fewer acks in the window: no verdict
  int market_quality_max = 3;                // more spread blowouts + band rejections than this ...
  TimeMs market_quality_window_ms = 60'000;  // ... within this window -> pause + flatten
  int64_t spread_blowout_bps = 50;           // a quote wider than this is a blowout
  TimeMs throttle_rising_for_ms = 60'000;    // queue non-empty and growing this long -> no entries
};

enum class Trigger { Latency, MarketQuality, ThrottleBacklog };

class KillTriggers {
 public:
  explicit KillTriggers(KillTriggerParams p) : p_(p) {}
  const KillTriggerParams& params() const { return p_; }

  void on_ack(TimeMs now, TimeMs latency_ms);
  void on_market_quality_event(TimeMs now);  // a spread blowout began, or a band rejection
  // The trigger that fires at `now` given the throttle's queue depth, if any. A fired trigger
  // re-arms only after its condition cleared (latency, backlog) or its window emptied.
  std::optional<Trigger> evaluate(TimeMs now, size_t throttle_depth);
  // p95 of the acks in the window ending at `now`, or -1 with too few samples.
  TimeMs ack_p95(TimeMs now) const;
  bool backlog_active() const { return backlog_fired_; }

 private:
  void expire(TimeMs now);

  KillTriggerParams p_;
  std::deque<std::pair<TimeMs, TimeMs>> acks_;  // (time, latency)
  std::deque<TimeMs> quality_events_;
  TimeMs ack_breach_since_ = -1;
  bool latency_fired_ = false;
  TimeMs backlog_since_ = -1;
  size_t backlog_start_depth_ = 0;
  bool backlog_fired_ = false;
};

}  // namespace aitrapp
