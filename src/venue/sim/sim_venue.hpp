#pragma once
// In-process simulated venue: matches MARKET, LIMIT, SL and SL-M orders against the replayed
// tick path with partial fills, rejects stale limit prices outside the band, and answers every
// request after a configurable latency. Bar fill model: between the points of a bar's path the
// price moves continuously (Tick::continuous), so a resting stop crossed there fills at its trigger
// plus `stop_slippage_ticks` (never worse than the tick's touch) and a resting limit at its price;
// a tick that gaps (a bar's open, any live tick) fills a stop at the touch and a limit at the
// better of its price and the touch. Deterministic: same requests and ticks, same events.
// Place is idempotent per client_order_id (a repeat is answered with the order's state), as a
// real adapter must make it. Single-threaded; driven by the replay loop.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/instrument.hpp"
#include "market/bar.hpp"
#include "venue/messages.hpp"

namespace aitrapp {

struct SimVenueParams {
  TimeMs latency_ms = 40;            // each way
  int64_t participation_bps = 1000;  // a resting order takes at most this share of a tick's volume
  // A resting stop crossed on a continuous tick (inside a bar's path) fills this many ticks past
  // its trigger: the price passed through the trigger on its way to the tick's print.
  int64_t stop_slippage_ticks = 1;
};

class SimVenue {
 public:
  using Deliver = std::function<void(VenueEvent)>;  // event + time the engine sees it
  using Journal = std::function<void(const std::string& id, const std::string& json)>;

  SimVenue(std::map<std::string, Instrument> instruments, SimVenueParams params, Deliver deliver,
           Journal journal = {});
  SimVenue(const SimVenue&) = delete;  // working_ points into orders_
  SimVenue& operator=(const SimVenue&) = delete;

  void on_request(const VenueRequest& r, TimeMs arrival);
  void on_tick(const Tick& t);
  // Rebuilds the book from journal entries written by a previous process.
  void restore(const std::vector<std::string>& journal_json);

  struct VenueFill {
    std::string fill_id;
    Qty qty;
    Price price;
    TimeMs time;
  };
  struct VenueOrder {
    OrderSpec spec;
    std::string venue_order_id;
    enum class Status { Working, Filled, Cancelled, Rejected } status = Status::Working;
    std::string reason;
    bool triggered = false;
    Qty filled;
    std::vector<VenueFill> fills;
  };
  // Fault injection (the Kite simulator): the order fills at most `max_total` until modified.
  void cap_fills(const std::string& client_order_id, Qty max_total) {
    caps_[client_order_id] = max_total;
  }
  const std::map<std::string, VenueOrder>& book() const { return orders_; }
  size_t working_orders() const;
  // Place requests that reused a known client_order_id for a different order (must stay 0).
  int64_t conflicting_places() const { return conflicting_places_; }
  // Ticks ignored because they printed outside the instrument's band around the last price.
  int64_t band_halted_ticks() const { return band_halted_ticks_; }

 private:
  void emit(TimeMs at, VenueEvent::Body body);
  void place(const OrderSpec& spec, TimeMs now);
  void replay_state(const VenueOrder& o, TimeMs now, uint64_t query_seq = 0);
  void try_match(VenueOrder& o, const Tick& q, bool arrival, TimeMs now);
  void fill(VenueOrder& o, Qty qty, Price price, TimeMs now);
  void journal(const VenueOrder& o);
  void track_working(VenueOrder& o);

  std::map<std::string, Instrument> instruments_;
  SimVenueParams p_;
  Deliver deliver_;
  Journal journal_;
  std::map<std::string, VenueOrder> orders_;  // every order ever placed (idempotent re-place)
  // The orders a tick may fill, in client_order_id order like orders_ (so fills keep their
  // order); entries no longer working are dropped on the next tick.
  std::vector<VenueOrder*> working_;
  std::map<std::string, Tick> last_;  // last tick per symbol
  std::map<std::string, Qty> caps_;
  TimeMs matched_until_ = -1;  // after a restore: ticks up to here were already matched
  int64_t seq_ = 0;
  int64_t band_halted_ticks_ = 0;
  int64_t conflicting_places_ = 0;
};

}  // namespace aitrapp
