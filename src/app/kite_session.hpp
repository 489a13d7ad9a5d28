#pragma once
// A trading day on Kite: market data from the WebSocket ticker, built into one-minute bars,
// and orders either filled in process from those ticks (PAPER) or sent to Kite (LIVE, through
// KiteVenue). Time is the exchange clock (`source`): the wall clock in production, the venue
// simulator's accelerated clock against `venue-sim`. The engine sees a stepped copy of it.
// Engine-thread owned; the ticker and the order worker hand their input over through a queue.
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <variant>

#include "app/config.hpp"
#include "app/event_schedule.hpp"
#include "app/scheduled_sim_venue.hpp"
#include "app/session_driver.hpp"
#include "market/bar_builder.hpp"
#include "portfolio/position_reconciler.hpp"
#include "store/store.hpp"
#include "venue/kite/kite_instruments.hpp"
#include "venue/kite/kite_ticker.hpp"
#include "venue/kite/kite_venue.hpp"

namespace aitrapp {

struct KiteSessionSettings {
  std::string rest_root, ws_url;
  std::string api_key, access_token;
  std::string token_file;  // re-read for a fresh access token after a TokenException
  bool live = false;
  std::map<std::string, kite::InstrumentRow> rows;  // engine symbol -> Kite instrument
  TimeMs bar_close_grace_ms = 2000;                 // late ticks of a minute still count
};

class KiteSession final : public SessionDriver {
 public:
  // `cfg`, `store`, `journal`, `log` and `source` must outlive the session.
  KiteSession(const AppConfig& cfg, Store& store, VenueJournal& journal, LogSink& log,
              const Clock& source, KiteSessionSettings settings);
  ~KiteSession() override;

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
  std::vector<std::string> feeds() const override;
  void set_wake(std::function<void()> wake) override { wake_ = std::move(wake); }
  std::optional<VenueLinkStats> venue_link() const override;

  bool live() const { return settings_.live; }

 private:
  struct Status {
    std::string cause;
    bool on;
    std::string detail;
  };
  struct VenuePositions {
    std::map<std::string, int64_t> net;  // engine symbol -> signed quantity at the venue
  };
  struct VenueBands {
    std::map<std::string, PriceBand> by_symbol;  // the exchange's circuit limits
  };
  using Inbound =
      std::variant<kite::KiteTick, VenueEvent::Body, Status, VenuePositions, VenueBands>;
  enum class Kind { VenueArrival = 0, VenueAnswer = 1, BarsClosed = 2, Timer = 3 };

  void push_inbound(Inbound in);
  void schedule_timer() { queue_.schedule_timer(*engine_); }
  const Tick* on_kite_tick(const kite::KiteTick& k);
  // Entries pause ("position_mismatch") while the venue's positions and the engine's disagree
  // (see PositionReconciler); they resume on agreement.
  void check_positions(const std::map<std::string, int64_t>& venue);

  const AppConfig& cfg_;
  Store& store_;
  VenueJournal& journal_;
  const Clock& source_;
  KiteSessionSettings settings_;
  TradingCalendar cal_;
  SimClock clock_;
  int day_ = 0;  // YYYYMMDD
  std::function<void()> wake_;

  mutable std::mutex mu_;  // guards inbound_
  std::deque<Inbound> inbound_;

  EventSchedule<Kind> queue_{Kind::Timer};
  std::unique_ptr<ScheduledSimVenue<Kind>> paper_;
  std::unique_ptr<kite::KiteVenue> live_;
  std::unique_ptr<kite::KiteTicker> ticker_;
  std::unique_ptr<Engine> engine_;

  std::map<uint32_t, std::string> symbol_of_token_;
  BarBuilder bars_;
  std::vector<TimeMs> close_minutes_;  // a BarsClosed event's index: the minute it closes
  Tick tick_;
  PositionReconciler positions_;
};

}  // namespace aitrapp
