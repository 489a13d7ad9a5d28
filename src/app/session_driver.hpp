#pragma once
// What the service loop (EngineService) drives: one trading day of an engine fed by a venue.
// DayReplay replays recorded bars against the in-process venue on a simulated clock;
// LiveSession trades a venue's live market data (PAPER fills in process, or LIVE orders).
// Owned and called by the engine thread only, except set_wake's callback.
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/engine.hpp"

namespace aitrapp {

// A remote venue connection's own counters (Kite). In-process venues have none.
struct VenueLinkStats {
  size_t throttle_exit = 0, throttle_entry = 0;  // requests waiting in the adapter's throttle
  std::map<std::string, int64_t> retries;        // token_refresh, rate_limited, lookup_by_tag...
  int64_t order_stream_seen_ms = 0;  // steady ms of the order stream's last frame; 0: in process
  int64_t late_ticks = 0;            // ticks that arrived after their minute's bar was closed
};

// A later day's recovery that breaks an invariant stops the service rather than trading on:
// throws std::runtime_error naming the day and the first violation; returns when `broken` is empty.
inline void stop_if_broken(const std::string& day, const std::vector<std::string>& broken) {
  if (!broken.empty())
    throw std::runtime_error("invariant violated after recovery of " + day + ": " + broken.front());
}

class SessionDriver {
 public:
  virtual ~SessionDriver() = default;
  // Recovers the day from the store; returns invariant violations found (empty: ok).
  virtual std::vector<std::string> start() = 0;
  virtual bool idle() const = 0;         // nothing more will happen today
  virtual TimeMs next_time() const = 0;  // when step() next has work; -1 when idle
  virtual const Tick* step() = 0;        // the tick it delivered, if it was one
  virtual void advance_to(TimeMs t) = 0;
  virtual void after_command() = 0;  // reschedules what the engine waits for
  virtual Engine& engine() = 0;
  virtual const Engine& engine() const = 0;
  virtual TimeMs now() const = 0;
  virtual const std::string& day_string() const = 0;
  // Place requests that reused a client_order_id for a different order (must stay 0).
  virtual int64_t conflicting_places() const = 0;
  // Exchanges whose market data this session carries (for the heartbeat metrics).
  virtual std::vector<std::string> feeds() const = 0;
  // The remote venue link's counters; nullopt for an in-process venue.
  virtual std::optional<VenueLinkStats> venue_link() const { return std::nullopt; }
  // Called from other threads when work arrives between scheduled times.
  virtual void set_wake(std::function<void()>) {}
};

}  // namespace aitrapp
