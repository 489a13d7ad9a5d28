#include "market/bar_builder.hpp"

#include <gtest/gtest.h>

using namespace aitrapp;

namespace {
constexpr TimeMs kNine = 1'648'784'700'000;  // a minute boundary
Price px(int64_t rupees) {
  return Price::from_raw(rupees * kScale);
}
}  // namespace

TEST(BarBuilder, TicksOfAMinuteMakeItsBarAndOnlyItsFirstTickOpensIt) {
  BarBuilder b;
  const auto first = b.add("NIFTY_F1", kNine + 1'000, px(100), 1'000);
  ASSERT_TRUE(first.opened);
  EXPECT_EQ(*first.opened, kNine);
  EXPECT_FALSE(b.add("NIFTY_F1", kNine + 20'000, px(104), 1'050).opened);
  EXPECT_FALSE(b.add("NIFTY_F1", kNine + 40'000, px(97), 1'075).opened);
  const auto last = b.add("NIFTY_F1", kNine + 59'999, px(101), 1'100);
  EXPECT_EQ(last.volume, 25);
  const auto bars = b.close(kNine);
  ASSERT_EQ(bars.size(), 1u);
  EXPECT_EQ(bars[0].start, kNine);
  EXPECT_EQ(bars[0].open, px(100));
  EXPECT_EQ(bars[0].high, px(104));
  EXPECT_EQ(bars[0].low, px(97));
  EXPECT_EQ(bars[0].close, px(101));
  // The first tick's whole running total counts: the day's volume before it is unknown.
  EXPECT_EQ(bars[0].volume_raw, 1'100 * kScale);
  EXPECT_EQ(b.open_bars(), 0u);
}

TEST(BarBuilder, ClosingAMinuteHandsOverOnlyItsBarsInSymbolOrder) {
  BarBuilder b;
  b.add("NIFTY_F1", kNine, px(100), 10);
  b.add("BANKNIFTY_F1", kNine + 5, px(300), 10);
  b.add("NIFTY_F1", kNine + kMinuteMs, px(102), 20);  // the next minute stays open
  const auto bars = b.close(kNine);
  ASSERT_EQ(bars.size(), 2u);
  EXPECT_EQ(bars[0].symbol, "BANKNIFTY_F1");
  EXPECT_EQ(bars[1].symbol, "NIFTY_F1");
  EXPECT_EQ(b.open_bars(), 1u);
  EXPECT_TRUE(b.close(kNine).empty());  // handed over once
}

TEST(BarBuilder, ALateTickLeavesTheClosedBarAsHandedOverButItsVolumeIsNotLost) {
  BarBuilder b;
  b.add("NIFTY_F1", kNine, px(100), 100);
  ASSERT_EQ(b.close(kNine).size(), 1u);
  const auto late = b.add("NIFTY_F1", kNine + 59'000, px(90), 130);
  EXPECT_TRUE(late.late);
  EXPECT_FALSE(late.opened);
  EXPECT_EQ(late.volume, 30);  // the tick still carries it to the engine
  EXPECT_EQ(b.late_ticks(), 1);
  EXPECT_EQ(b.open_bars(), 0u);
  const auto next = b.add("NIFTY_F1", kNine + kMinuteMs, px(101), 140);
  ASSERT_TRUE(next.opened);
  EXPECT_EQ(next.volume, 10);  // the late tick's 30 are not counted again
}

TEST(BarBuilder, AFallingRunningTotalAddsNothingAndAnInstrumentWithoutVolumeHasNone) {
  BarBuilder b;
  b.add("NIFTY_F1", kNine, px(100), 500);
  EXPECT_EQ(b.add("NIFTY_F1", kNine + 1, px(100), 400).volume, 0);  // a replayed older packet
  EXPECT_EQ(b.add("NIFTY_F1", kNine + 2, px(100), 510).volume, 10);
  EXPECT_EQ(b.add("NIFTY", kNine + 3, px(17'000), std::nullopt).volume, 0);
  const auto bars = b.close(kNine);
  ASSERT_EQ(bars.size(), 2u);
  EXPECT_EQ(bars[0].symbol, "NIFTY");
  EXPECT_EQ(bars[0].volume_raw, 0);
  EXPECT_EQ(bars[1].volume_raw, 510 * kScale);
}
