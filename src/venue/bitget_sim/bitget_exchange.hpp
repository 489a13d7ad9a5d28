#pragma once
// The Bitget USDT-M exchange the simulator serves (`venue-sim --venue bitget`), without its
// transport: the contracts of the engine's instruments (bitget/bitget_contract.hpp), the last
// quote of each from the replayed ticks with a five-level book around it, one account in USDT,
// and the exchange's check of every private request. The REST routes so far are public (server
// time, contracts, tickers, merged depth) and the account's balance and fee rate; orders come
// next. One clock for everything: the simulator's exchange clock, which a client reads from
// /api/v2/public/time and signs with. Not thread-safe: the server and the market data pump call
// it under one lock.
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>

#include "core/decimal.hpp"
#include "core/instrument.hpp"
#include "core/time.hpp"
#include "market/bar.hpp"
#include "net/http_server.hpp"
#include "venue/bitget/bitget_auth.hpp"
#include "venue/bitget/bitget_contract.hpp"

namespace aitrapp::bitget {

class BitgetExchange {
 public:
  // `instruments`: the tradable ones become USDT-FUTURES contracts. `clock` must outlive this.
  BitgetExchange(const std::map<std::string, Instrument>& instruments, Money capital,
                 Credentials account, const Clock& clock);

  void on_tick(const Tick& t);
  // A REST request, answered in Bitget's envelope; never throws for bad input.
  net::HttpResponse handle(const net::HttpRequest& r);

  nlohmann::json stats() const;
  // The levels each side of the book shows, and the size at the touch in the contract's lots.
  static constexpr int kBookLevels = 5;
  static constexpr int64_t kTouchLots = 100;

 private:
  struct Market {
    ContractRules rules;
    Instrument instrument;
    Tick last;
    bool quoted = false;
    std::deque<std::pair<TimeMs, Price>> day;  // the last 24 h of prints, for the ticker
  };
  net::HttpResponse ok(const nlohmann::json& data) const;
  net::HttpResponse fail(const ApiError& e) const;
  // The USDT-FUTURES market named by the request's symbol, or the error to answer.
  std::variant<const Market*, ApiError> market_of(const net::HttpRequest& r) const;
  nlohmann::json ticker_json(const Market& m) const;
  nlohmann::json depth_json(const Market& m, int levels) const;
  nlohmann::json account_json() const;

  // The routes (handle() finds them by method and path, and checks the signature of the private
  // ones first).
  net::HttpResponse server_time(const net::HttpRequest& r);
  net::HttpResponse contracts(const net::HttpRequest& r);
  net::HttpResponse ticker(const net::HttpRequest& r);
  net::HttpResponse tickers(const net::HttpRequest& r);
  net::HttpResponse merge_depth(const net::HttpRequest& r);
  net::HttpResponse accounts(const net::HttpRequest& r);
  net::HttpResponse account(const net::HttpRequest& r);
  net::HttpResponse trade_rate(const net::HttpRequest& r);

  std::map<std::string, Market> markets_;  // by Bitget symbol
  Money capital_;
  Credentials account_;
  const Clock& clock_;
  int64_t requests_ = 0, refused_ = 0;
};

}  // namespace aitrapp::bitget
