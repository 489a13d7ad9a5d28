#pragma once
// The in-process venue as a session driver runs it: a request reaches SimVenue one link latency
// after the engine sent it, and each answer comes back through the driver's EventSchedule, so
// both happen in time order with the market data. Shared by SimRuntime and LiveSession (PAPER).
// Engine-thread owned; not thread-safe.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "runtime/event_schedule.hpp"
#include "runtime/slots.hpp"
#include "store/store.hpp"
#include "venue/sim/sim_venue.hpp"

namespace aitrapp {

template <class Kind>
class ScheduledSimVenue final : public VenuePort {
 public:
  // `schedule`, `clock` and `journal` (when given) must outlive this. Arrivals are queued as
  // `arrival` events and answers as `answer` events; their index is into this object's own slots.
  // Without a journal the venue's book lives in memory only (a benchmark, a test).
  ScheduledSimVenue(const std::map<std::string, Instrument>& instruments,
                    const SimVenueParams& params, EventSchedule<Kind>& schedule, const Clock& clock,
                    VenueJournal* journal, Kind arrival, Kind answer)
      : schedule_(schedule),
        clock_(clock),
        latency_ms_(params.latency_ms),
        arrival_(arrival),
        answer_(answer),
        journal_(journal),
        venue_(
            instruments, params,
            [this](VenueEvent ev) {
              const TimeMs at = ev.time;
              schedule_.push(at, answer_, answers_.put(std::move(ev)));
            },
            journal ? SimVenue::Journal([this](const std::string& id, const std::string& json) {
              if (arriving_)
                journaled_.emplace_back(id, json);
              else
                journal_->save_venue_order(id, json);
            })
                    : SimVenue::Journal{}) {}

  void send(const VenueRequest& r) override {
    schedule_.push(clock_.now() + latency_ms_, arrival_, requests_.put(r));
  }
  // An `arrival` event due at `due`, with the arrivals queued right behind it for the same
  // instant: the requests reach the venue together at `now`, and what they change is journaled
  // in one write before any of their answers (a link latency later) can reach the engine. A
  // flatten's thousand cancels are one commit, not a thousand.
  void arrive(size_t index, TimeMs due, TimeMs now) {
    arriving_ = true;
    venue_.on_request(requests_.take(index), now);
    while (!schedule_.empty() && schedule_.top().time == due && schedule_.top().kind == arrival_)
      venue_.on_request(requests_.take(schedule_.pop().index), now);
    arriving_ = false;
    if (!journaled_.empty()) journal_->save_venue_orders(journaled_);
    journaled_.clear();
  }
  // An `answer` event: what the venue said; its slot is free afterwards.
  VenueEvent take_answer(size_t index) { return answers_.take(index); }
  SimVenue& venue() { return venue_; }
  const SimVenue& venue() const { return venue_; }
  // Requests on their way to the venue and answers on their way back.
  size_t in_flight() const { return requests_.pending() + answers_.pending(); }

 private:
  EventSchedule<Kind>& schedule_;
  const Clock& clock_;
  TimeMs latency_ms_;
  Kind arrival_, answer_;
  VenueJournal* journal_;
  Slots<VenueRequest> requests_;
  Slots<VenueEvent> answers_;
  bool arriving_ = false;
  std::vector<std::pair<std::string, std::string>> journaled_;  // while arriving_
  SimVenue venue_;
};

}  // namespace aitrapp
