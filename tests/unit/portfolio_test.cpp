#include "portfolio/portfolio.hpp"

#include <gtest/gtest.h>

using namespace aitrapp;

namespace {
Price P(const char* s) {
  return Price::from_raw(*parse_fixed(s));
}
}  // namespace

TEST(Portfolio, AveragesAndRealizesLong) {
  Portfolio pf;
  pf.apply_fill("NIFTY_F1", 1, Side::Buy, Qty{50}, P("100"));
  pf.apply_fill("NIFTY_F1", 1, Side::Buy, Qty{150}, P("104"));
  const Position& p = pf.positions().at("NIFTY_F1");
  EXPECT_EQ(p.avg_price, P("103"));
  pf.mark("NIFTY_F1", P("105"));
  EXPECT_EQ(pf.unrealized(), Money::from_units(400));
  Money r = pf.apply_fill("NIFTY_F1", 1, Side::Sell, Qty{100}, P("106.5"));
  EXPECT_EQ(r, Money::from_units(350));
  EXPECT_EQ(pf.realized(), Money::from_units(350));
  EXPECT_EQ(pf.positions().at("NIFTY_F1").qty.units, 100);
  pf.apply_fill("NIFTY_F1", 1, Side::Sell, Qty{100}, P("101"));
  EXPECT_EQ(pf.realized(), Money::from_units(150));
  EXPECT_EQ(pf.unrealized(), Money{});
  EXPECT_EQ(pf.open_positions(), 0);
}

TEST(Portfolio, ShortAndFlip) {
  Portfolio pf;
  pf.apply_fill("X", 1, Side::Sell, Qty{10}, P("50"));
  pf.mark("X", P("48"));
  EXPECT_EQ(pf.unrealized(), Money::from_units(20));
  Money r = pf.apply_fill("X", 1, Side::Buy, Qty{15}, P("49"));  // closes 10, opens 5 long
  EXPECT_EQ(r, Money::from_units(10));
  EXPECT_EQ(pf.positions().at("X").qty.units, 5);
  EXPECT_EQ(pf.positions().at("X").avg_price, P("49"));
}

TEST(Portfolio, FractionalUnitsForPerpetuals) {
  Portfolio pf;  // 0.001 BTC units
  pf.apply_fill("BTCUSDT", 1000, Side::Buy, Qty{5}, P("46000"));
  pf.apply_fill("BTCUSDT", 1000, Side::Sell, Qty{5}, P("46010.5"));
  EXPECT_EQ(pf.realized(), Money::from_raw(525));  // 10.5 x 0.005 = 0.0525
}

TEST(Portfolio, DrawdownFromPeak) {
  Portfolio pf;
  pf.apply_fill("X", 1, Side::Buy, Qty{10}, P("100"));
  pf.mark("X", P("110"));
  EXPECT_EQ(pf.update_drawdown(), Money{});
  pf.mark("X", P("104"));
  EXPECT_EQ(pf.update_drawdown(), Money::from_units(60));
  EXPECT_EQ(pf.peak(), Money::from_units(100));
}

TEST(Excursions, LongAndShort) {
  Price mae{}, mfe{};
  for (const char* px : {"101", "98.5", "103", "100"})
    update_excursions(Side::Buy, P("100"), P(px), mae, mfe);
  EXPECT_EQ(mae, P("1.5"));
  EXPECT_EQ(mfe, P("3"));
  Price smae{}, smfe{};
  for (const char* px : {"101", "98.5", "103", "100"})
    update_excursions(Side::Sell, P("100"), P(px), smae, smfe);
  EXPECT_EQ(smae, P("3"));
  EXPECT_EQ(smfe, P("1.5"));
}
