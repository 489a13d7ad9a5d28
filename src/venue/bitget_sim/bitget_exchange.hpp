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
#include "core/rate_window.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "market/bar.hpp"
#include "net/http_server.hpp"
#include "venue/bitget/bitget_auth.hpp"
#include "venue/bitget/bitget_contract.hpp"
#include "venue/bitget/bitget_ws.hpp"
#include "venue/bitget_sim/bitget_params.hpp"
#include "venue/bitget_sim/perp_account.hpp"
#include "venue/sim/faults.hpp"
#include "venue/sim/sim_venue.hpp"

namespace aitrapp::bitget {

class BitgetExchange {
 public:
  // `instruments`: the tradable ones become USDT-FUTURES contracts. `clock` must outlive this.
  // `request_limits` false lifts Bitget's per-endpoint limits (a benchmark of the round trip).
  BitgetExchange(const std::map<std::string, Instrument>& instruments, Money capital,
                 Credentials account, const Clock& clock, bool request_limits = true);

  // A market data tick: any funding settlement due before it, the quote (its spread widened by
  // the spread fault at `wall_ms`, the server's steady clock), then the matching of resting
  // orders (maker fills).
  void on_tick(const Tick& t, int64_t wall_ms = 0);
  // A REST request that arrived at `wall_ms` (the server's steady clock, which Bitget's
  // request limits count in), answered in Bitget's envelope; never throws for bad input.
  net::HttpResponse handle(const net::HttpRequest& r, int64_t wall_ms);

  nlohmann::json stats() const;
  // Every order the account ever held, oldest first: what a drill compares the engine's store
  // with (clientOid, orderId, source, state, size, filled).
  nlohmann::json order_ledger() const;

  // WebSocket (bitget_exchange_ws.cpp). One push's data for one channel: `symbol` names the
  // contract of a public push and is empty for a private one; the server wraps the data in each
  // subscriber's own arg.
  struct WsPush {
    std::string channel, symbol;
    std::string action = "snapshot";
    nlohmann::json data;
    // The frame a subscriber with `arg` receives at `ts`; the arg a plain subscription sends
    // ({instType, channel, instId: the symbol, or "default" for a private channel}).
    std::string frame(const nlohmann::json& arg, TimeMs ts) const;
    nlohmann::json plain_arg() const;
  };
  // What the streams publish since the last call: the public channels after each tick (books
  // as an update against the last one, with its checksum), the private ones after each order
  // change, fill and funding settlement.
  std::vector<WsPush> take_pushes();
  // A subscription's first push (the book, the ticker, the positions, the account), or nullopt
  // when the channel starts with its next change; the error names an unknown channel (30001) or
  // contract (30016).
  std::variant<std::optional<WsPush>, WsError> subscribe(const std::string& channel,
                                                         const std::string& inst_id);
  std::optional<WsError> check_ws_login(const nlohmann::json& arg) const;
  static bool is_public_channel(const std::string& channel);
  static bool is_private_channel(const std::string& channel);

  // Control API (bitget_control.hpp). Each returns what changed, or the error naming the bad
  // parameter (nothing is changed then).
  RequestFaults& faults() { return faults_; }
  // Settles funding on every position now at the current rate, besides the schedule.
  nlohmann::json settle_funding_now();
  // The mark price sits `bps` from the last price (0: back on it) until moved again.
  Result<nlohmann::json> move_mark(const std::string& symbol, int64_t bps);
  // The rate the next settlements charge, in millionths (100 is 0.01 %).
  Result<nlohmann::json> set_funding_rate(const std::string& symbol, int64_t ppm);
  // A contract's rules change: any of priceEndStep, sizeMultiplier, minTradeNum, minTradeUSDT,
  // maxLever, buyLimitPriceRatio, sellLimitPriceRatio; each checked as the contracts list
  // parser checks it.
  Result<nlohmann::json> change_contract(const std::string& symbol,
                                         const std::map<std::string, std::string>& fields);
  // A limit order placed from the exchange's web UI (not by the API client): `price` empty
  // rests it 1 % from the touch. The orphan scan must find it.
  Result<nlohmann::json> place_ui_order(const std::string& symbol, Side side,
                                        const std::string& size, const std::string& price);
  // The account's own maker and taker rates (what trade-rate answers and fills are charged):
  // decimals such as "0.0002" or "-0.00005".
  Result<nlohmann::json> set_fee_rates(const std::string& symbol, const std::string& maker,
                                       const std::string& taker);
  // What GET /api/v2/spot/account/info reports for the API key.
  void set_api_key(std::vector<std::string> authorities, std::string ips);
  // The levels each side of the book shows, and the size at the touch in the contract's lots.
  static constexpr int kBookLevels = 5;
  static constexpr int64_t kTouchLots = 100;
  static constexpr int kDefaultLeverage = 20;
  static constexpr int kCandleDays = 7;
  // A rate in millionths as Bitget writes it (100: "0.000100"), and read back: nullopt unless
  // a decimal with at most 6 decimals, optionally signed.
  static std::string ppm_text(int64_t ppm);
  static std::optional<int64_t> parse_ppm(std::string_view text);

 private:
  struct Market {
    ContractRules rules;
    Instrument instrument;
    Tick last;
    bool quoted = false;
    std::deque<std::pair<TimeMs, Price>> day;  // the last 24 h of prints, for the ticker
    int leverage = kDefaultLeverage;
    std::string margin_mode = "crossed";
    // The account's own fee rates (trade-rate), in millionths: the contract's base tier unless
    // the control API set others; the maker's may be zero or negative (a rebate).
    int64_t maker_ppm = 0, taker_ppm = 0;
    int64_t mark_offset_bps = 0;     // the move-mark fault
    int64_t funding_rate_ppm = 100;  // 0.01 %: the replayed data carries no funding
    TimeMs next_funding = 0;
    std::vector<std::pair<TimeMs, int64_t>> funding_history;  // settled: time, rate (ppm)
    struct Candle {
      TimeMs start;
      Price open, high, low, close;
      int64_t volume;
    };
    std::deque<Candle> candles;               // one-minute, the last kCandleDays days
    std::vector<BookLevel> ws_bids, ws_asks;  // the book the books channel last published
    int64_t book_seq = 0, trades = 0;
    Price prev_last;
    Price mark() const;
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
  // One line of the account statement (GET /api/v2/mix/account/bill).
  struct Bill {
    std::string bill_id, symbol, business_type;  // contract_settle_fee, open_long, close_short...
    Money amount, fee, balance;                  // fee: negative when paid
    TimeMs time;
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
  // The initial margin of `qty` at `price` on `m` with `leverage`.
  static Money margin_of(const Market& m, Price price, Qty qty, int leverage);
  // What of an order of `side` and `size` opens a position, given the net position `net`.
  static Qty opening_part(Side side, Qty size, int64_t net);
  // The refusal of an opening order needing `needed` when `freed` (its predecessor's margin, on
  // a modify) is given back first; nullopt when the account has it.
  std::optional<ApiError> check_margin(Money needed, Money freed = {}) const;
  std::variant<Market*, ApiError> market_named(const std::string& symbol);

  // Funding (bitget_exchange_funding.cpp): the settlements due up to `now`, one settlement.
  void settle_due(TimeMs now);
  void settle(Market& m, TimeMs at);
  void book_bill(const std::string& symbol, const std::string& type, Money amount, Money fee);

  // Pushes (bitget_exchange_ws.cpp).
  void push_market(Market& m);
  void push_order(const Order& o, const Fill* fill = nullptr);
  nlohmann::json ws_position_json(const Market& m, const PerpAccount::Position& p) const;
  nlohmann::json ws_positions() const;
  nlohmann::json ws_account() const;

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
  net::HttpResponse candles(const Params& p);
  net::HttpResponse symbol_price(const Params& p);
  net::HttpResponse leverage_tiers(const Params& p);
  net::HttpResponse current_funding_rate(const Params& p);
  net::HttpResponse funding_time(const Params& p);
  net::HttpResponse funding_history(const Params& p);
  net::HttpResponse bills(const Params& p);
  net::HttpResponse api_key_info(const Params& p);
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
  std::vector<Bill> bills_;
  std::vector<WsPush> pushes_;
  bool account_changed_ = false;  // positions and account are pushed with the next take
  RequestFaults faults_;
  std::vector<std::string> key_authorities_ = {"coor", "cpor", "coow", "cpow"};
  std::string key_ips_ = "127.0.0.1";
  uint64_t next_order_ = 0, next_trade_ = 0, next_bill_ = 0;
  int64_t requests_ = 0, refused_ = 0, orders_placed_ = 0, venue_rejects_ = 0;
  int64_t duplicate_client_oids_ = 0;  // placements refused for a clientOid used before
  int64_t funding_settlements_ = 0, injected_errors_ = 0, rate_limited_ = 0;
  bool request_limits_;
  std::map<std::string, RateWindow> route_windows_;  // by path
  RateWindow overall_{6000, 60'000};                 // Bitget's 6,000 a minute per IP
};

}  // namespace aitrapp::bitget
