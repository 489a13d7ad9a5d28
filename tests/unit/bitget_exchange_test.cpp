// The Bitget simulator's exchange model without its transport: public routes in Bitget's
// envelope, every private route behind the signature check, and bad input answered by name.
#include <gtest/gtest.h>

#include "venue/bitget/bitget_auth.hpp"
#include "venue/bitget_sim/bitget_exchange.hpp"

namespace aitrapp {
namespace {

using namespace bitget;
using nlohmann::json;

class BitgetExchangeTest : public ::testing::Test {
 protected:
  BitgetExchangeTest() : ex_(instruments(), Money::from_units(10000), account_, clock_) {
    Tick t;
    t.symbol = "BTCUSDT";
    t.time = clock_.now();
    t.last = Price::from_raw(463'190'000);
    t.bid = t.last - Price::from_raw(1000);
    t.ask = t.last + Price::from_raw(1000);
    ex_.on_tick(t);
  }
  static std::map<std::string, Instrument> instruments() {
    Instrument in;
    in.symbol = "BTCUSDT";
    in.exchange = "BITGET";
    in.tick = Price::from_raw(1000);
    in.units_per_whole = 1000;
    Instrument index = in;
    index.symbol = "BTCINDEX";
    index.tradable = false;
    return {{in.symbol, in}, {index.symbol, index}};
  }
  struct Answer {
    int status;
    json body;
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
    const net::HttpResponse res = ex_.handle(r);
    return {res.status, json::parse(res.body)};
  }

  SimClock clock_{1'640'995'200'000};
  Credentials account_{"k", "s", "p"};
  BitgetExchange ex_;
};

TEST_F(BitgetExchangeTest, PublicRoutesAnswerInTheEnvelope) {
  auto t = get("/api/v2/public/time");
  EXPECT_EQ(t.status, 200);
  EXPECT_EQ(t.body["code"], "00000");
  EXPECT_EQ(t.body["msg"], "success");
  EXPECT_EQ(t.body["data"]["serverTime"], "1640995200000");

  auto c = get("/api/v2/mix/market/contracts", {{"productType", "usdt-futures"}});
  ASSERT_EQ(c.body["data"].size(), 1u) << "the index is not a contract";
  EXPECT_EQ(c.body["data"][0]["symbol"], "BTCUSDT");
  EXPECT_EQ(get("/api/v2/mix/market/contracts", {{"productType", "COIN-FUTURES"}}).body["data"],
            json::array());

  auto d = get("/api/v2/mix/market/merge-depth",
               {{"symbol", "BTCUSDT"}, {"productType", "USDT-FUTURES"}, {"limit", "5"}});
  ASSERT_EQ(d.body["data"]["bids"].size(), 5u);
  EXPECT_EQ(d.body["data"]["bids"][0][0], "46318.9");
  EXPECT_EQ(d.body["data"]["asks"][0][0], "46319.1");
  EXPECT_EQ(d.body["data"]["asks"][4][0], "46319.5");
  EXPECT_EQ(d.body["data"]["asks"][4][1], "0.500");

  auto k =
      get("/api/v2/mix/market/ticker", {{"symbol", "BTCUSDT"}, {"productType", "USDT-FUTURES"}});
  EXPECT_EQ(k.body["data"][0]["lastPr"], "46319.0");
  EXPECT_EQ(k.body["data"][0]["change24h"], "0.00");
}

TEST_F(BitgetExchangeTest, BadInputIsAnsweredByName) {
  auto no_type = get("/api/v2/mix/market/tickers");
  EXPECT_EQ(no_type.status, 400);
  EXPECT_EQ(no_type.body["code"], "40019");
  EXPECT_EQ(no_type.body["msg"], "Parameter cannot be empty: productType");
  EXPECT_TRUE(no_type.body["data"].is_null());
  auto bad_type = get("/api/v2/mix/market/tickers", {{"productType", "SPOT"}});
  EXPECT_EQ(bad_type.body["msg"], "Parameter verification exception: productType \"SPOT\"");
  auto bad_limit = get("/api/v2/mix/market/merge-depth",
                       {{"symbol", "BTCUSDT"}, {"productType", "USDT-FUTURES"}, {"limit", "7"}});
  EXPECT_EQ(bad_limit.body["code"], "40808");
  auto unknown = get("/api/v2/mix/order/place-order", {}, false, "POST");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.body["msg"], "Not Found: POST /api/v2/mix/order/place-order");
}

TEST_F(BitgetExchangeTest, PrivateRoutesNeedTheSignature) {
  const std::map<std::string, std::string> q{{"productType", "USDT-FUTURES"}};
  auto unsigned_ = get("/api/v2/mix/account/accounts", q);
  EXPECT_EQ(unsigned_.status, 401);
  EXPECT_EQ(unsigned_.body["code"], "40001");
  auto signed_ = get("/api/v2/mix/account/accounts", q, true);
  ASSERT_EQ(signed_.status, 200) << signed_.body.dump();
  EXPECT_EQ(signed_.body["data"][0]["accountEquity"], "10000.00");
  auto fee =
      get("/api/v2/common/trade-rate", {{"symbol", "BTCUSDT"}, {"businessType", "mix"}}, true);
  EXPECT_EQ(fee.body["data"]["takerFeeRate"], "0.0006");
  EXPECT_EQ(ex_.stats()["refused_signatures"], 1);
}

}  // namespace
}  // namespace aitrapp
