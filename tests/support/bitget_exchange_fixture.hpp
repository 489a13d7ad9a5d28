#pragma once
// A BitgetExchange on a simulated clock with one BTCUSDT contract (tick 0.1, step 0.001, 10,000
// USDT), quoted at 46319.0, and helpers that sign and send requests as a client would.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "bitget_btc.hpp"
#include "venue/bitget/bitget_auth.hpp"
#include "venue/bitget_sim/bitget_exchange.hpp"

namespace aitrapp::bitget {

using nlohmann::json;

class BitgetExchangeTest : public ::testing::Test {
 protected:
  BitgetExchangeTest() : ex_(btc_instruments(), Money::from_units(10000), account_, clock_) {
    tick("46319.0", 0);
  }
  // A print at `last` with the book one tick each side, `ms` after the previous one.
  void tick(const std::string& last, TimeMs ms = 1000) {
    clock_.advance_to(clock_.now() + ms);
    ex_.on_tick(btc_tick(clock_.now(), last, 1'000'000));
  }
  struct Answer {
    int status;
    json body;
    bool dropped = false;  // the lost-response fault: the server would not send it
  };
  Answer get(const std::string& path, std::map<std::string, std::string> query = {},
             bool sign = false, const std::string& method = "GET") {
    net::HttpRequest r;
    r.method = method;
    r.path = path;
    r.query = query;
    for (const auto& [k, v] : query) r.raw_query += (r.raw_query.empty() ? "" : "&") + k + "=" + v;
    if (sign)
      for (auto& h : signed_headers(account_, clock_.now(), method, path, r.raw_query, ""))
        r.headers.push_back(h);
    const net::HttpResponse res = ex_.handle(r, wall_ms_ += 200);
    return {res.status, json::parse(res.body), res.drop};
  }
  Answer post(const std::string& path, json body) {
    net::HttpRequest r;
    r.method = "POST";
    r.path = path;
    r.body = body.dump();
    for (auto& h : signed_headers(account_, clock_.now(), "POST", path, "", r.body))
      r.headers.push_back(h);
    const net::HttpResponse res = ex_.handle(r, wall_ms_ += 200);
    return {res.status, json::parse(res.body), res.drop};
  }
  // A place-order body for BTCUSDT with `extra` on top.
  static json order(json extra) {
    json o = {{"symbol", "BTCUSDT"},     {"productType", "USDT-FUTURES"},
              {"marginMode", "crossed"}, {"marginCoin", "USDT"},
              {"size", "0.010"},         {"side", "buy"},
              {"orderType", "limit"},    {"force", "gtc"}};
    for (auto& [k, v] : extra.items()) o[k] = v;
    return o;
  }
  Answer place(json extra) { return post("/api/v2/mix/order/place-order", order(extra)); }
  Answer detail(const std::string& client_oid) {
    return get("/api/v2/mix/order/detail",
               {{"symbol", "BTCUSDT"}, {"productType", "USDT-FUTURES"}, {"clientOid", client_oid}},
               true);
  }
  json position() {
    auto p =
        get("/api/v2/mix/position/single-position",
            {{"symbol", "BTCUSDT"}, {"productType", "USDT-FUTURES"}, {"marginCoin", "USDT"}}, true);
    return p.body["data"];
  }
  json account() {
    return get("/api/v2/mix/account/account",
               {{"symbol", "BTCUSDT"}, {"productType", "USDT-FUTURES"}, {"marginCoin", "USDT"}},
               true)
        .body["data"];
  }

  // Each request arrives 0.2 s of wall time after the previous one: under every Bitget limit.
  int64_t wall_ms_ = 0;
  SimClock clock_{1'640'995'200'000};
  Credentials account_{"k", "s", "p"};
  BitgetExchange ex_;
};

}  // namespace aitrapp::bitget
