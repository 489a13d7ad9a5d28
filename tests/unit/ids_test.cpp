#include "core/ids.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace aitrapp;

TEST(Ids, SamePlanSameIds) {
  auto a = make_plan_id("2022-04-01", "breakout", "NIFTY_F1", 1648786020000, Side::Buy);
  auto b = make_plan_id("2022-04-01", "breakout", "NIFTY_F1", 1648786020000, Side::Buy);
  EXPECT_EQ(a, b);
  EXPECT_EQ(make_client_order_id(a, LegRole::Entry, 0), make_client_order_id(b, LegRole::Entry, 0));
}

TEST(Ids, EveryComponentChangesTheId) {
  auto base = make_plan_id("2022-04-01", "breakout", "NIFTY_F1", 1000, Side::Buy);
  EXPECT_NE(base, make_plan_id("2022-04-04", "breakout", "NIFTY_F1", 1000, Side::Buy));
  EXPECT_NE(base, make_plan_id("2022-04-01", "other", "NIFTY_F1", 1000, Side::Buy));
  EXPECT_NE(base, make_plan_id("2022-04-01", "breakout", "BANKNIFTY_F1", 1000, Side::Buy));
  EXPECT_NE(base, make_plan_id("2022-04-01", "breakout", "NIFTY_F1", 1001, Side::Buy));
  EXPECT_NE(base, make_plan_id("2022-04-01", "breakout", "NIFTY_F1", 1000, Side::Sell));
  std::set<std::string> ids;
  for (auto role : {LegRole::Entry, LegRole::StopLoss, LegRole::TakeProfit, LegRole::Exit})
    for (int attempt = 0; attempt < 40; ++attempt)
      ids.insert(make_client_order_id(base, role, attempt));
  EXPECT_EQ(ids.size(), 160u);
}

TEST(Ids, FitKiteTagAndBitgetClientOid) {
  for (int t = 0; t < 2000; ++t) {
    auto plan = make_plan_id("2022-04-01", "breakout", "NIFTY_F1", t * 60000,
                             t % 2 ? Side::Buy : Side::Sell);
    auto id = make_client_order_id(plan, LegRole::TakeProfit, t % 1296);
    EXPECT_TRUE(is_valid_client_order_id(id)) << id;
    EXPECT_LE(id.size(), 20u);
  }
  EXPECT_THROW(make_client_order_id("ABCDEFGHIJ", LegRole::Entry, 1296), std::out_of_range);
  EXPECT_FALSE(is_valid_client_order_id("AT-1"));
  EXPECT_FALSE(is_valid_client_order_id("A123456789012345678901"));
}

TEST(Ids, NoCollisionsOverAYearOfMinutePlans) {
  std::set<std::string> ids;
  const int n = 250 * 375 * 2;
  for (int i = 0; i < n; ++i)
    ids.insert(make_plan_id("2022-04-01", "breakout", i % 2 ? "NIFTY_F1" : "BANKNIFTY_F1",
                            int64_t(i) * 60000, Side::Buy));
  EXPECT_EQ(ids.size(), static_cast<size_t>(n));
}
