#pragma once
// The in-process runtime every simulated session runs on: a simulated clock, one time-ordered
// schedule, the market data its driver pushes in (ticks and bar closes), the simulated venue one
// link latency away, the engine's own timers and, when asked, a new trading day on the same engine
// each time the clock crosses the calendar's local midnight (a market open around the clock).
// DayReplay (`paper`, `run`), the benchmarks and the tests drive it; LiveSession shares its
// schedule and its venue. Owns the engine. Not thread-safe: one thread owns and drives it.
#include <memory>
#include <optional>
#include <vector>

#include "core/calendar.hpp"
#include "engine/engine.hpp"
#include "runtime/event_schedule.hpp"
#include "runtime/scheduled_sim_venue.hpp"
#include "runtime/slots.hpp"

namespace aitrapp {

// Sees what crosses the wire between the engine and the venue, in the order it crosses: the
// benchmarks hash it to show that a faster run is the same run. Called on the driving thread.
class WireTap {
 public:
  virtual ~WireTap() = default;
  virtual void sent(const VenueRequest& r) = 0;
  virtual void answered(const std::vector<VenueEvent>& answers) = 0;
};

struct RuntimeOptions {
  // On: the first event starts its trading day and every event past a local midnight starts the
  // next one, on the same engine. Off: the driver starts the day it replays.
  bool roll_days = false;
  VenueJournal* journal = nullptr;  // the venue's book, persisted; null: in memory only
  WireTap* tap = nullptr;           // null: nobody listens
};

class SimRuntime final : private VenuePort {
 public:
  // At equal times: requests reach the venue, then market data (the venue matches before the
  // engine sees the tick), then venue answers, bar closes, timers.
  enum class Kind { VenueArrival = 0, Tick = 1, VenueAnswer = 2, BarsClosed = 3, Timer = 4 };

  // `store`, `log` and what `options` points to must outlive the runtime.
  SimRuntime(const EngineConfig& engine, const SimVenueParams& sim, Store& store, LogSink& log,
             std::unique_ptr<Strategy> strategy, RuntimeOptions options = {});

  // Market data, delivered when the schedule reaches its time (never before what was pushed
  // earlier for the same instant and kind).
  void push_tick(Tick t);
  void push_bars_closed(std::vector<Bar> bars, TimeMs at);

  bool idle() const { return queue_.empty(); }
  TimeMs next_time() const { return queue_.empty() ? -1 : queue_.top().time; }
  // Handles the next scheduled event; returns the tick it delivered, if it was one (valid until
  // the next step or push_tick). Throws std::logic_error if the engine keeps asking to be woken at
  // the same instant.
  const Tick* step();
  // Handles every event due before `t` (run_until) or up to `t` (run_through), then lets the clock
  // reach `t`.
  void run_until(TimeMs t);
  void run_through(TimeMs t);
  // Handles every event due up to now: after the driver called the engine or the venue itself.
  void settle();
  // Lets simulated time pass without an event, never beyond the next scheduled one; used before
  // an operator command so that it happens "now" on a paced replay.
  void advance_to(TimeMs t);
  // Before the first step: where the clock starts (a resumed day: its last checkpoint).
  void start_clock_at(TimeMs t) { clock_.advance_to(t); }
  // After calling the engine directly (an operator command): schedules what it now waits for.
  void after_command() { queue_.schedule_timer(engine_); }

  Engine& engine() { return engine_; }
  const Engine& engine() const { return engine_; }
  SimVenue& venue() { return venue_.venue(); }
  const SimVenue& venue() const { return venue_.venue(); }
  TimeMs now() const { return clock_.now(); }
  // Market data, requests and answers scheduled and not yet handled.
  size_t pending() const { return ticks_.pending() + closes_.pending() + venue_.in_flight(); }

 private:
  void send(const VenueRequest& r) override;
  void roll_to(TimeMs t);

  RuntimeOptions options_;
  TradingCalendar calendar_;
  SimClock clock_;
  EventSchedule<Kind> queue_{Kind::Timer};
  ScheduledSimVenue<Kind> venue_;
  Engine engine_;
  Slots<Tick> ticks_;
  Slots<std::vector<Bar>> closes_;
  std::optional<size_t> delivered_;  // the tick the last step returned, released on the next
  TimeMs day_end_;
  TimeMs last_timer_ = -1;
  int spins_ = 0;
};

}  // namespace aitrapp
