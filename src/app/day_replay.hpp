#pragma once
// One trading day of recorded bars replayed on the in-process runtime (SimRuntime: the engine, the
// simulated venue, a simulated clock): loads and validates the day, recovers what the store holds
// of it, and schedules the rest. Shared by `aitrapp paper` (as fast as possible, or paced) and
// `aitrapp run` (paced, with operator commands applied between events).
// Not thread-safe: the owner drives it from one thread (the engine thread).
#include <memory>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "app/session_driver.hpp"
#include "core/result.hpp"
#include "runtime/sim_runtime.hpp"
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

  // The SessionDriver calls are SimRuntime's (see there).
  bool idle() const override { return runtime_.idle(); }
  TimeMs next_time() const override { return runtime_.next_time(); }
  const Tick* step() override { return runtime_.step(); }
  void advance_to(TimeMs t) override { runtime_.advance_to(t); }
  void after_command() override { runtime_.after_command(); }

  Engine& engine() override { return runtime_.engine(); }
  const Engine& engine() const override { return runtime_.engine(); }
  const SimVenue& venue() const { return runtime_.venue(); }
  TimeMs now() const override { return runtime_.now(); }
  const DayData& data() const { return data_; }
  const std::string& day_string() const override { return runtime_.engine().trading_day(); }
  int64_t conflicting_places() const override { return venue().conflicting_places(); }
  std::vector<std::string> feeds() const override;

 private:
  const AppConfig& cfg_;
  DayData data_;
  Store& store_;
  VenueJournal& venue_journal_;
  SimRuntime runtime_;
  bool resumed_ = false;
  TimeMs resume_after_ = -1;
};

}  // namespace aitrapp
