#pragma once
// The in-process venue as a session driver runs it: a request reaches SimVenue one link latency
// after the engine sent it, and each answer comes back through the driver's EventSchedule, so
// both happen in time order with the market data. Shared by DayReplay and LiveSession (PAPER).
// Engine-thread owned; not thread-safe.
#include "app/config.hpp"
#include "app/event_schedule.hpp"
#include "store/store.hpp"
#include "venue/sim/sim_venue.hpp"

namespace aitrapp {

template <class Kind>
class ScheduledSimVenue final : public VenuePort {
 public:
  // `schedule`, `clock` and `journal` must outlive this. Arrivals are queued as `arrival` events
  // and answers as `answer` events; their index is into this object's own stores.
  ScheduledSimVenue(const AppConfig& cfg, EventSchedule<Kind>& schedule, const Clock& clock,
                    VenueJournal& journal, Kind arrival, Kind answer)
      : schedule_(schedule),
        clock_(clock),
        latency_ms_(cfg.sim.latency_ms),
        arrival_(arrival),
        answer_(answer),
        venue_(
            cfg.engine.instruments, cfg.sim,
            [this](VenueEvent ev) {
              answers_.push_back(std::move(ev));
              schedule_.push(answers_.back().time, answer_, answers_.size() - 1);
            },
            [this](const std::string& id, const std::string& json) {
              if (arriving_)
                journaled_.emplace_back(id, json);
              else
                journal_.save_venue_order(id, json);
            }),
        journal_(journal) {}

  void send(const VenueRequest& r) override {
    requests_.push_back(r);
    schedule_.push(clock_.now() + latency_ms_, arrival_, requests_.size() - 1);
  }
  // An `arrival` event due at `due`, with the arrivals queued right behind it for the same
  // instant: the requests reach the venue together at `now`, and what they change is journaled
  // in one write before any of their answers (a link latency later) can reach the engine. A
  // flatten's thousand cancels are one commit, not a thousand.
  void arrive(size_t index, TimeMs due, TimeMs now) {
    arriving_ = true;
    venue_.on_request(requests_[index], now);
    while (!schedule_.empty() && schedule_.top().time == due && schedule_.top().kind == arrival_)
      venue_.on_request(requests_[schedule_.pop().index], now);
    arriving_ = false;
    if (!journaled_.empty()) journal_.save_venue_orders(journaled_);
    journaled_.clear();
  }
  // An `answer` event: what the venue said.
  const VenueEvent& answer(size_t index) const { return answers_[index]; }
  SimVenue& venue() { return venue_; }
  const SimVenue& venue() const { return venue_; }

 private:
  EventSchedule<Kind>& schedule_;
  const Clock& clock_;
  TimeMs latency_ms_;
  Kind arrival_, answer_;
  std::vector<VenueRequest> requests_;
  std::vector<VenueEvent> answers_;
  bool arriving_ = false;
  std::vector<std::pair<std::string, std::string>> journaled_;  // while arriving_
  SimVenue venue_;
  VenueJournal& journal_;
};

}  // namespace aitrapp
