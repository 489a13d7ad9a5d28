// The simulator's futures account: average open price, P&L realized on the closing part of a
// fill, a fill that crosses zero opening the rest at its own price, fees and funding in cash.
#include <gtest/gtest.h>

#include "venue/bitget_sim/perp_account.hpp"

namespace aitrapp::bitget {
namespace {

Price px(int64_t whole) {
  return Price::from_units(whole);
}

TEST(PerpAccount, AveragesAddsAndRealizesOnTheClosingPart) {
  PerpAccount a(Money::from_units(1000));
  // 0.010 BTC at 100, then 0.030 at 200: average 175.
  a.fill("BTCUSDT", Side::Buy, Qty{10}, px(100), Money::from_raw(5), 1000, 1);
  a.fill("BTCUSDT", Side::Buy, Qty{30}, px(200), Money::from_raw(5), 1000, 2);
  const auto* p = a.position("BTCUSDT");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->net, Qty{40});
  EXPECT_EQ(p->avg, Price::from_units(175));
  EXPECT_EQ(unrealized(*p, px(185), 1000), Money::from_raw(4000)) << "0.04 x 10";
  // Selling 0.060 at 185: 0.040 closes (+0.40), 0.020 opens a short at 185.
  const Money realized =
      a.fill("BTCUSDT", Side::Sell, Qty{60}, px(185), Money::from_raw(10), 1000, 3);
  EXPECT_EQ(realized, Money::from_raw(4000));
  EXPECT_EQ(p->net, Qty{-20});
  EXPECT_EQ(p->avg, px(185));
  EXPECT_EQ(unrealized(*p, px(180), 1000), Money::from_raw(1000)) << "a short gains as it falls";
  a.funding("BTCUSDT", Money::from_raw(-3), 4);
  EXPECT_EQ(a.cash(), Money::from_raw(1000 * kScale + 4000 - 20 - 3));
  EXPECT_EQ(p->funding, Money::from_raw(-3));
  a.fill("BTCUSDT", Side::Buy, Qty{20}, px(190), Money{}, 1000, 5);
  EXPECT_EQ(p->net, Qty{0});
  EXPECT_EQ(p->avg, Price{}) << "flat has no average";
  EXPECT_EQ(p->realized, Money::from_raw(4000 - 1000));
}

TEST(PerpAccount, AMakerRebateAddsToCash) {
  PerpAccount a(Money::from_units(100));
  a.fill("BTCUSDT", Side::Buy, Qty{10}, px(100), Money::from_raw(-2), 1000, 1);
  EXPECT_EQ(a.cash(), Money::from_raw(100 * kScale + 2));
}

}  // namespace
}  // namespace aitrapp::bitget
