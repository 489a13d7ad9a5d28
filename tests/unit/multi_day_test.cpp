// The engine over several days of the real BTC perpetual bars on one instance, as a market open
// around the clock runs it: the EMA-cross strategy, the day boundary (EOD reducing ends, settled
// records leave memory), the per-bracket heat cache, and entries that are never repriced.
#include <gtest/gtest.h>

#include "../support/perp_replay.hpp"
#include "strategy/ema_cross_strategy.hpp"

namespace aitrapp {
namespace {

using support::PerpReplay;

class CountingStore final : public Store {
 public:
  void write(const WriteBatch& b) override {
    ++commits;
    writes += b.writes.size();
  }
  RecoveredState recover(const std::string&) override { return {}; }
  int64_t commits = 0, writes = 0;
};

Bar bar_at(int i, double close) {
  Bar b;
  b.symbol = "BTCUSDT";
  b.start = 1'640'995'200'000 + int64_t{i} * kMinuteMs;
  const auto px = Price::from_raw(static_cast<int64_t>(close * kScale));
  b.open = b.close = px;
  b.high = px + Price::from_raw(5 * kScale);
  b.low = px - Price::from_raw(5 * kScale);
  b.volume_raw = 1000 * kScale;
  return b;
}

TEST(EmaCross, SignalsOnEachCrossWithTheBracketOnTheRightSide) {
  EmaCrossStrategy s({3, 6, 3, 2.0, 4.0});
  std::vector<Signal> out;
  int i = 0;
  for (int k = 0; k < 20; ++k, ++i)  // flat, down, up, down
    if (auto sig = s.on_bar(bar_at(i, 46'000))) out.push_back(*sig);
  for (int k = 0; k < 10; ++k, ++i)
    if (auto sig = s.on_bar(bar_at(i, 46'000 - 20.0 * k))) out.push_back(*sig);
  EXPECT_TRUE(out.empty()) << "no cross while flat, nor when the first trend sets in";
  for (int k = 0; k < 10; ++k, ++i)
    if (auto sig = s.on_bar(bar_at(i, 45'800 + 40.0 * k))) out.push_back(*sig);
  for (int k = 0; k < 10; ++k, ++i)
    if (auto sig = s.on_bar(bar_at(i, 46'200 - 40.0 * k))) out.push_back(*sig);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].side, Side::Buy);
  EXPECT_LT(out[0].stop, out[0].entry);
  EXPECT_GT(out[0].target, out[0].entry);
  EXPECT_EQ(out[1].side, Side::Sell);
  EXPECT_GT(out[1].stop, out[1].entry);
  EXPECT_EQ(out[1].strategy, "ema_cross");
}

// Three days of the month through one engine: the EOD reducing of a day does not stop the next
// one from trading; what the engine keeps in memory is what is still open; every step's cached
// heat equals a recount; and a second run is the same run.
TEST(MultiDay, EachDayTradesAndOnlyOpenRecordsStayInMemory) {
  const AppConfig cfg = support::perp_config();
  const auto& month = support::perp_month();
  std::string digests[2];
  for (std::string& digest : digests) {
    CountingStore store;
    PerpReplay p(cfg, store, std::make_unique<EmaCrossStrategy>(EmaCrossParams{}));
    std::map<int, int64_t> decisions_by_day;
    TradingCalendar cal(cfg.engine.timezone, cfg.engine.session);
    for (size_t i = 0; i < 3 * 1440 + 60; ++i) {
      p.bar(month[i]);
      decisions_by_day[cal.local_yyyymmdd(month[i].start + kMinuteMs)] =
          p.engine().stats().decisions;
      if (i % 97 == 0) {
        ASSERT_EQ(p.engine().invariant_violations(), std::vector<std::string>{});
      }
    }
    ASSERT_GE(decisions_by_day.size(), 3u);
    int64_t before = 0;
    int days_trading = 0;
    for (const auto& [day, total] : decisions_by_day) {
      if (total > before) ++days_trading;
      before = total;
    }
    EXPECT_GE(days_trading, 3) << "every full day decided something";
    EXPECT_LT(p.engine().orders().size(), static_cast<size_t>(p.engine().stats().orders) / 2)
        << "earlier days' settled orders were forgotten";
    EXPECT_GT(store.commits, 0);
    digest = p.digest();
  }
  EXPECT_EQ(digests[0], digests[1]);
}

TEST(MultiDay, EntriesAreCancelledUnrepricedWhenRepricingIsOff) {
  const AppConfig cfg = support::perp_config(
      "oms: {orders_per_second: 1000, entry_timeout_ms: 60000, reprice_entries: false}");
  const auto& month = support::perp_month();
  CountingStore store;
  PerpReplay p(cfg, store, std::make_unique<support::ScriptedStrategy>(5, 100, -100, 10));
  for (size_t i = 0; i < 600; ++i) {
    p.bar(month[i]);
  }
  EXPECT_EQ(p.engine().stats().orders, 5);
  EXPECT_EQ(p.engine().stats().fills, 0);
  int cancelled = 0;
  for (const auto& [_, o] : p.engine().orders()) {
    EXPECT_EQ(o.modify.client_order_id, "") << o.id() << " was repriced";
    if (o.status == OrderStatus::Cancelled) ++cancelled;
  }
  EXPECT_EQ(cancelled, 5);
}

}  // namespace
}  // namespace aitrapp
