// The in-process runtime: what the venue does on a tick reaches the engine at that tick, a new
// trading day starts on the same engine at local midnight only when asked, and what the schedule
// parked is given back once handled.
#include <gtest/gtest.h>

#include "../support/perp_replay.hpp"
#include "runtime/slots.hpp"

namespace aitrapp {
namespace {

using support::PerpReplay;
using support::ScriptedStrategy;

class NoStore final : public Store {
 public:
  void write(const WriteBatch&) override {}
  RecoveredState recover(const std::string&) override { return {}; }
};

// A quote at `price` with depth enough to fill any resting order at once.
Tick quote_at(TimeMs t, Price price) {
  Tick q;
  q.symbol = "BTCUSDT";
  q.time = t;
  q.last = price;
  q.bid = price - Price::from_raw(kScale / 10);
  q.ask = price + Price::from_raw(kScale / 10);
  q.volume = 1'000'000'000;
  return q;
}

TEST(SimRuntime, AFillTheVenueMakesOnATickReachesTheEngineAtThatTick) {
  const AppConfig cfg = support::perp_config();
  const auto& month = support::perp_month();
  NoStore store;
  // One buy, resting 0.5% under the first bar's close: it waits in the venue's book.
  PerpReplay p(cfg, store, std::make_unique<ScriptedStrategy>(1, 1, -50, 100));
  p.bar(month[0]);
  ASSERT_EQ(p.engine().stats().orders, 1);
  ASSERT_EQ(p.engine().live_orders(), 1u);
  ASSERT_EQ(p.engine().stats().fills, 0);

  // A tick under the limit, and nothing else: the engine sends nothing on it, yet it must hear
  // of the fill now, not when it next sends a request.
  const TimeMs at = month[0].start + kMinuteMs + 1'000;
  const Price under = Price::from_raw(month[0].close.raw - month[0].close.raw * 7 / 1000);
  p.runtime().push_tick(quote_at(at, under));
  p.runtime().run_through(at);
  EXPECT_EQ(p.engine().stats().fills, 1);
  EXPECT_EQ(p.engine().portfolio().positions().size(), 1u);
}

TEST(SimRuntime, DaysRollOverOnTheSameEngineOnlyWhenAsked) {
  const AppConfig cfg = support::perp_config();
  const auto& month = support::perp_month();
  NoStore store;
  PerpReplay rolling(cfg, store, std::make_unique<ScriptedStrategy>(0, 1, 0, 0));
  NullLog log;
  SimRuntime one_day(cfg.engine, cfg.sim, store, log,
                     std::make_unique<ScriptedStrategy>(0, 1, 0, 0), RuntimeOptions{});
  one_day.engine().start_day(20211231);
  Engine* const engine = &rolling.engine();
  std::vector<std::string> days;
  for (size_t i = 0; i < 1440 + 2; ++i) {
    rolling.bar(month[i]);
    if (days.empty() || days.back() != rolling.engine().trading_day())
      days.push_back(rolling.engine().trading_day());
    const Tick q = support::close_quote(month[i], Price::from_raw(kScale / 10));
    one_day.push_bars_closed({month[i]}, q.time);
    one_day.push_tick(q);
    one_day.run_through(q.time);
  }
  EXPECT_EQ(days, (std::vector<std::string>{"2021-12-31", "2022-01-01"}));
  EXPECT_EQ(&rolling.engine(), engine);
  EXPECT_EQ(one_day.engine().trading_day(), "2021-12-31");
  EXPECT_EQ(one_day.now(), month[1441].start + kMinuteMs);
}

TEST(SimRuntime, WhatTheScheduleParkedIsGivenBackOnceHandled) {
  const AppConfig cfg = support::perp_config();
  const auto& month = support::perp_month();
  NoStore store;
  PerpReplay p(cfg, store, std::make_unique<ScriptedStrategy>(20, 10, 5, 10));
  for (size_t i = 0; i < 300; ++i) {
    p.bar(month[i]);
    ASSERT_EQ(p.runtime().pending(), 0u) << "after bar " << i;
  }
  EXPECT_GE(p.engine().stats().fills, 20) << "every marketable entry filled";
  EXPECT_GT(p.requests(), p.engine().stats().orders);
}

TEST(Slots, AReleasedIndexIsReusedAndATakenValueMovesOut) {
  Slots<std::string> s;
  const size_t a = s.put("a"), b = s.put("b");
  EXPECT_NE(a, b);
  EXPECT_EQ(s.take(a), "a");
  EXPECT_EQ(s.pending(), 1u);
  EXPECT_EQ(s.put("c"), a);
  EXPECT_EQ(s[a], "c");
  EXPECT_EQ(s[b], "b");
  EXPECT_EQ(s.pending(), 2u);
}

}  // namespace
}  // namespace aitrapp
