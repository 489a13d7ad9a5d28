// The Bitget simulator's exchange model without its transport: public routes in Bitget's
// envelope, every private route behind the signature check, bad input answered by name, and the
// order book: Bitget's checks before an order exists, matching with maker and taker fees, the
// one-way position and the account they move, modify as cancel-and-replace, and the cancels.
#include "../support/bitget_exchange_fixture.hpp"

namespace aitrapp::bitget {
namespace {

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
  auto unknown = get("/api/v2/mix/order/place-plan-order", {}, false, "POST");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.body["msg"], "Not Found: POST /api/v2/mix/order/place-plan-order");
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

TEST_F(BitgetExchangeTest, ARestingLimitFillsAsMakerAndAMarketCloseAsTaker) {
  auto placed = place({{"price", "46300.0"}, {"clientOid", "mm:1#a"}});
  ASSERT_EQ(placed.status, 200) << placed.body.dump();
  EXPECT_EQ(placed.body["data"]["clientOid"], "mm:1#a");
  const std::string id = placed.body["data"]["orderId"];
  EXPECT_EQ(id.size(), 19u);
  EXPECT_EQ(detail("mm:1#a").body["data"]["state"], "live");
  auto pending = get("/api/v2/mix/order/orders-pending", {{"productType", "USDT-FUTURES"}}, true);
  ASSERT_EQ(pending.body["data"]["entrustedList"].size(), 1u);
  EXPECT_EQ(pending.body["data"]["entrustedList"][0]["status"], "live");
  EXPECT_EQ(pending.body["data"]["entrustedList"][0]["reduceOnly"], "NO");
  // The order holds margin at 20x: 46300 x 0.01 / 20.
  EXPECT_EQ(account()["locked"], "23.15");

  tick("46300.0");  // trades through the bid: the resting buy fills at its price
  auto d = detail("mm:1#a").body["data"];
  EXPECT_EQ(d["state"], "filled");
  EXPECT_EQ(d["baseVolume"], "0.010");
  EXPECT_EQ(d["priceAvg"], "46300.00");
  EXPECT_EQ(d["fee"], "-0.0926") << "maker 0.02 % of 463.00";
  auto fills = get("/api/v2/mix/order/fills", {{"productType", "USDT-FUTURES"}}, true);
  ASSERT_EQ(fills.body["data"]["fillList"].size(), 1u);
  EXPECT_EQ(fills.body["data"]["fillList"][0]["tradeScope"], "maker");
  EXPECT_EQ(fills.body["data"]["fillList"][0]["feeDetail"][0]["totalFee"], "-0.0926");
  json pos = position();
  ASSERT_EQ(pos.size(), 1u);
  EXPECT_EQ(pos[0]["holdSide"], "long");
  EXPECT_EQ(pos[0]["total"], "0.010");
  EXPECT_EQ(pos[0]["openPriceAvg"], "46300.00");
  EXPECT_EQ(get("/api/v2/mix/order/orders-pending", {{"productType", "USDT-FUTURES"}}, true)
                .body["data"]["entrustedList"],
            json(nullptr))
      << "Bitget answers an empty page with a null list";

  tick("46400.0");
  EXPECT_EQ(position()[0]["unrealizedPL"], "1.00");
  auto close = place(
      {{"orderType", "market"}, {"side", "sell"}, {"reduceOnly", "YES"}, {"clientOid", "close-1"}});
  ASSERT_EQ(close.status, 200) << close.body.dump();
  auto c = detail("close-1").body["data"];
  EXPECT_EQ(c["state"], "filled");
  EXPECT_EQ(c["priceAvg"], "46399.90") << "a market sell takes the bid";
  EXPECT_EQ(c["totalProfits"], "0.999");
  EXPECT_EQ(c["fee"], "-0.2783") << "taker 0.06 % of 463.999";
  EXPECT_TRUE(position().empty());
  // 10000 + 0.999 realized - 0.0926 - 0.2783 in fees.
  EXPECT_EQ(account()["accountEquity"], "10000.6281");
  EXPECT_EQ(account()["locked"], "0.00");
}

TEST_F(BitgetExchangeTest, AnOrderBitgetRefusesIsNeverCreated) {
  struct Case {
    json extra;
    const char* code;
    const char* says;
  };
  const Case cases[] = {
      {{{"price", "46300.0"}, {"tradeSide", "open"}}, "40774", "unilateral"},
      {{{"price", "46300.05"}}, "40808", "more than 1 decimals"},
      {{{"price", "46300.0"}, {"size", "0.0105"}}, "40808", "size"},
      {{{"price", "46300.0"}, {"size", "0.000"}}, "40808", "positive"},
      {{{"price", "100.0"}, {"size", "0.010"}}, "40808", "delegatePrice"},
      {{{"price", "52000.0"}}, "40808", "delegatePrice"},
      {{{"price", "46300.0"}, {"clientOid", "has/slash"}}, "40808", "clientOid"},
      {{{"price", "46300.0"}, {"force", "gtd"}}, "40808", "force"},
      {{{"price", "46300.0"}, {"marginMode", "isolated"}}, "40808", "marginMode"},
      {{{"price", "46300.0"}, {"marginCoin", "BTC"}}, "40808", "marginCoin"},
      {{{"price", "46300.0"}, {"reduceOnly", "YES"}}, "22002", "No position"},
      {{{"price", "46300.0"}, {"size", "5.000"}}, "43012", "margin"},
      {{{"side", ""}}, "40019", "side"},
      {{{"orderType", "limit"}}, "40019", "price"},
  };
  for (const Case& c : cases) {
    auto a = place(c.extra);
    EXPECT_EQ(a.status, 400) << c.extra.dump();
    EXPECT_EQ(a.body["code"], c.code) << c.extra.dump() << " -> " << a.body.dump();
    EXPECT_NE(a.body["msg"].get<std::string>().find(c.says), std::string::npos) << a.body["msg"];
  }
  EXPECT_EQ(ex_.stats()["orders_placed"], 0);
  ASSERT_EQ(place({{"price", "46300.0"}, {"clientOid", "once"}}).status, 200);
  auto again = place({{"price", "46200.0"}, {"clientOid", "once"}});
  EXPECT_EQ(again.body["code"], "40786");
  EXPECT_EQ(ex_.stats()["orders_placed"], 1);
  EXPECT_EQ(detail("once").body["data"]["price"], "46300.0") << "the first order is untouched";
  auto bad_body = post("/api/v2/mix/order/place-order", "not an object");
  EXPECT_EQ(bad_body.body["code"], "40808");
}

TEST_F(BitgetExchangeTest, TimeInForceEndsWhatCannotRestOrFill) {
  ASSERT_EQ(place({{"price", "46320.0"}, {"force", "post_only"}, {"clientOid", "po-cross"}}).status,
            200);
  auto po = detail("po-cross").body["data"];
  EXPECT_EQ(po["state"], "canceled");
  EXPECT_EQ(po["baseVolume"], "0.000");
  EXPECT_NE(po["cancelReason"].get<std::string>().find("post_only"), std::string::npos);
  ASSERT_EQ(place({{"price", "46318.0"}, {"force", "POST_ONLY"}, {"clientOid", "po-rest"}}).status,
            200);
  EXPECT_EQ(detail("po-rest").body["data"]["state"], "live");
  EXPECT_EQ(detail("po-rest").body["data"]["force"], "post_only");
  ASSERT_EQ(place({{"price", "46300.0"}, {"force", "ioc"}, {"clientOid", "ioc"}}).status, 200);
  EXPECT_EQ(detail("ioc").body["data"]["state"], "canceled");
  ASSERT_EQ(place({{"price", "46330.0"}, {"force", "fok"}, {"clientOid", "fok"}}).status, 200);
  EXPECT_EQ(detail("fok").body["data"]["state"], "filled");
  EXPECT_EQ(detail("fok").body["data"]["priceAvg"], "46319.10") << "takes the ask";
}

TEST_F(BitgetExchangeTest, ModifyReplacesTheOrderUnderItsNewClientOid) {
  ASSERT_EQ(place({{"price", "46300.0"}, {"clientOid", "q-1"}}).status, 200);
  const json where = {{"symbol", "BTCUSDT"}, {"productType", "USDT-FUTURES"}};
  json m = where;
  m["clientOid"] = "q-1";
  m["newSize"] = "0.020";
  m["newPrice"] = "46310.0";
  EXPECT_EQ(post("/api/v2/mix/order/modify-order", m).body["code"], "40019") << "newClientOid";
  m["newClientOid"] = "q-1";
  EXPECT_EQ(post("/api/v2/mix/order/modify-order", m).body["code"], "40786");
  m["newClientOid"] = "q-2";
  auto a = post("/api/v2/mix/order/modify-order", m);
  ASSERT_EQ(a.status, 200) << a.body.dump();
  EXPECT_EQ(a.body["data"]["clientOid"], "q-2");
  EXPECT_EQ(detail("q-1").body["data"]["state"], "canceled");
  auto next = detail("q-2").body["data"];
  EXPECT_EQ(next["state"], "live");
  EXPECT_EQ(next["price"], "46310.0");
  EXPECT_EQ(next["size"], "0.020");
  EXPECT_NE(next["orderId"], a.body["data"]["orderId"]) << "the successor has its own orderId";
  json big = m;
  big["clientOid"] = "q-2";
  big["newClientOid"] = "q-big";
  big["newSize"] = "9.000";
  EXPECT_EQ(post("/api/v2/mix/order/modify-order", big).body["code"], "43012");
  EXPECT_EQ(detail("q-2").body["data"]["state"], "live") << "a refused modify changes nothing";
  m["clientOid"] = "q-1";
  m["newClientOid"] = "q-3";
  EXPECT_EQ(post("/api/v2/mix/order/modify-order", m).body["code"], "40808")
      << "a cancelled order cannot be modified";
}

TEST_F(BitgetExchangeTest, CancelsBySingleListSymbolAndAll) {
  for (const char* oid : {"c-1", "c-2", "c-3", "c-4"})
    ASSERT_EQ(place({{"price", "46300.0"}, {"clientOid", oid}}).status, 200);
  const json where = {{"symbol", "BTCUSDT"}, {"productType", "USDT-FUTURES"}};
  json one = where;
  one["clientOid"] = "c-1";
  EXPECT_EQ(post("/api/v2/mix/order/cancel-order", one).status, 200);
  EXPECT_EQ(post("/api/v2/mix/order/cancel-order", one).body["code"], "40768") << "already gone";
  one["clientOid"] = "never";
  EXPECT_EQ(post("/api/v2/mix/order/cancel-order", one).body["code"], "40768");
  EXPECT_EQ(detail("never").body["code"], "40109");

  json list = where;
  list["orderIdList"] = json::array({{{"clientOid", "c-2"}}, {{"clientOid", "nope"}}});
  auto batch = post("/api/v2/mix/order/batch-cancel-orders", list);
  ASSERT_EQ(batch.status, 200) << batch.body.dump();
  EXPECT_EQ(batch.body["data"]["successList"].size(), 1u);
  ASSERT_EQ(batch.body["data"]["failureList"].size(), 1u);
  EXPECT_EQ(batch.body["data"]["failureList"][0]["clientOid"], "nope");

  auto by_symbol = post("/api/v2/mix/order/batch-cancel-orders", where);
  EXPECT_EQ(by_symbol.body["data"]["successList"].size(), 2u) << "c-3 and c-4";
  ASSERT_EQ(place({{"price", "46300.0"}, {"clientOid", "c-5"}}).status, 200);
  auto all = post("/api/v2/mix/order/cancel-all-orders",
                  {{"productType", "USDT-FUTURES"}, {"marginCoin", "USDT"}});
  EXPECT_EQ(all.body["data"]["successList"].size(), 1u);
  EXPECT_EQ(ex_.stats()["open_orders"], 0);
  auto history = get("/api/v2/mix/order/orders-history",
                     {{"productType", "USDT-FUTURES"}, {"limit", "2"}}, true);
  ASSERT_EQ(history.body["data"]["entrustedList"].size(), 2u);
  EXPECT_EQ(history.body["data"]["entrustedList"][0]["clientOid"], "c-5") << "newest first";
  auto page2 = get("/api/v2/mix/order/orders-history",
                   {{"productType", "USDT-FUTURES"},
                    {"idLessThan", history.body["data"]["endId"].get<std::string>()}},
                   true);
  EXPECT_EQ(page2.body["data"]["entrustedList"].size(), 3u);
  EXPECT_EQ(get("/api/v2/mix/order/orders-history",
                {{"productType", "USDT-FUTURES"}, {"limit", "101"}}, true)
                .body["code"],
            "40808");
}

TEST_F(BitgetExchangeTest, BatchPlaceAnswersEachOrder) {
  json b = {{"symbol", "BTCUSDT"},
            {"productType", "USDT-FUTURES"},
            {"marginMode", "crossed"},
            {"marginCoin", "USDT"},
            {"orderList", json::array()}};
  for (const char* price : {"46300.0", "46300.01", "46290.0"})
    b["orderList"].push_back(
        {{"size", "0.010"}, {"price", price}, {"side", "buy"}, {"orderType", "limit"}});
  auto a = post("/api/v2/mix/order/batch-place-order", b);
  ASSERT_EQ(a.status, 200) << a.body.dump();
  EXPECT_EQ(a.body["data"]["successList"].size(), 2u);
  ASSERT_EQ(a.body["data"]["failureList"].size(), 1u);
  EXPECT_EQ(a.body["data"]["failureList"][0]["errorCode"], "40808");
}

TEST_F(BitgetExchangeTest, SettingsHoldWhileNothingIsOpen) {
  const json where = {
      {"symbol", "BTCUSDT"}, {"productType", "USDT-FUTURES"}, {"marginCoin", "USDT"}};
  json lev = where;
  lev["leverage"] = "126";
  EXPECT_EQ(post("/api/v2/mix/account/set-leverage", lev).body["code"], "40808");
  lev["leverage"] = "5";
  auto set = post("/api/v2/mix/account/set-leverage", lev);
  EXPECT_EQ(set.body["data"]["crossMarginLeverage"], "5");
  ASSERT_EQ(place({{"price", "46300.0"}}).status, 200);
  EXPECT_EQ(account()["locked"], "92.60") << "46300 x 0.01 / 5";
  json mode = where;
  mode["marginMode"] = "isolated";
  EXPECT_EQ(post("/api/v2/mix/account/set-margin-mode", mode).body["code"], "40808");
  EXPECT_EQ(post("/api/v2/mix/account/set-position-mode",
                 {{"productType", "USDT-FUTURES"}, {"posMode", "hedge_mode"}})
                .body["code"],
            "40808");
  post("/api/v2/mix/order/cancel-all-orders", {{"productType", "USDT-FUTURES"}});
  EXPECT_EQ(post("/api/v2/mix/account/set-margin-mode", mode).body["data"]["marginMode"],
            "isolated");
  EXPECT_EQ(account()["marginMode"], "isolated");
  EXPECT_EQ(post("/api/v2/mix/account/set-position-mode",
                 {{"productType", "USDT-FUTURES"}, {"posMode", "one_way_mode"}})
                .body["data"]["posMode"],
            "one_way_mode");
}

}  // namespace
}  // namespace aitrapp::bitget
