#pragma once
// `aitrapp run`: the engine as a long-lived service. One engine thread owns the DayReplay (and so
// the engine, the simulated venue and the store); it paces the replay against the wall clock,
// executes operator commands from a queue between events, and publishes immutable snapshots for
// the API threads. Implements ops::ControlPort; its public methods are thread-safe.
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "app/config.hpp"
#include "app/session_driver.hpp"
#include "ha/leader_lock.hpp"
#include "ops/control.hpp"
#include "ops/event_ring.hpp"

namespace aitrapp {

struct ServiceOptions {
  double speed = 0;  // simulated seconds per wall second; 0 = as fast as possible
  std::string store_backend = "sqlite";
  // Called on the engine thread with each new lease's fencing token (the PostgreSQL store fences
  // its writes with it).
  std::function<void(uint64_t)> fence;
  ops::EventBus* bus = nullptr;         // for its metrics; may be null
  const ops::EventBus* live = nullptr;  // the dashboard's live feed, for its metrics; may be null
  // Leadership lost to another instance for this long: the service stops (exit status 1).
  std::chrono::milliseconds lost_exit_after{10'000};
  std::chrono::milliseconds flatten_timeout{30'000};
  std::chrono::milliseconds command_timeout{5'000};
  std::chrono::milliseconds publish_every{50};
  // The session sends orders to a real venue adapter (Kite): it runs LIVE from the start and
  // cannot drop to PAPER without a restart.
  bool live_venue = false;
};

class EngineService final : public ops::ControlPort {
 public:
  // Everything referenced must outlive the service.
  EngineService(const AppConfig& cfg, SessionDriver& replay, const Store& store, LeaderLock& lock,
                ops::EventRing& events, ServiceOptions opts);
  ~EngineService() override;

  // Starts the engine thread: waits for the leader lock, recovers, then replays.
  void start();
  void stop();  // idempotent; finishes the current step and joins

  std::shared_ptr<const ops::ServiceSnapshot> snapshot() const override;
  ops::CommandOutcome execute(const ops::Command& c) override;
  nlohmann::json recent_events(size_t limit) const override { return events_.newest(limit); }

  // Set when the engine thread stopped on an error (the process should exit non-zero).
  std::string fatal_error() const;

 private:
  // A command waits Queued until the engine thread takes it (Started). One whose caller gave up
  // first is Abandoned and never runs: a timed-out request must not take effect later.
  struct Pending {
    enum class State { Queued, Started, Abandoned };
    ops::Command command;
    std::promise<ops::CommandOutcome> done;
    ops::SteadyTime received;
    State state = State::Queued;  // guarded by mu_
  };
  struct FlattenWait {
    std::promise<ops::CommandOutcome> done;
    ops::SteadyTime received;
    FlattenReport report;
    std::string reason;
  };

  void loop();
  // Applies the lease state before a step; false while this instance must not touch the engine.
  bool check_leadership();
  void run_command(Pending& p);
  // Runs the queued commands the leader may run; a non-leader answers them 409 instead.
  void run_commands(bool leader);
  ops::CommandOutcome not_leader() const;
  ops::CommandOutcome switch_mode(const std::string& mode);
  void finish_flattens();
  void sync_clock();
  void publish();
  nlohmann::json risk_json() const;
  nlohmann::json positions_json() const;
  nlohmann::json orders_json() const;

  const AppConfig& cfg_;
  SessionDriver& replay_;
  const Store& store_;
  LeaderLock& lock_;
  ops::EventRing& events_;
  ServiceOptions opts_;
  TradingCalendar cal_;

  mutable std::mutex mu_;  // guards commands_, Pending::state, stop_, snap_, fatal_
  std::condition_variable cv_;
  std::deque<std::shared_ptr<Pending>> commands_;
  bool stop_ = false, woken_ = false;
  std::shared_ptr<const ops::ServiceSnapshot> snap_;
  std::string fatal_;
  std::thread thread_;

  // Engine-thread state.
  std::string mode_ = "PAPER";
  uint64_t fenced_token_ = 0;
  std::optional<ops::SteadyTime> lost_since_;
  bool recovered_ = false, store_ok_ = true, nothing_to_replay_ = false;
  int recovered_positions_ = 0;
  size_t recovered_orders_ = 0;
  std::string store_error_;
  std::vector<std::unique_ptr<FlattenWait>> flattens_;
  ops::FlattenHistogramMs flatten_ms_ = ops::make_flatten_histogram_ms();
  std::map<std::string, ops::SteadyTime> marketdata_seen_;
  ops::SteadyTime order_stream_seen_{};
  ops::SteadyTime wall_anchor_{};
  TimeMs sim_anchor_ = 0;
  ops::SteadyTime last_publish_{};
};

}  // namespace aitrapp
