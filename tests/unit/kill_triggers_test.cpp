#include "risk/kill_triggers.hpp"

#include <gtest/gtest.h>

namespace aitrapp {
namespace {

constexpr TimeMs S = 1000;

TEST(KillTriggers, LatencyFiresOnlyAfterSustainedBreach) {
  KillTriggers k({});
  TimeMs t = 0;
  // Slow acks every 10 s: p95 above 800 ms from the third sample on (t = 20 s).
  std::optional<Trigger> fired;
  TimeMs fired_at = -1;
  for (; t <= 200 * S && !fired; t += 10 * S) {
    k.on_ack(t, 900);
    fired = k.evaluate(t, 0);
    if (fired) fired_at = t;
  }
  ASSERT_TRUE(fired);
  EXPECT_EQ(*fired, Trigger::Latency);
  EXPECT_EQ(fired_at, 140 * S);  // breached since 20 s, sustained 120 s
  // Fires once per episode.
  k.on_ack(t, 900);
  EXPECT_FALSE(k.evaluate(t, 0));
}

TEST(KillTriggers, LatencyBreachResetsWhenAcksRecover) {
  KillTriggers k({});
  for (TimeMs t = 0; t <= 100 * S; t += 10 * S) {
    k.on_ack(t, 900);
    EXPECT_FALSE(k.evaluate(t, 0));
  }
  // A burst of fast acks brings the p95 under the limit before the 120 s are up ...
  for (int i = 0; i < 300; ++i) k.on_ack(101 * S, 20);
  EXPECT_FALSE(k.evaluate(101 * S, 0));
  // ... so a new slow spell must last the full 120 s again.
  for (TimeMs t = 102 * S; t <= 400 * S; t += S) {
    k.on_ack(t, 900);
    const auto fired = k.evaluate(t, 0);
    if (k.ack_p95(t) <= 800) continue;
    if (fired) {
      EXPECT_GE(t, 222 * S);
      return;
    }
  }
  FAIL() << "a sustained slow spell never fired";
}

TEST(KillTriggers, TooFewAcksGiveNoVerdict) {
  KillTriggers k({});
  k.on_ack(0, 5000);
  k.on_ack(1 * S, 5000);
  EXPECT_EQ(k.ack_p95(1 * S), -1);
  EXPECT_FALSE(k.evaluate(200 * S, 0));
}

TEST(KillTriggers, MarketQualityNeedsMoreThanThreeInOneMinute) {
  KillTriggers k({});
  k.on_market_quality_event(0);
  k.on_market_quality_event(10 * S);
  k.on_market_quality_event(20 * S);
  EXPECT_FALSE(k.evaluate(20 * S, 0));
  k.on_market_quality_event(70 * S);  // 0 s and 10 s left the window
  k.on_market_quality_event(71 * S);
  EXPECT_FALSE(k.evaluate(71 * S, 0));  // 20, 70, 71: three is not more than three
  k.on_market_quality_event(72 * S);
  auto fired = k.evaluate(72 * S, 0);
  ASSERT_TRUE(fired);
  EXPECT_EQ(*fired, Trigger::MarketQuality);
  EXPECT_FALSE(k.evaluate(73 * S, 0));  // one kill per burst
}

TEST(KillTriggers, ThrottleBacklogNeedsAGrowingQueueForSixtySeconds) {
  KillTriggers k({});
  EXPECT_FALSE(k.evaluate(0, 5));
  EXPECT_FALSE(k.evaluate(59 * S, 9));
  EXPECT_FALSE(k.evaluate(60 * S, 5));  // not above where it started
  auto fired = k.evaluate(61 * S, 6);
  ASSERT_TRUE(fired);
  EXPECT_EQ(*fired, Trigger::ThrottleBacklog);
  EXPECT_TRUE(k.backlog_active());
  EXPECT_FALSE(k.evaluate(62 * S, 7));
  EXPECT_FALSE(k.evaluate(63 * S, 0));  // drained: re-armed
  EXPECT_FALSE(k.backlog_active());
}

TEST(KillTriggers, ReasonsAreAClosedList) {
  EXPECT_TRUE(is_kill_reason("manual"));
  EXPECT_TRUE(is_kill_reason("prelive_sanity"));
  EXPECT_FALSE(is_kill_reason("because"));
  EXPECT_FALSE(is_kill_reason(""));
}

}  // namespace
}  // namespace aitrapp
