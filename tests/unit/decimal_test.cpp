#include "core/decimal.hpp"

#include <gtest/gtest.h>

using namespace aitrapp;

TEST(Decimal, ParsesExactly) {
  EXPECT_EQ(parse_fixed("17453.05"), 174530500);
  EXPECT_EQ(parse_fixed("46319.0"), 463190000);
  EXPECT_EQ(parse_fixed("-3"), -30000);
  EXPECT_EQ(parse_fixed("0.0001"), 1);
  EXPECT_EQ(parse_fixed("1.50000"), 15000);  // trailing zeros beyond 4 places are exact
}

TEST(Decimal, RejectsMalformedOrLossy) {
  for (const char* bad : {"", "-", ".", "1.2.3", "abc", "1e5", "1.00001", " 1", "1,5"})
    EXPECT_FALSE(parse_fixed(bad).has_value()) << bad;
}

TEST(Decimal, FormatsRoundTrip) {
  EXPECT_EQ(format_fixed(174530500), "17453.05");
  EXPECT_EQ(format_fixed(-30000), "-3.00");
  EXPECT_EQ(format_fixed(1), "0.0001");
  for (int64_t v : {0LL, 5LL, -5LL, 123456789LL, -987654321LL})
    EXPECT_EQ(parse_fixed(format_fixed(v)), v);
}

TEST(Decimal, NotionalScalesByUnitsPerWhole) {
  // 0.005 BTC (5 units of 0.001) at 46000.5 = 230.0025
  EXPECT_EQ(notional(Price::from_raw(460005000), Qty{5}, 1000).raw, 2300025);
  // 50 NIFTY at 17500.05 = 875002.5
  EXPECT_EQ(notional(Price::from_raw(175000500), Qty{50}, 1).raw, 8750025000);
}

TEST(Decimal, TruncatingParseKeepsFourPlaces) {
  EXPECT_EQ(parse_fixed_truncating("289169.9847625"), 2891699847);
  EXPECT_FALSE(parse_fixed_truncating("1.2x").has_value());
}
