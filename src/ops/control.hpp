#pragma once
// The control plane's view of the running engine: published snapshots to read, commands to send.
// The API thread(s) never touch engine state; they read the latest immutable ServiceSnapshot and
// queue Commands that the engine thread executes between events.
#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/histogram.hpp"
#include "core/result.hpp"
#include "engine/engine.hpp"
#include "ops/event_bus.hpp"

namespace aitrapp::ops {

using SteadyTime = std::chrono::steady_clock::time_point;

// Durations of completed flattens in milliseconds (exported in seconds).
using FlattenHistogramMs = Histogram<10>;
inline FlattenHistogramMs make_flatten_histogram_ms() {
  FlattenHistogramMs h;
  h.bounds = {10, 50, 100, 250, 500, 1000, 2000, 5000, 10000, 30000};
  return h;
}

// Everything the API serves, as of one instant of the engine thread. Immutable once published.
struct ServiceSnapshot {
  std::string instance_id, mode = "PAPER", config_sha, venue = "sim";
  std::string leader_id;  // the lock holder as last seen (empty: unknown)
  std::string trading_day, trading_state, sim_time_local;
  TimeMs sim_time = 0;
  bool leader = false, recovered = false, replay_done = false, session_open = false;
  bool store_ok = true;
  std::string store_error;
  std::string store_backend = "sqlite", leadership = "FOLLOWER";
  uint64_t fencing_token = 0;
  StoreHealth store_health;
  std::optional<BusStats> bus;   // with REDIS_URL
  std::optional<BusStats> live;  // the dashboard's live feed (/ws)
  EngineStats stats;
  double heat = 0, heat_cap = 0, net_liquidity = 0, day_pnl = 0, realized = 0, unrealized = 0;
  int open_positions = 0;
  // What recovery found, before the first step traded (the boot line reports these).
  int recovered_positions = 0;
  size_t recovered_orders = 0;
  bool nothing_to_replay = false;  // the store already held the whole day
  std::map<std::string, int> positions_by_strategy;
  size_t live_orders = 0, throttle_exit = 0, throttle_entry = 0;  // engine's plus the adapter's
  int64_t late_ticks = 0;  // market data ticks that missed their bar
  int orphan_children = 0;
  int64_t duplicate_client_ids = 0;  // places the venue saw reuse an id for a different order
  TimeMs marketdata_stale_after_ms = 30'000;
  std::map<std::string, SteadyTime> marketdata_seen;  // last tick per bucket (exchange)
  SteadyTime order_stream_seen{};
  FlattenHistogramMs flatten_ms = make_flatten_histogram_ms();
  nlohmann::json risk, positions, orders, signals;  // the GET bodies, built on the engine thread
  // How signals are ranked: strategy, min_score, max_per_instant, and the score weights where the
  // strategy has them.
  nlohmann::json ranking;
};

struct Command {
  enum class Kind { Pause, Resume, Flatten, Mode };
  Kind kind = Kind::Pause;
  std::string reason;  // pause/resume: free text; flatten: one of kill_reasons()
  std::string mode;    // PAPER or LIVE (the API has already checked the confirmation phrase)
};

struct CommandOutcome {
  int status = 200;  // HTTP status to answer with
  nlohmann::json body;
};

// The HTTP status the API answers a failure of this kind with.
constexpr int http_status(ErrorCode c) {
  switch (c) {
    case ErrorCode::Invalid:
      return 400;
    case ErrorCode::NotFound:
      return 404;
    case ErrorCode::Refused:
    case ErrorCode::Conflict:
      return 409;
    case ErrorCode::Unavailable:
      return 503;
  }
  return 500;
}

class ControlPort {
 public:
  virtual ~ControlPort() = default;
  // Thread-safe: the latest published snapshot (never null once the service started).
  virtual std::shared_ptr<const ServiceSnapshot> snapshot() const = 0;
  // Thread-safe: queues the command for the engine thread and blocks until it is done (flatten:
  // until flat) or the command's time limit passes (504).
  virtual CommandOutcome execute(const Command& c) = 0;
  // Thread-safe: the newest `limit` structured log events, newest first.
  virtual nlohmann::json recent_events(size_t limit) const = 0;
};

}  // namespace aitrapp::ops
