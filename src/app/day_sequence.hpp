#pragma once
// Consecutive trading days replayed on one store by one service: each day is a DayReplay (its
// own engine and simulated venue, recovering what the day before left open, as a morning restart
// would); when a day has nothing left, the next one starts. Used by `aitrapp run` with several
// days of --data. Not thread-safe: driven by the engine thread like the DayReplay it holds.
#include <memory>
#include <vector>

#include "app/day_replay.hpp"

namespace aitrapp {

class DaySequence final : public SessionDriver {
 public:
  // `days` in date order, at least one; `store`, `venue_journal` and `log` must outlive it.
  DaySequence(const AppConfig& cfg, std::vector<DayData> days, Store& store,
              VenueJournal& venue_journal, LogSink& log);

  // Starts the first day; later days start as the previous one runs out (a day whose recovery
  // breaks an invariant then throws std::runtime_error: the service stops rather than trade on).
  std::vector<std::string> start() override;
  bool idle() const override;
  TimeMs next_time() const override;
  const Tick* step() override;
  void advance_to(TimeMs t) override;
  void after_command() override { day_->after_command(); }
  Engine& engine() override { return day_->engine(); }
  const Engine& engine() const override { return day_->engine(); }
  TimeMs now() const override { return day_->now(); }
  const std::string& day_string() const override { return day_->day_string(); }
  int64_t conflicting_places() const override;
  std::vector<std::string> feeds() const override { return day_->feeds(); }

 private:
  void open_day(size_t i);
  void roll_over();  // to the next day while the current one has nothing left

  const AppConfig& cfg_;
  std::vector<DayData> days_;
  Store& store_;
  VenueJournal& venue_journal_;
  LogSink& log_;
  size_t current_ = 0;
  std::unique_ptr<DayReplay> day_;
  std::unique_ptr<DayReplay> finished_;  // the day just done, until the next step
  int64_t conflicting_before_ = 0;       // of the days already done
};

}  // namespace aitrapp
