#include "core/instrument.hpp"

#include <gtest/gtest.h>

#include "engine_harness.hpp"

using namespace aitrapp;

namespace {
using aitrapp::testing::P;
Instrument nifty() {
  return aitrapp::testing::nifty_instrument();
}
}  // namespace

TEST(Quantize, RoundsToTickInBothDirections) {
  EXPECT_EQ(round_to_tick(P("100.07"), P("0.05"), Rounding::Down), P("100.05"));
  EXPECT_EQ(round_to_tick(P("100.07"), P("0.05"), Rounding::Up), P("100.10"));
  EXPECT_EQ(round_to_tick(P("100.05"), P("0.05"), Rounding::Up), P("100.05"));
  EXPECT_EQ(round_to_tick(P("-0.03"), P("0.05"), Rounding::Down), P("-0.05"));
}

TEST(Quantize, LongBracketRoundsTowardEntrySoRiskNeverGrows) {
  auto r = quantize_bracket(nifty(), Side::Buy, {P("17500.07"), P("17480.02"), P("17540.09")},
                            P("17500"));
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->entry, P("17500.05"));   // buy entry rounds down: never pays more
  EXPECT_EQ(r->stop, P("17480.05"));    // stop rounds up: closer to entry
  EXPECT_EQ(r->target, P("17540.05"));  // target rounds down: closer to entry
}

TEST(Quantize, ShortBracketMirrors) {
  auto r = quantize_bracket(nifty(), Side::Sell, {P("17500.02"), P("17520.08"), P("17460.01")},
                            P("17500"));
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->entry, P("17500.05"));
  EXPECT_EQ(r->stop, P("17520.05"));
  EXPECT_EQ(r->target, P("17460.05"));
}

TEST(Quantize, RejectsWhatCannotBeMadeValid) {
  // Stop within one tick of the entry collapses onto it after rounding.
  auto collapsed =
      quantize_bracket(nifty(), Side::Buy, {P("17500.00"), P("17499.99"), P("17540")}, P("17500"));
  EXPECT_FALSE(collapsed.ok());
  EXPECT_NE(collapsed.error().find("wrong side"), std::string::npos);
  auto outside =
      quantize_bracket(nifty(), Side::Buy, {P("17500"), P("17400"), P("19500")}, P("17500"));
  EXPECT_FALSE(outside.ok());
  EXPECT_NE(outside.error().find("outside band"), std::string::npos);
  EXPECT_FALSE(quantize_bracket(nifty(), Side::Buy, {P("0.01"), P("-1"), P("1")}, P("0.01")).ok());
}

TEST(Quantize, LotsRoundDown) {
  EXPECT_EQ(round_to_lots(Qty{149}, Qty{50}).units, 100);
  EXPECT_EQ(round_to_lots(Qty{49}, Qty{50}).units, 0);
}

TEST(Band, InclusiveEdges) {
  EXPECT_TRUE(within_band(P("110"), P("100"), 1000));
  EXPECT_FALSE(within_band(P("110.05"), P("100"), 1000));
  EXPECT_TRUE(within_band(P("90"), P("100"), 1000));
}
