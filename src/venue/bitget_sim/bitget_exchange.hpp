#pragma once
// The Bitget USDT-M exchange the simulator serves (`venue-sim --venue bitget`), without its
// transport: the contracts of the engine's instruments (bitget/bitget_contract.hpp), the last
// quote of each from the replayed ticks with a five-level book around it, one account in USDT on
// one-way positions (perp_account.hpp), its orders matched by the shared SimVenue, and the
// exchange's check of every private request. One clock for everything: the simulator's exchange
// clock, which a client reads from /api/v2/public/time and signs with. Not thread-safe: the
// server and the market data pump call it under one lock.
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

#include "core/decimal.hpp"
#include "core/instrument.hpp"
#include "core/time.hpp"
#include "market/bar.hpp"
#include "net/http_server.hpp"
#include "venue/bitget/bitget_auth.hpp"
#include "venue/bitget/bitget_contract.hpp"
#include "venue/bitget_sim/bitget_params.hpp"
#include "venue/bitget_sim/perp_account.hpp"
#include "venue/sim/sim_venue.hpp"

namespace aitrapp::bitget {

class BitgetExchange {
 public:
  // `instruments`: the tradable ones become USDT-FUTURES contracts. `clock` must outlive this.
  BitgetExchange(const std::map<std::string, Instrument>& instruments, Money capital,
                 Credentials account, const Clock& clock);

  // A market data tick: the quote, then the matching of resting orders (maker fills).
  void on_tick(const Tick& t);
  // A REST request, answered in Bitget's envelope; never throws for bad input.
  net::HttpResponse handle(const net::HttpRequest& r);

  nlohmann::json stats() const;
  // The levels each side of the book shows, and the size at the touch in the contract's lots.
  static constexpr int kBookLevels = 5;
  static constexpr int64_t kTouchLots = 100;
  static constexpr int kDefaultLeverage = 20;

 private:
  struct Market {
    ContractRules rules;
    Instrument instrument;
    Tick last;
    bool quoted = false;
    std::deque<std::pair<TimeMs, Price>> day;  // the last 24 h of prints, for the ticker
    int leverage = kDefaultLeverage;
    std::string margin_mode = "crossed";
    int64_t maker_rate = 0, taker_rate = 0;  // the account's fee rates, on Money's scale
    Price mark() const { return last.last; }
  };
  struct Order {
    std::string order_id, client_oid, symbol;  // symbol: Bitget's (BTCUSDT)
    Side side = Side::Buy;
    bool market = false, reduce_only = false;
    std::string force = "gtc";   // gtc, ioc, fok, post_only
    std::string source = "API";  // enterPointSource: API, or WEB for an order from the UI
    Qty size, filled;
    Price price;                      // zero for a market order
    Money filled_value, fee, profit;  // fee: paid (negative: a rebate received)
    std::string state = "live";       // live, partially_filled, filled, canceled
    std::string cancel_reason;
    int leverage = kDefaultLeverage;
    std::string margin_mode;
    TimeMs created = 0, updated = 0;
    bool open() const { return state == "live" || state == "partially_filled"; }
  };
  struct Fill {
    std::string trade_id, order_id, symbol;
    Side side;
    Qty qty;
    Price price;
    Money fee, profit;
    bool maker;
    TimeMs time;
  };

  net::HttpResponse ok(const nlohmann::json& data) const;
  net::HttpResponse fail(const ApiError& e) const;
  // The USDT-FUTURES market named by the symbol parameter, or the error to answer.
  std::variant<Market*, ApiError> market_of(const Params& p);
  std::optional<ApiError> check_margin_coin(const Params& p) const;
  nlohmann::json ticker_json(const Market& m) const;
  nlohmann::json depth_json(const Market& m, int levels) const;
  nlohmann::json account_json() const;
  nlohmann::json order_json(const Order& o, const char* state_field) const;
  nlohmann::json fill_json(const Fill& f) const;
  nlohmann::json position_json(const Market& m, const PerpAccount::Position& p) const;
  // The margin the account's positions and open orders hold, and its equity, at mark prices.
  Money position_margin() const;
  Money order_margin() const;
  Money equity() const;

  // Orders (bitget_exchange_orders.cpp).
  std::variant<const Order*, ApiError> place_one(const Params& p);
  std::variant<Order*, ApiError> find_order(const Params& p, const Market& m);
  // Cancels an open order; false when it is no longer open.
  bool cancel_open(Order& o, const std::string& reason);
  nlohmann::json cancel_many(const std::vector<Order*>& orders);
  void start_matching(Order& o);
  void drain_venue_events(bool taker);
  void book_fill(Order& o, const OrderFilled& f, bool taker);
  net::HttpResponse order_page(const Params& p, bool open);

  // The routes (handle() finds them by method and path, and checks the signature of the private
  // ones first).
  using Route = net::HttpResponse (BitgetExchange::*)(const Params&);
  net::HttpResponse server_time(const Params& p);
  net::HttpResponse contracts(const Params& p);
  net::HttpResponse ticker(const Params& p);
  net::HttpResponse tickers(const Params& p);
  net::HttpResponse merge_depth(const Params& p);
  net::HttpResponse accounts(const Params& p);
  net::HttpResponse account(const Params& p);
  net::HttpResponse trade_rate(const Params& p);
  net::HttpResponse set_leverage(const Params& p);
  net::HttpResponse set_margin_mode(const Params& p);
  net::HttpResponse set_position_mode(const Params& p);
  net::HttpResponse all_positions(const Params& p);
  net::HttpResponse single_position(const Params& p);
  net::HttpResponse place_order(const Params& p);
  net::HttpResponse batch_place_order(const Params& p);
  net::HttpResponse modify_order(const Params& p);
  net::HttpResponse cancel_order(const Params& p);
  net::HttpResponse batch_cancel_orders(const Params& p);
  net::HttpResponse cancel_all_orders(const Params& p);
  net::HttpResponse order_detail(const Params& p);
  net::HttpResponse orders_pending(const Params& p);
  net::HttpResponse orders_history(const Params& p);
  net::HttpResponse order_fills(const Params& p);

  std::map<std::string, Market> markets_;                // by Bitget symbol
  std::map<std::string, std::string> engine_to_bitget_;  // engine symbol -> Bitget symbol
  PerpAccount account_book_;
  std::string pos_mode_ = "one_way_mode";
  Credentials account_;
  const Clock& clock_;
  SimVenue venue_;  // keyed by orderId
  std::vector<VenueEvent> venue_events_;
  std::map<std::string, Order> orders_;             // by orderId
  std::vector<std::string> order_ids_;              // in placement order
  std::map<std::string, std::string> client_oids_;  // every clientOid ever used -> orderId
  std::vector<Fill> fills_;
  uint64_t next_order_ = 0, next_trade_ = 0;
  int64_t requests_ = 0, refused_ = 0, orders_placed_ = 0, venue_rejects_ = 0;
};

}  // namespace aitrapp::bitget
