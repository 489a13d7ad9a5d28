#pragma once
// The engine's venue port onto Bitget's USDT-M perpetuals for LIVE orders. send() (engine
// thread) only queues; a worker thread talks signed REST under Bitget's limits (exits before
// entries) and turns answers, the private stream's order pushes and periodic reconciliation into
// VenueEvents (docs/bitget-protocol.md, "The adapter").
//
// Idempotency: the engine's client_order_id is the order's clientOid, which Bitget never accepts
// twice. When a placement's outcome is unknown (transport failure after sending, 5xx, a
// duplicate-clientOid answer) the worker looks the order up by clientOid before anything else
// and places again only when the exchange has no such order.
//
// Modify: Bitget replaces the order under a new clientOid (link_oid), and only while it has no
// fill; a modify of a filled or partly filled order is refused to the engine, which then cancels.
// Stops: Bitget's stop orders are a separate plan-order API; the adapter holds a STOP_MARKET
// itself, watching the last trade price (on_price), and sends it as a MARKET order under its own
// clientOid when it fires. A restarted adapter knows no held stop: the engine's query then finds
// nothing at the exchange and the engine places it again.
//
// Thread-safety: send(), on_order_push(), on_price(), reconcile_soon() and the accessors are
// thread-safe. Hooks run on the worker thread.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "core/rate_window.hpp"
#include "venue/adapter/request_lanes.hpp"
#include "venue/bitget/bitget_order_form.hpp"
#include "venue/bitget/bitget_rest.hpp"
#include "venue/bitget/bitget_stream_codec.hpp"
#include "venue/messages.hpp"

namespace aitrapp::bitget {

struct BitgetVenueParams {
  // Bitget allows 10 order calls a second per endpoint and UID; one window over all of them
  // keeps every endpoint inside its own.
  int orders_per_second = 10;
  int reads_per_second = 8;  // detail, pending, fills and positions (10/s and 5/s at Bitget)
  int max_place_attempts = 3;
  std::string margin_mode = "crossed";
  std::chrono::milliseconds reconcile_every{3000};
  std::chrono::milliseconds backoff_max{4000};
};

struct BitgetVenueHooks {
  std::function<void(VenueEvent::Body)> emit;  // to the engine thread's inbound queue
  // The exchange's net quantity per engine symbol (every traded one, flat ones as 0), read after
  // the fills in each reconciliation round.
  std::function<void(std::map<std::string, int64_t>)> positions;
};

class BitgetVenue final : public VenuePort {
 public:
  // `rules` maps each engine symbol to its contract (the engine symbol is Bitget's).
  BitgetVenue(std::unique_ptr<BitgetRest> rest, std::map<std::string, ContractRules> rules,
              BitgetVenueParams params, BitgetVenueHooks hooks);
  ~BitgetVenue() override;
  void start();
  void stop();

  void send(const VenueRequest& request) override;
  void on_order_push(const OrderPush& push);          // private stream thread
  void on_price(const std::string& symbol, Price p);  // public stream thread: the last trade
  void reconcile_soon();                              // e.g. after the private stream reconnects

  size_t queue_depth(Lane lane) const;
  int64_t rate_limited() const { return rate_limited_.load(); }
  int64_t lookups() const { return lookups_.load(); }
  int64_t venue_errors() const { return venue_errors_.load(); }
  int64_t malformed_rows() const { return malformed_rows_.load(); }
  int64_t stops_fired() const { return stops_fired_.load(); }

 private:
  struct Track {  // worker-owned view of one engine order
    OrderSpec spec;
    std::string order_id;  // the current link's
    int link = 0;          // the current link (link_oid)
    bool acked = false, terminal_sent = false, cancelled = false, withdrawn = false;
    bool held_stop = false, fired = false;  // a STOP_MARKET the adapter holds; sent as MARKET
    int place_attempts = 0;
    int64_t filled = 0, venue_filled = 0;  // booked by us; the exchange's total
    std::set<std::string> trades;
  };
  using Job = RequestLanes::Job;
  enum class Lookup { Found, Absent, Failed, Deferred };

  void run();
  bool process(Job& job);  // false: keep it queued (retry later)
  bool place(Job& job);
  bool cancel(Job& job);
  bool modify(Job& job);
  bool query(Job& job);
  bool retry_later(Job& job);  // a transient failure: backs the job off, keeps it queued
  bool retry_lookup(Lookup outcome, Job& job);
  // The exchange's row of `client_oid` (GET detail); every read goes through the read limit.
  Lookup find(const std::string& symbol, const std::string& client_oid, OrderRow& row);
  // Follows the links of `cid` from the current one to the newest the exchange holds.
  Lookup find_newest(Track& t, OrderRow& row);
  void apply_row(Track& t, const OrderRow& row);
  void apply_push(const OrderPush& p);
  void book_fill(Track& t, const std::string& trade_id, Qty qty, Price price);
  void settle_terminal(Track& t);
  void fire_stops();
  bool fetch_fills();
  void fetch_positions();
  void reconcile();
  bool reads_allowed();
  BitgetReply call_get(const std::string& path, const net::Form& query);
  BitgetReply call_post(const std::string& path, const nlohmann::json& body);
  BitgetReply counted(BitgetReply r);
  const ContractRules& rules_of_symbol(const std::string& symbol) const;

  std::unique_ptr<BitgetRest> rest_;
  std::map<std::string, ContractRules> rules_;
  BitgetVenueParams p_;
  BitgetVenueHooks hooks_;

  mutable std::mutex mu_;  // guards lanes_, pushes_, prices_, stop_, reconcile_now_
  std::condition_variable cv_;
  RequestLanes lanes_;
  std::deque<OrderPush> pushes_;
  std::map<std::string, Price> prices_;
  bool stop_ = false, reconcile_now_ = false, prices_new_ = false;
  std::thread thread_;

  // Worker state.
  std::map<std::string, Track> tracks_;          // by client_order_id
  std::map<std::string, std::string> by_order_;  // Bitget orderId -> client_order_id
  RateWindow order_calls_{p_.orders_per_second, 1000};
  RateWindow reads_{p_.reads_per_second, 1000};
  bool fills_dirty_ = false, reconcile_due_ = false;
  int64_t next_reconcile_ = 0, backoff_until_ = 0;
  std::atomic<int64_t> rate_limited_{0}, lookups_{0}, venue_errors_{0}, malformed_rows_{0};
  std::atomic<int64_t> stops_fired_{0};
};

}  // namespace aitrapp::bitget
