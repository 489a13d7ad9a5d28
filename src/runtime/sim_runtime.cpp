#include "runtime/sim_runtime.hpp"

#include <limits>
#include <stdexcept>

namespace aitrapp {

SimRuntime::SimRuntime(const EngineConfig& engine, const SimVenueParams& sim, Store& store,
                       LogSink& log, std::unique_ptr<Strategy> strategy, RuntimeOptions options)
    : options_(options),
      calendar_(engine.timezone, engine.session),
      venue_(engine.instruments, sim, queue_, clock_, options.journal, Kind::VenueArrival,
             Kind::VenueAnswer),
      engine_(engine, store, *this, clock_, log, std::move(strategy)),
      day_end_(options.roll_days ? std::numeric_limits<TimeMs>::min()
                                 : std::numeric_limits<TimeMs>::max()) {}

void SimRuntime::send(const VenueRequest& r) {
  if (options_.tap) options_.tap->sent(r);
  venue_.send(r);
}

void SimRuntime::push_tick(Tick t) {
  const TimeMs at = t.time;
  queue_.push(at, Kind::Tick, ticks_.put(std::move(t)));
}

void SimRuntime::push_bars_closed(std::vector<Bar> bars, TimeMs at) {
  queue_.push(at, Kind::BarsClosed, closes_.put(std::move(bars)));
}

void SimRuntime::roll_to(TimeMs t) {
  if (t < day_end_) return;
  const int day = calendar_.local_yyyymmdd(t);
  day_end_ = calendar_.local_to_utc(day, 23 * 60 + 59, kMinuteMs);  // the next local midnight
  engine_.start_day(day);
}

const Tick* SimRuntime::step() {
  if (delivered_) ticks_.release(*delivered_);
  delivered_.reset();
  const auto ev = queue_.pop();
  roll_to(ev.time);
  clock_.advance_to(ev.time);
  const Tick* tick = nullptr;
  switch (ev.kind) {
    case Kind::VenueArrival:
      venue_.arrive(ev.index, ev.time, ev.time);
      return tick;  // the engine did not run, so its next wake-up has not moved
    case Kind::Tick:
      delivered_ = ev.index;
      tick = &ticks_[ev.index];
      venue_.venue().on_tick(*tick);
      engine_.on_tick(*tick);
      break;
    case Kind::VenueAnswer: {
      // Answers due at the same instant reach the engine as one step (one durable commit).
      std::vector<VenueEvent> answers{venue_.take_answer(ev.index)};
      while (!queue_.empty() && queue_.top().time == ev.time &&
             queue_.top().kind == Kind::VenueAnswer)
        answers.push_back(venue_.take_answer(queue_.pop().index));
      if (options_.tap) options_.tap->answered(answers);
      engine_.on_venue_events(answers);
      break;
    }
    case Kind::BarsClosed:
      engine_.on_bars_closed(closes_.take(ev.index));
      break;
    case Kind::Timer:
      // A deadline that does not move after it fired would spin the replay forever.
      spins_ = ev.time == last_timer_ ? spins_ + 1 : 0;
      last_timer_ = ev.time;
      if (spins_ > 1000)
        throw std::logic_error("engine keeps asking for a timer at the same instant");
      engine_.on_timer();
      break;
  }
  after_command();
  return tick;
}

void SimRuntime::run_until(TimeMs t) {
  while (!queue_.empty() && queue_.top().time < t) step();
  roll_to(t);
  clock_.advance_to(t);
}

void SimRuntime::run_through(TimeMs t) {
  while (!queue_.empty() && queue_.top().time <= t) step();
  roll_to(t);
  clock_.advance_to(t);
}

void SimRuntime::settle() {
  after_command();
  run_through(clock_.now());
}

void SimRuntime::advance_to(TimeMs t) {
  if (!queue_.empty()) t = std::min(t, queue_.top().time);
  if (t > clock_.now()) clock_.advance_to(t);
}

}  // namespace aitrapp
