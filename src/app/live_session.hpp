#pragma once
// A trading session on a venue's live market data, whatever the venue: ticks built into
// one-minute bars (a minute closes `bar_close_grace_ms` after its end), orders filled in process
// from those ticks (PAPER) or sent through the venue's adapter (LIVE), the venue's positions
// checked against the engine's, and a later trading day started at its first tick. Time is the
// exchange clock (`source`): the wall clock in production, a simulator's accelerated clock
// against `venue-sim`; the engine sees a stepped copy of it.
// A venue adds only its LiveVenue (its market data client and, for LIVE, its adapter), which
// hands what arrives on its threads to the session through LiveInbound.
// Engine-thread owned, except LiveInbound (thread-safe) and set_wake's callback.
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "app/config.hpp"
#include "app/session_driver.hpp"
#include "market/bar_builder.hpp"
#include "portfolio/position_reconciler.hpp"
#include "runtime/event_schedule.hpp"
#include "runtime/scheduled_sim_venue.hpp"
#include "runtime/slots.hpp"
#include "store/store.hpp"

namespace aitrapp {

// One market data update as a venue's client decoded it, in engine terms.
struct MarketTick {
  std::string symbol;        // engine symbol
  TimeMs exchange_time = 0;  // 0: the venue gave none (the session's clock stands in)
  Price last, bid, ask;      // bid/ask: the touch, or `last` when the venue sent no depth
  // The venue's cumulative traded volume of the day (the bar builder turns it into per-tick
  // volume); nullopt for an instrument that does not trade (an index).
  std::optional<int64_t> day_volume;
};

// What a venue's threads hand to the session. Thread-safe; each call wakes the session.
class LiveInbound {
 public:
  virtual ~LiveInbound() = default;
  virtual void tick(MarketTick t) = 0;
  virtual void venue_event(VenueEvent::Body b) = 0;  // LIVE: an order's answer from the venue
  // An outside condition that pauses entries while it lasts (Engine::set_degraded).
  virtual void status(std::string cause, bool on, std::string detail) = 0;
  // The venue's net quantity per engine symbol (LIVE), for the position reconciliation.
  virtual void positions(std::map<std::string, int64_t> net) = 0;
  virtual void bands(std::map<std::string, PriceBand> by_symbol) = 0;  // the exchange's limits
};

// One venue's live connection. Made by the venue's entry in app/venues, owned by the session,
// destroyed (its threads stopped) before the session's queue.
class LiveVenue {
 public:
  virtual ~LiveVenue() = default;
  // LIVE: the adapter the engine sends to; nullptr: PAPER, fills simulated in process.
  virtual VenuePort* execution() = 0;
  virtual void start() = 0;  // connects; market data flows into the LiveInbound from then on
  virtual std::vector<std::string> feeds() const = 0;  // exchanges whose market data it carries
  virtual VenueLinkStats link_stats() const = 0;       // late_ticks is the session's to fill
};

class LiveSession final : public SessionDriver, private LiveInbound {
 public:
  using MakeVenue = std::function<std::unique_ptr<LiveVenue>(LiveInbound&)>;
  // `cfg`, `store`, `journal`, `log` and `source` must outlive the session.
  LiveSession(const AppConfig& cfg, Store& store, VenueJournal& journal, LogSink& log,
              const Clock& source, const MakeVenue& make_venue, TimeMs bar_close_grace_ms);
  ~LiveSession() override;

  std::vector<std::string> start() override;
  bool idle() const override;
  TimeMs next_time() const override;
  const Tick* step() override;
  void advance_to(TimeMs) override;
  void after_command() override { schedule_timer(); }
  Engine& engine() override { return *engine_; }
  const Engine& engine() const override { return *engine_; }
  TimeMs now() const override { return clock_.now(); }
  const std::string& day_string() const override { return engine_->trading_day(); }
  int64_t conflicting_places() const override;
  std::vector<std::string> feeds() const override { return venue_->feeds(); }
  void set_wake(std::function<void()> wake) override { wake_ = std::move(wake); }
  std::optional<VenueLinkStats> venue_link() const override;

 private:
  struct Status {
    std::string cause;
    bool on;
    std::string detail;
  };
  struct VenuePositions {
    std::map<std::string, int64_t> net;
  };
  struct VenueBands {
    std::map<std::string, PriceBand> by_symbol;
  };
  using Inbound = std::variant<MarketTick, VenueEvent::Body, Status, VenuePositions, VenueBands>;
  enum class Kind { VenueArrival = 0, VenueAnswer = 1, BarsClosed = 2, Timer = 3 };

  // LiveInbound, from the venue's threads.
  void tick(MarketTick t) override { push(std::move(t)); }
  void venue_event(VenueEvent::Body b) override { push(std::move(b)); }
  void status(std::string cause, bool on, std::string detail) override {
    push(Status{std::move(cause), on, std::move(detail)});
  }
  void positions(std::map<std::string, int64_t> net) override {
    push(VenuePositions{std::move(net)});
  }
  void bands(std::map<std::string, PriceBand> by_symbol) override {
    push(VenueBands{std::move(by_symbol)});
  }
  void push(Inbound in);

  void schedule_timer() { queue_.schedule_timer(*engine_); }
  std::unique_ptr<Engine> make_engine(int day);
  // Recovers the engine's day from the store; the invariant violations found (empty: ok).
  std::vector<std::string> recover();
  // The first market data of a later trading day: that day starts as a morning restart would.
  void roll_over(int day);
  const Tick* on_market_tick(const MarketTick& m);
  // Entries pause ("position_mismatch") while the venue's positions and the engine's disagree
  // (see PositionReconciler); they resume on agreement.
  void check_positions(const std::map<std::string, int64_t>& venue);

  const AppConfig& cfg_;
  Store& store_;
  VenueJournal& journal_;
  LogSink& log_;
  const Clock& source_;
  TimeMs bar_close_grace_ms_;
  TradingCalendar cal_;
  SimClock clock_;
  int day_ = 0;  // YYYYMMDD
  std::function<void()> wake_;

  mutable std::mutex mu_;  // guards inbound_
  std::deque<Inbound> inbound_;

  EventSchedule<Kind> queue_{Kind::Timer};
  std::unique_ptr<ScheduledSimVenue<Kind>> paper_;  // PAPER only
  std::unique_ptr<LiveVenue> venue_;
  std::unique_ptr<Engine> engine_;

  BarBuilder bars_;
  Slots<TimeMs> close_minutes_;  // a BarsClosed event's index: the minute it closes
  Tick tick_;
  PositionReconciler positions_;
};

}  // namespace aitrapp
