#pragma once
// The engine's venue port onto Kite Connect for LIVE orders. send() (engine thread) only queues;
// a worker thread talks REST under Kite's order limits (10/s and 400/min, exits before entries)
// and turns answers, WebSocket order updates and periodic reconciliation into VenueEvents.
//
// Idempotency without venue-side client ids: the client_order_id travels as the order's `tag`.
// Whenever a placement's outcome is unknown (timeout, lost response, 5xx) the worker looks the
// order up by tag before anything else and re-places only when the venue has no such order, so
// a lost response never makes a second order. A 403 TokenException stops all sending, reports
// the `venue_token` degradation (entries pause) and asks the refresh hook for a new token at
// most every 2 s, probing it before resuming: no retry storm.
//
// Thread-safety: send(), on_order_update(), and the accessors are thread-safe. Callbacks run on
// the worker thread.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "core/instrument.hpp"
#include "core/rate_window.hpp"
#include "venue/adapter/request_lanes.hpp"
#include "venue/kite/kite_instruments.hpp"
#include "venue/kite/kite_rest.hpp"
#include "venue/messages.hpp"

namespace aitrapp::kite {

struct KiteVenueParams {
  int orders_per_second = 10, orders_per_minute = 400;
  int reads_per_second = 8;    // order-book and trade-book reads, inside Kite's 10/s for others
  int max_place_attempts = 3;  // placements of one order the venue never saw
  std::chrono::milliseconds reconcile_every{3000};
  std::chrono::milliseconds token_probe_every{2000};
  std::chrono::milliseconds backoff_max{4000};
};

struct KiteVenueHooks {
  std::function<void(VenueEvent::Body)> emit;  // to the engine thread's inbound queue
  // A degradation cause switched on or off ("venue_token"), with a detail for the risk event.
  std::function<void(const std::string& cause, bool on, const std::string& detail)> status;
  // Asked for a fresh access token while the current one is refused; nullopt: none yet.
  std::function<std::optional<std::string>()> refresh_token;
  // The venue's net quantity per engine symbol (every traded one, flat ones as 0), read after
  // the trade book in each reconciliation round.
  std::function<void(std::map<std::string, int64_t>)> positions;
  // The exchange's circuit limits per engine symbol (GET /quote), read in each reconciliation
  // round: the band can move during the session.
  std::function<void(std::map<std::string, PriceBand>)> bands;
};

class KiteVenue final : public VenuePort {
 public:
  // `rows` maps each engine symbol to its instrument row (exchange, tradingsymbol).
  KiteVenue(std::unique_ptr<KiteRest> rest, std::string access_token,
            std::map<std::string, InstrumentRow> rows, KiteVenueParams params,
            KiteVenueHooks hooks);
  ~KiteVenue() override;
  void start();
  void stop();

  void send(const VenueRequest& request) override;
  void on_order_update(const nlohmann::json& order);  // ticker thread
  void reconcile_soon();                              // e.g. after the ticker reconnects

  size_t queue_depth(Lane lane) const;
  int64_t token_refreshes() const { return token_refreshes_.load(); }
  int64_t rate_limited() const { return rate_limited_.load(); }
  int64_t lookups() const { return lookups_.load(); }
  int64_t venue_errors() const { return venue_errors_.load(); }  // transport failures and 5xx
  // Trade-book and position rows with a missing or mistyped field, skipped (never booked).
  int64_t malformed_rows() const { return malformed_rows_.load(); }
  std::string access_token() const;  // the one in use (the ticker reconnects with it)

 private:
  struct Track {  // worker-owned view of one order
    OrderSpec spec;
    std::string order_id, status;
    bool acked = false, terminal_sent = false, cancelled = false;
    bool withdrawn = false;  // a cancel took its placement out of the queue
    int place_attempts = 0;
    int64_t filled = 0;
    std::set<std::string> trades;
  };
  using Job = RequestLanes::Job;

  void run();
  bool withdraw_place(const std::string& cid);  // removes a queued placement
  bool process(Job& job);                       // false: keep it queued (retry later)
  bool place(Job& job);
  bool cancel(Job& job);
  bool modify(Job& job);
  bool query(Job& job);
  // Handles a transient failure of `reply` for `job`; false means "retry later".
  bool transient(const KiteReply& reply, Job& job);
  enum class Lookup { Done, Failed, Deferred };  // Deferred: held back by the read limit
  // The order carrying this tag in the venue's order book (every read goes through the limit).
  std::optional<nlohmann::json> find_by_tag(const std::string& cid, Lookup& outcome);
  bool retry_lookup(Lookup outcome, Job& job);
  void apply_order(const nlohmann::json& o);
  bool fetch_trades();
  void fetch_positions();
  void fetch_bands();
  bool reads_allowed();  // records the read when it may go
  // Every REST call: counts 429s (and pauses a second after one) and unreachable-venue errors.
  KiteReply call(const std::string& method, const std::string& path, const net::Form& form = {});
  void reconcile();
  void token_wait();
  bool throttle_allows(int64_t now);

  std::unique_ptr<KiteRest> rest_;
  std::string token_;
  std::map<std::string, InstrumentRow> rows_;
  std::map<std::string, std::string> symbol_of_key_;  // "NFO:NIFTY_F1" -> engine symbol
  KiteVenueParams p_;
  KiteVenueHooks hooks_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  RequestLanes lanes_;
  std::deque<nlohmann::json> updates_;
  bool stop_ = false, reconcile_now_ = false;
  std::thread thread_;

  // Worker state.
  std::map<std::string, Track> tracks_;          // by client_order_id
  std::map<std::string, std::string> by_order_;  // venue order_id -> client_order_id
  // Steady-clock windows: order calls (Kite's per-second and per-minute limits) and book reads.
  RateLimits order_calls_ =
      RateLimits().add(p_.orders_per_second, 1000).add(p_.orders_per_minute, 60'000);
  RateWindow reads_{p_.reads_per_second, 1000};
  bool token_ok_ = true, trades_dirty_ = false, reconcile_due_ = false;
  int64_t next_probe_ = 0, next_reconcile_ = 0, backoff_until_ = 0, next_quote_ = 0;
  std::atomic<int64_t> token_refreshes_{0}, rate_limited_{0}, lookups_{0}, venue_errors_{0};
  std::atomic<int64_t> malformed_rows_{0};
};

}  // namespace aitrapp::kite
