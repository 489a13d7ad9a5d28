#include "venue/kite/kite_json.hpp"

#include <gtest/gtest.h>

using namespace aitrapp;
using namespace aitrapp::kite;
using nlohmann::json;

// Kite's answers as the adapter reads them: a field of the wrong type is absent, never a throw
// (the fuzz targets found {"status": {...}} and non-object "data" throwing on the worker thread).
TEST(KiteJson, MistypedFieldsReadAsAbsent) {
  const json j = json::parse(R"({"status": {"x": 1}, "tag": "T1", "qty": 50, "big": 1e300,
                                 "neg": -1, "huge": 18446744073709551615, "px": 17000.05})",
                             nullptr, false);
  EXPECT_EQ(text_field(j, "status"), std::nullopt);
  EXPECT_EQ(text_field(j, "tag"), "T1");
  EXPECT_EQ(text_field(j, "missing"), std::nullopt);
  EXPECT_EQ(int_field(j, "qty"), 50);
  EXPECT_EQ(int_field(j, "tag"), std::nullopt);
  EXPECT_EQ(int_field(j, "huge"), std::nullopt);
  EXPECT_EQ(int_field(j, "px"), std::nullopt);  // a fractional quantity is not a quantity
  EXPECT_EQ(price_field(j, "px")->raw, 170'000'500);
  EXPECT_EQ(price_field(j, "neg"), std::nullopt);
  EXPECT_EQ(price_field(j, "big"), std::nullopt);  // past what a fixed-point Price holds
  EXPECT_EQ(text_field(json::array({1, 2}), "tag"), std::nullopt);
  EXPECT_EQ(int_field(json(), "qty"), std::nullopt);
}

TEST(KiteJson, OrderUpdatesOnlyFromOrderFramesWithObjectData) {
  EXPECT_EQ(order_update_of(R"({"type":"order","data":{"tag":"T"}})")->at("tag"), "T");
  EXPECT_EQ(order_update_of(R"({"type":"order","data":[1]})"), std::nullopt);
  EXPECT_EQ(order_update_of(R"({"type":5,"data":{}})"), std::nullopt);
  EXPECT_EQ(order_update_of(R"({"type":"message","data":"hello"})"), std::nullopt);
  EXPECT_EQ(order_update_of("[1,2]"), std::nullopt);
  EXPECT_EQ(order_update_of("not json"), std::nullopt);
}

TEST(KiteJson, ATradeRowIsCompleteOrNothing) {
  const json good = {{"order_id", "220401000000001"},
                     {"trade_id", "7"},
                     {"quantity", 50},
                     {"average_price", 17000.5}};
  const auto t = trade_row(good);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->order_id, "220401000000001");
  EXPECT_EQ(t->quantity, 50);
  EXPECT_EQ(t->average_price.raw, 170'005'000);
  for (const char* key : {"order_id", "trade_id", "quantity", "average_price"}) {
    json missing = good;
    missing.erase(key);
    EXPECT_FALSE(trade_row(missing)) << key;
  }
  json text_qty = good;
  text_qty["quantity"] = "50";
  EXPECT_FALSE(trade_row(text_qty));
  json zero_price = good;
  zero_price["average_price"] = 0;
  EXPECT_FALSE(trade_row(zero_price));  // a fill at 0 would book a false P&L
}
