// The Bitget simulator's funding, account statement and market data extras, and the control
// API's changes to its exchange: settlements at 08:00 UTC on the position at mark, the bills, the
// settled history, candles from ticks, the tiers, a moved mark, a changed contract, an order from
// the exchange UI, the API key's permissions, an error burst and a lost answer.
#include "../support/bitget_exchange_fixture.hpp"

namespace aitrapp::bitget {
namespace {

constexpr TimeMs kHour = 3'600'000;
const std::map<std::string, std::string> kBtc{{"symbol", "BTCUSDT"},
                                              {"productType", "USDT-FUTURES"}};

TEST_F(BitgetExchangeTest, FundingSettlesAtEightUtcOnThePositionAtMark) {
  // The fixture's clock starts at 2022-01-01 00:00 UTC: the first settlement is at 08:00.
  auto next = get("/api/v2/mix/market/current-fund-rate", kBtc).body["data"][0];
  EXPECT_EQ(next["fundingRate"], "0.000100");
  EXPECT_EQ(next["fundingRateInterval"], "8");
  EXPECT_EQ(next["nextUpdate"], std::to_string(1'640'995'200'000 + 8 * kHour));
  ASSERT_EQ(place({{"orderType", "market"}, {"size", "0.100"}}).status, 200);
  tick("46319.0", 8 * kHour - 2000);  // 07:59:59
  EXPECT_EQ(ex_.stats()["funding_settlements"], 0);
  tick("47000.0", 2000);  // 08:00:01: settles first, at the mark before this print
  EXPECT_EQ(ex_.stats()["funding_settlements"], 1);
  // 0.1 x 46319.0 x 0.0001 = 0.46319, paid by the long, kept to 4 decimals toward zero.
  auto bills =
      get("/api/v2/mix/account/bill",
          {{"productType", "USDT-FUTURES"}, {"businessType", "contract_settle_fee"}}, true);
  ASSERT_EQ(bills.body["data"]["bills"].size(), 1u) << bills.body.dump();
  EXPECT_EQ(bills.body["data"]["bills"][0]["amount"], "-0.4631");
  EXPECT_EQ(bills.body["data"]["bills"][0]["cTime"], std::to_string(1'640'995'200'000 + 8 * kHour));
  EXPECT_EQ(position()[0]["totalFee"], "-0.4631");
  auto all = get("/api/v2/mix/account/bill", {{"productType", "USDT-FUTURES"}}, true);
  ASSERT_EQ(all.body["data"]["bills"].size(), 2u);
  EXPECT_EQ(all.body["data"]["bills"][1]["businessType"], "open_long");
  EXPECT_EQ(all.body["data"]["bills"][1]["fee"], "-2.7791") << "taker 0.06 % of 4631.91";
  auto history = get("/api/v2/mix/market/history-fund-rate", kBtc).body["data"];
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0]["fundingTime"], std::to_string(1'640'995'200'000 + 8 * kHour));
  EXPECT_EQ(get("/api/v2/mix/market/funding-time", kBtc).body["data"][0]["nextFundingTime"],
            std::to_string(1'640'995'200'000 + 16 * kHour));

  // A negative rate pays the long; "settle now" does not move the schedule.
  ASSERT_TRUE(ex_.set_funding_rate("BTCUSDT", -50));
  const json settled = ex_.settle_funding_now();
  EXPECT_EQ(settled["settled"][0]["amount"], "0.235") << "0.1 x 47000 x 0.00005";
  EXPECT_EQ(position()[0]["totalFee"], "-0.2281");
  EXPECT_FALSE(ex_.set_funding_rate("BTCUSDT", 5000)) << "outside +-0.3 %";
  EXPECT_FALSE(ex_.set_funding_rate("ETHUSDT", 1));
}

TEST_F(BitgetExchangeTest, APrintOffTheGridTradesOnTheNearestTick) {
  tick("46321.75");  // the replayed data's 0.25 grid; Bitget's tick is 0.1
  auto t = get("/api/v2/mix/market/ticker", kBtc).body["data"][0];
  EXPECT_EQ(t["lastPr"], "46321.8") << "a half tick rounds up";
  ex_.faults().spread_factor = 2;
  ex_.faults().spread_until_wall_ms = 10'000;
  ex_.on_tick(btc_tick(clock_.now() + 1000, "46320.0", 0), 5'000);
  auto d = get("/api/v2/mix/market/merge-depth", kBtc).body["data"];
  EXPECT_EQ(d["bids"][0][0], "46319.8") << "a 2-tick spread widened to 4 ticks, on the grid";
  EXPECT_EQ(d["asks"][0][0], "46320.2");
}

TEST_F(BitgetExchangeTest, CandlesAreBuiltFromTheTicks) {
  tick("46330.0", 30'000);
  tick("46310.0", 40'000);  // the next minute
  tick("46340.0", 60'000);  // and the next
  auto c = get("/api/v2/mix/market/candles",
               {{"symbol", "BTCUSDT"}, {"productType", "USDT-FUTURES"}, {"granularity", "1m"}});
  ASSERT_EQ(c.body["data"].size(), 3u) << c.body.dump();
  EXPECT_EQ(c.body["data"][0], json::array({"1640995200000", "46319.0", "46330.0", "46319.0",
                                            "46330.0", "2000000.000", "92660000000.00"}))
      << "the ticks' volume is in whole coins";
  auto three = get("/api/v2/mix/market/candles",
                   {{"symbol", "BTCUSDT"}, {"productType", "USDT-FUTURES"}, {"granularity", "3m"}});
  ASSERT_EQ(three.body["data"].size(), 1u);
  EXPECT_EQ(three.body["data"][0][2], "46340.0");
  EXPECT_EQ(three.body["data"][0][4], "46340.0");
  auto last = get("/api/v2/mix/market/history-candles", {{"symbol", "BTCUSDT"},
                                                         {"productType", "USDT-FUTURES"},
                                                         {"granularity", "1m"},
                                                         {"limit", "1"}});
  ASSERT_EQ(last.body["data"].size(), 1u);
  EXPECT_EQ(last.body["data"][0][1], "46340.0");
  auto bad = get("/api/v2/mix/market/candles",
                 {{"symbol", "BTCUSDT"}, {"productType", "USDT-FUTURES"}, {"granularity", "2m"}});
  EXPECT_EQ(bad.body["code"], "40808");
  auto bad_limit = get("/api/v2/mix/market/candles", {{"symbol", "BTCUSDT"},
                                                      {"productType", "USDT-FUTURES"},
                                                      {"granularity", "1m"},
                                                      {"limit", "0"}});
  EXPECT_EQ(bad_limit.body["msg"], "Parameter verification exception: limit \"0\" (1 to 1000)");
}

TEST_F(BitgetExchangeTest, TheMarkMovesThePositionsValueAndTheTiersCapLeverage) {
  ASSERT_EQ(place({{"orderType", "market"}, {"size", "0.100"}}).status, 200);
  ASSERT_TRUE(ex_.move_mark("BTCUSDT", -100));  // 1 % under the last price
  auto price = get("/api/v2/mix/market/symbol-price", kBtc).body["data"][0];
  EXPECT_EQ(price["price"], "46319.0");
  EXPECT_EQ(price["markPrice"], "45855.8");
  EXPECT_EQ(position()[0]["markPrice"], "45855.80");
  EXPECT_EQ(position()[0]["unrealizedPL"], "-46.33") << "0.1 x (45855.8 - 46319.1)";
  auto tiers = get("/api/v2/mix/market/query-position-lever", kBtc).body["data"];
  ASSERT_GE(tiers.size(), 2u);
  EXPECT_EQ(tiers[0]["leverage"], "125");
  EXPECT_EQ(tiers[0]["keepMarginRate"], "0.004");
  EXPECT_EQ(tiers[1]["startUnit"], "150000");
}

TEST_F(BitgetExchangeTest, AChangedContractIsWhatTheChecksEnforce) {
  ASSERT_TRUE(ex_.change_contract("BTCUSDT", {{"minTradeNum", "0.020"}}));
  auto c = get("/api/v2/mix/market/contracts", {{"productType", "USDT-FUTURES"}});
  EXPECT_EQ(c.body["data"][0]["minTradeNum"], "0.020");
  auto small = place({{"price", "46300.0"}});
  EXPECT_EQ(small.body["code"], "45110") << small.body.dump();
  const auto finer = ex_.change_contract("BTCUSDT", {{"sizeMultiplier", "0.0005"}});
  ASSERT_FALSE(finer);
  EXPECT_NE(finer.error().find("sizeMultiplier"), std::string::npos) << finer.error();
  EXPECT_FALSE(ex_.change_contract("BTCUSDT", {{"pricePlace", "2"}})) << "not changeable";
  EXPECT_EQ(get("/api/v2/mix/market/contracts", {{"productType", "USDT-FUTURES"}})
                .body["data"][0]["minTradeNum"],
            "0.020")
      << "a refused change leaves the rules as they were";
}

TEST_F(BitgetExchangeTest, AnOrderFromTheUiIsOnTheAccountButNotFromTheApi) {
  auto ui = ex_.place_ui_order("BTCUSDT", Side::Buy, "0.010", "");
  ASSERT_TRUE(ui) << ui.error();
  EXPECT_EQ(ui.value()["price"], "45855.7") << "1 % under the bid, down to the tick";
  auto pending = get("/api/v2/mix/order/orders-pending", {{"productType", "USDT-FUTURES"}}, true);
  ASSERT_EQ(pending.body["data"]["entrustedList"].size(), 1u);
  EXPECT_EQ(pending.body["data"]["entrustedList"][0]["enterPointSource"], "WEB");
  EXPECT_FALSE(ex_.place_ui_order("BTCUSDT", Side::Sell, "0.0001", ""));
}

TEST_F(BitgetExchangeTest, TheAccountsOwnRatesMayGiveTheMakerARebate) {
  ASSERT_TRUE(ex_.set_fee_rates("BTCUSDT", "-0.00005", "0.00045"));
  auto rate =
      get("/api/v2/common/trade-rate", {{"symbol", "BTCUSDT"}, {"businessType", "mix"}}, true)
          .body["data"];
  EXPECT_EQ(rate["makerFeeRate"], "-0.00005");
  EXPECT_EQ(rate["takerFeeRate"], "0.00045");
  EXPECT_EQ(get("/api/v2/mix/market/contracts", {{"productType", "USDT-FUTURES"}})
                .body["data"][0]["makerFeeRate"],
            "0.0002")
      << "the contract states the base tier";
  ASSERT_EQ(place({{"price", "46300.0"}, {"size", "0.100"}, {"clientOid", "rebate"}}).status, 200);
  tick("46300.0");
  EXPECT_EQ(detail("rebate").body["data"]["fee"], "0.2315") << "4630 x 0.00005 received";
  EXPECT_EQ(account()["accountEquity"], "10000.2315");
  EXPECT_FALSE(ex_.set_fee_rates("BTCUSDT", "0.0001", "-0.0001")) << "a taker pays";
  EXPECT_FALSE(ex_.set_fee_rates("BTCUSDT", "0.0000001", "0.0006")) << "7 decimals";
  EXPECT_FALSE(ex_.set_fee_rates("BTCUSDT", "abc", "0.0006"));
}

TEST_F(BitgetExchangeTest, TheApiKeySaysWhatItMayDo) {
  auto info = get("/api/v2/spot/account/info", {}, true).body["data"];
  EXPECT_EQ(info["authorities"], json::array({"coor", "cpor", "coow", "cpow"}));
  EXPECT_EQ(info["ips"], "127.0.0.1");
  ex_.set_api_key({"coor", "wwow"}, "");
  wall_ms_ += 1000;  // the route allows one request a second
  info = get("/api/v2/spot/account/info", {}, true).body["data"];
  EXPECT_EQ(info["authorities"], json::array({"coor", "wwow"}));
  EXPECT_EQ(info["ips"], "");
}

TEST_F(BitgetExchangeTest, EachEndpointHasBitgetsLimitPerSecond) {
  // Eleven place-orders inside one second of wall time: the eleventh is refused with 429.
  auto at = [&](int64_t wall, const std::string& oid) {
    net::HttpRequest r;
    r.method = "POST";
    r.path = "/api/v2/mix/order/place-order";
    r.body = order({{"price", "46300.0"}, {"clientOid", oid}}).dump();
    for (auto& h : signed_headers(account_, clock_.now(), "POST", r.path, "", r.body))
      r.headers.push_back(h);
    const net::HttpResponse res = ex_.handle(r, wall);
    return std::pair{res.status, json::parse(res.body)};
  };
  const int64_t t0 = 100'000;
  for (int i = 0; i < 10; ++i) ASSERT_EQ(at(t0 + i, "rl-" + std::to_string(i)).first, 200) << i;
  auto refused = at(t0 + 500, "rl-10");
  EXPECT_EQ(refused.first, 429);
  EXPECT_EQ(refused.second["code"], "429");
  EXPECT_NE(refused.second["msg"].get<std::string>().find("10 requests a second"),
            std::string::npos);
  EXPECT_EQ(detail("rl-10").body["code"], "40109") << "a refused request places nothing";
  EXPECT_EQ(at(t0 + 1000, "rl-10").first, 200) << "the window has room again";
  EXPECT_EQ(ex_.stats()["rate_limited"], 1);
  // Another endpoint has its own window.
  EXPECT_EQ(get("/api/v2/mix/market/ticker", kBtc).status, 200);
}

TEST_F(BitgetExchangeTest, AnErrorBurstAndALostAnswer) {
  ex_.faults().error_status = 429;
  ex_.faults().error_count = 2;
  for (int i = 0; i < 2; ++i) {
    auto a = get("/api/v2/mix/market/ticker", kBtc);
    EXPECT_EQ(a.status, 429);
    EXPECT_EQ(a.body["code"], "429");
  }
  EXPECT_EQ(get("/api/v2/mix/market/ticker", kBtc).status, 200);
  ex_.faults().lose_next_order_response = true;
  auto lost = place({{"price", "46300.0"}, {"clientOid", "lost-1"}});
  EXPECT_TRUE(lost.dropped);
  EXPECT_EQ(detail("lost-1").body["data"]["state"], "live") << "the order went in";
  EXPECT_FALSE(place({{"price", "46300.0"}, {"clientOid", "lost-2"}}).dropped);
  ex_.faults().partial_next_qty = 4;
  ASSERT_EQ(place({{"orderType", "market"}, {"size", "0.010"}, {"clientOid", "part"}}).status, 200);
  EXPECT_EQ(detail("part").body["data"]["state"], "canceled") << "a market order never rests";
  EXPECT_EQ(detail("part").body["data"]["baseVolume"], "0.004");
  ex_.faults().partial_next_qty = 3;
  ASSERT_EQ(place({{"price", "46400.0"}, {"size", "0.010"}, {"clientOid", "part-gtc"}}).status,
            200);
  EXPECT_EQ(detail("part-gtc").body["data"]["state"], "partially_filled")
      << "a GTC limit rests with the rest";
  EXPECT_EQ(detail("part-gtc").body["data"]["baseVolume"], "0.003");
  ex_.faults().reject_next_limit = true;
  auto band = place({{"price", "46300.0"}});
  EXPECT_EQ(band.body["code"], "40808");
  EXPECT_NE(band.body["msg"].get<std::string>().find("delegatePrice"), std::string::npos);
  EXPECT_EQ(place({{"price", "46300.0"}}).status, 200) << "only the next limit";
}

}  // namespace
}  // namespace aitrapp::bitget
