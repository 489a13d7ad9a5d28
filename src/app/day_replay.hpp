#pragma once
// One trading day of recorded bars replayed through the engine against the in-process simulated
// venue, on a simulated clock. Shared by `aitrapp paper` (as fast as possible, or paced) and
// `aitrapp run` (paced, with operator commands applied between events).
// Not thread-safe: the owner drives it from one thread (the engine thread).
#include <map>
#include <memory>
#include <queue>
#include <set>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "app/event_schedule.hpp"
#include "app/scheduled_sim_venue.hpp"
#include "app/session_driver.hpp"
#include "core/result.hpp"
#include "engine/engine.hpp"
#include "store/store.hpp"

namespace aitrapp {

// The bars of one trading day inside the session, sorted by time then symbol.
struct DayData {
  std::vector<Bar> bars;
  int day = 0;         // YYYYMMDD in the exchange's time zone
  size_t dropped = 0;  // rows outside the session
};

// What `paper` and `run` say when the store already holds `day` replayed to its end.
std::string nothing_left_to_replay(const std::string& day);

struct ReplayInputs {
  AppConfig cfg;
  std::vector<DayData> days;  // one or more trading days, in date order
};
// The configuration (the embedded default when `config_path` is empty) and the bars of each
// trading day in `data` (files, directories of files, or a directory of day directories), every
// file and row validated before anything touches the store (errors name the key or file:line).
Result<ReplayInputs> load_replay_inputs(const std::string& config_path,
                                        const std::vector<std::string>& data);

class DayReplay final : public SessionDriver {
 public:
  // `store`, `venue_journal` and `log` must outlive the replay.
  DayReplay(const AppConfig& cfg, DayData data, Store& store, VenueJournal& venue_journal,
            LogSink& log);
  ~DayReplay() override;

  // Rebuilds the day from the store (a resumed day continues after its last checkpoint) and
  // schedules what is left. Returns the invariant violations found after recovery (empty: ok).
  std::vector<std::string> start() override;
  bool resumed() const { return resumed_; }
  TimeMs resumed_after() const { return resume_after_; }

  bool idle() const override { return queue_.empty(); }
  TimeMs next_time() const override;  // of the next scheduled event; -1 when idle
  // Processes the next scheduled event; returns the tick it delivered, if it was one. Throws
  // std::logic_error if the engine keeps asking to be woken at the same instant.
  const Tick* step() override;
  // Lets simulated time pass without an event, never beyond the next scheduled one; used before
  // an operator command so that it happens "now" on a paced replay.
  void advance_to(TimeMs t) override;
  // After calling the engine directly (an operator command): schedules what it now waits for.
  void after_command() override { schedule_timer(); }

  Engine& engine() override { return *engine_; }
  const Engine& engine() const override { return *engine_; }
  const SimVenue& venue() const { return venue_->venue(); }
  TimeMs now() const override { return clock_.now(); }
  const DayData& data() const { return data_; }
  const std::string& day_string() const override { return engine_->trading_day(); }
  int64_t conflicting_places() const override { return venue_->venue().conflicting_places(); }
  std::vector<std::string> feeds() const override;

 private:
  // At equal times: requests reach the venue, then market data (the venue matches before the
  // engine sees the tick), then venue answers, bar closes, timers.
  enum class Kind { VenueArrival = 0, Tick = 1, VenueAnswer = 2, BarsClosed = 3, Timer = 4 };
  void schedule_timer() { queue_.schedule_timer(*engine_); }

  const AppConfig& cfg_;
  DayData data_;
  Store& store_;
  VenueJournal& venue_journal_;
  SimClock clock_;
  EventSchedule<Kind> queue_{Kind::Timer};
  std::unique_ptr<ScheduledSimVenue<Kind>> venue_;
  std::unique_ptr<Engine> engine_;
  std::vector<Tick> ticks_;
  std::vector<std::vector<Bar>> closes_;
  TimeMs last_timer_ = -1;
  int spins_ = 0;
  bool resumed_ = false;
  TimeMs resume_after_ = -1;
};

}  // namespace aitrapp
