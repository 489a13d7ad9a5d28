#include "portfolio/portfolio.hpp"

#include <gtest/gtest.h>

#include <random>

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

// The totals are kept incrementally (a tick is O(1) however many symbols are held): after every
// fill, mark and restore they must equal the sums over the positions.
TEST(Portfolio, KeptTotalsEqualTheSumsOverEveryPosition) {
  Portfolio pf;
  std::mt19937 rng(7);
  const char* symbols[] = {"A", "B", "C", "D"};
  auto check = [&](int step) {
    Money realized, unrealized;
    int open = 0;
    for (const auto& [_, p] : pf.positions()) {
      realized += p.realized;
      unrealized += p.unrealized();
      if (p.qty.units != 0) ++open;
    }
    ASSERT_EQ(pf.realized(), realized) << "step " << step;
    ASSERT_EQ(pf.unrealized(), unrealized) << "step " << step;
    ASSERT_EQ(pf.open_positions(), open) << "step " << step;
  };
  for (int step = 0; step < 5000; ++step) {
    const std::string sym = symbols[rng() % 4];
    const Price px = Price::from_raw(static_cast<int64_t>(90 + rng() % 20) * kScale +
                                     static_cast<int64_t>(rng() % 20) * kScale / 20);
    switch (rng() % 3) {
      case 0:
        pf.apply_fill(sym, 1 + static_cast<int64_t>(rng() % 2) * 999,
                      rng() % 2 ? Side::Buy : Side::Sell, Qty{1 + static_cast<int64_t>(rng() % 9)},
                      px);
        break;
      case 1:
        pf.mark(sym, px);
        break;
      default:
        if (auto it = pf.positions().find(sym); it != pf.positions().end()) {
          Position p = it->second;  // a recovery replacing what is held
          p.last = px;
          pf.restore(p);
        }
    }
    check(step);
  }
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
