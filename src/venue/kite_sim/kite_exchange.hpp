#pragma once
// The simulated Kite Connect v3 venue behind `aitrapp venue-sim --venue kite`: authentication,
// per-api_key rate limits, Kite's order lifecycle (history rows per transition, tags, the
// 25-modification cap, decimal order ids), trades, positions, margins, quotes and the instrument
// master, over the in-process matching engine (SimVenue) fed with replayed ticks. Transport-free:
// the server turns HTTP into SimRequest and back. Not thread-safe: the server serializes calls.
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/calendar.hpp"
#include "core/rate_window.hpp"
#include "net/form.hpp"
#include "net/http_server.hpp"
#include "venue/kite/kite_instruments.hpp"
#include "venue/kite/kite_ticks.hpp"
#include "venue/sim/faults.hpp"
#include "venue/sim/sim_venue.hpp"

namespace aitrapp::kite {

struct Credentials {
  std::string api_key, api_secret, access_token;
};

struct SimRequest {
  std::string method, path;
  net::Form query, form;
  std::string authorization;
  int64_t wall_ms = 0;  // steady wall clock: rate limits count real requests
};

// An answer as the server sends it (delay_ms and drop are the faults of a slow or lost answer).
using SimReply = net::HttpResponse;

// Kite's error envelope {status:"error",message,data:null,error_type} with its HTTP status.
SimReply error_reply(int status, const std::string& type, const std::string& message);

// Kite's request limits per api_key (docs/kite-protocol.md 4): a 429 NetworkException beyond them.
struct KiteLimits {
  size_t orders_per_second = 10, orders_per_minute = 400, orders_per_day = 5000;
  size_t quotes_per_second = 1, others_per_second = 10;
};

class KiteExchange {
 public:
  // `clock` is the simulated exchange clock; `cal` must outlive the exchange.
  KiteExchange(std::map<std::string, Instrument> instruments, Money capital, Credentials creds,
               const TradingCalendar& cal, const Clock& clock, int token_expiry_minute,
               KiteLimits limits = {});

  SimReply handle(const SimRequest& r);

  // A market data tick: matching first, then the tick as Kite's ticker would publish it.
  KiteTick on_tick(const Tick& t, int64_t wall_ms);
  // WebSocket upgrade check: the same credentials as REST.
  bool ws_authorized(const std::string& api_key, const std::string& access_token);
  // Order updates since the last call, as ticker text frames {"type":"order","data":...}.
  std::vector<std::string> take_order_updates();

  // Control API.
  RequestFaults& faults() { return faults_; }
  void expire_tokens();  // every access token issued so far becomes invalid
  // The exchange moves its price band: every quoted instrument's circuit limits become its last
  // price -/+ band_bps (on its tick, inward). From then on /quote reports them and an order
  // priced or triggered outside them is REJECTED as the exchange would; the day's own band
  // (open -/+ the instrument's band) is reported but not enforced. Returns the new limits.
  nlohmann::json move_bands(int64_t band_bps);
  std::string issue_request_token();
  const std::vector<InstrumentRow>& instruments() const { return rows_; }
  std::optional<uint32_t> token_of(const std::string& symbol) const;
  nlohmann::json stats() const;

 private:
  struct Order {
    std::string order_id, status, status_message, tag, variety = "regular", product;
    std::string symbol;  // engine symbol (SimVenue key space)
    const InstrumentRow* row = nullptr;
    OrderSpec spec;  // quantity/price as last modified
    int64_t filled = 0, cancelled = 0, modifications = 0;
    Money fill_value;
    TimeMs placed_at = 0, updated_at = 0;
    std::string exchange_order_id;
    std::vector<nlohmann::json> history;
  };
  struct Trade {
    std::string trade_id, order_id;
    int64_t qty;
    Price price;
    TimeMs time;
  };
  struct DayQuote {
    Price open, high, low, last, bid, ask;
    int64_t volume = 0, last_qty = 0;
    Money traded_value;
    TimeMs time = 0;
    bool seen = false;
  };

  SimReply route(const SimRequest& r);
  std::optional<SimReply> authorize(const SimRequest& r);
  std::optional<SimReply> rate_limited(const SimRequest& r);
  SimReply place(const SimRequest& r, const std::string& variety);
  SimReply modify(const SimRequest& r, const std::string& variety, const std::string& id);
  SimReply cancel(const std::string& variety, const std::string& id);
  SimReply session_token(const SimRequest& r);
  SimReply quote(const SimRequest& r);
  void on_venue_event(const VenueEvent& e);
  void transition(Order& o, const std::string& status, const std::string& message = {});
  nlohmann::json order_json(const Order& o) const;
  nlohmann::json trade_json(const Trade& t) const;
  nlohmann::json positions_json() const;
  std::string kite_time(TimeMs t) const;
  Order* find_order(const std::string& id);

  std::map<std::string, Instrument> instruments_;
  std::vector<InstrumentRow> rows_;
  std::map<std::string, const InstrumentRow*> by_key_;     // "NFO:NIFTY_F1" -> row
  std::map<std::string, std::string> symbol_of_key_;       // "NFO:NIFTY_F1" -> engine symbol
  std::map<std::string, const InstrumentRow*> by_symbol_;  // engine symbol -> row
  Money capital_;
  Credentials creds_;
  const TradingCalendar& cal_;
  const Clock& clock_;
  int token_expiry_minute_;
  std::map<std::string, TimeMs> access_tokens_;  // token -> issued at (exchange time)
  std::set<std::string> request_tokens_;
  SimVenue venue_;
  std::vector<VenueEvent> pending_events_;
  std::map<std::string, Order> orders_;  // by order_id
  std::vector<std::string> order_ids_;   // in placement order
  std::vector<Trade> trades_;
  std::map<std::string, DayQuote> quotes_;                      // by engine symbol
  std::map<std::string, std::pair<Price, Price>> moved_bands_;  // by engine symbol
  std::vector<std::string> updates_;
  RateWindow orders_per_s_, orders_per_min_, orders_per_day_, quotes_per_s_, others_per_s_;
  RequestFaults faults_;
  uint64_t next_order_ = 0, next_trade_ = 0, next_request_token_ = 0;
  int64_t requests_ = 0, rejected_429_ = 0, token_errors_ = 0, orders_placed_ = 0;
  int64_t circuit_rejects_ = 0;  // orders refused for a price outside a moved band
};

}  // namespace aitrapp::kite
