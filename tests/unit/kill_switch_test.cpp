// The kill switch with many open positions and fills in flight, through the real replay: SQLite
// store, simulated venue with partial fills and latency, and the engine.
#include <gtest/gtest.h>

#include <filesystem>

#include "../support/many_positions.hpp"
#include "../support/temp_dir_test.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace aitrapp {
namespace {

class KillSwitch : public support::TempDirTest {
 protected:
  KillSwitch() : TempDirTest("kill") {}
};

TEST_F(KillSwitch, FlattensManyPositionsWithFillsInFlightAndBlocksEntriesUntilResume) {
  constexpr int kSymbols = 60;
  // Thin bars: a resting entry fills a few units per tick, so entries are still filling (and
  // children being resized) when the kill arrives.
  const AppConfig cfg = support::many_positions_config(kSymbols, 10'000, 800);
  store::SqliteStore store(path("kill.sqlite"));
  NullLog log;
  DayReplay replay(cfg, support::many_positions_day(cfg, kSymbols, 800), store, store, log);
  ASSERT_TRUE(replay.start().empty());
  TradingCalendar cal(cfg.engine.timezone, cfg.engine.session);
  // Even symbols hold positions; the odd ones break out from 09:35. Stop right after the first
  // of their entries leave the engine, so they reach the venue (and fill) after the kill.
  support::replay_until(replay, cal.local_to_utc(20220401, 9 * 60 + 35, 0));
  Engine& e = replay.engine();
  const int64_t decisions_before = e.stats().decisions;
  while (e.stats().decisions == decisions_before) replay.step();

  int open = 0, in_flight = 0;
  for (const auto& [_, g] : e.groups())
    if (g.net.units > 0) ++open;
  for (const auto& [_, o] : e.orders())
    if (o.role == LegRole::Entry && o.live() && o.filled.units == 0) ++in_flight;
  ASSERT_EQ(open, kSymbols / 2) << "every even symbol holds a position";
  ASSERT_GT(in_flight, 0) << "entries on their way to the venue";
  ASSERT_TRUE(e.invariant_violations().empty());
  const int64_t fills_at_kill = e.stats().fills;

  const FlattenReport r = e.flatten("manual");
  replay.after_command();
  EXPECT_EQ(r.positions_closed, open);
  EXPECT_GE(r.orders_cancelled, 2 * open);  // every stop-loss and take-profit, plus entries
  EXPECT_GT(r.open_risk.raw, 0);
  ASSERT_GE(support::replay_until_flat(replay), 0) << "never flat";
  // Fills in flight at the kill were applied and closed out again.
  EXPECT_GT(e.stats().fills, fills_at_kill + open);
  EXPECT_TRUE(e.is_flat());
  EXPECT_EQ(e.portfolio().open_positions(), 0);
  EXPECT_EQ(e.state(), TradingState::HardStop);
  EXPECT_TRUE(e.invariant_violations().empty());
  EXPECT_EQ(e.stats().kill_switch.at("manual"), 1);

  // The audit row, durably stored.
  std::vector<std::vector<std::string>> rows;
  store.session().run("SELECT reason, source, positions, open_risk FROM kill_switch_events", {},
                      [&](const store::SqlRow& q) {
                        rows.push_back({q.text(0), q.text(1), q.text(2), q.text(3)});
                      });
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], "manual");
  EXPECT_EQ(rows[0][1], "operator");
  EXPECT_EQ(rows[0][2], std::to_string(open));
  EXPECT_EQ(rows[0][3], to_string(r.open_risk));

  // The next breakout (09:45) is blocked: no decision while HARD_STOP.
  const int64_t decisions = e.stats().decisions;
  support::replay_until(replay, cal.local_to_utc(20220401, 9 * 60 + 55, 0));
  EXPECT_EQ(e.stats().decisions, decisions);
  EXPECT_GT(e.stats().risk_blocks.at("TRADING_STATE"), 0);

  // Resumed, the following breakout (10:00) trades again.
  ASSERT_TRUE(e.resume("test").ok());
  replay.after_command();
  support::replay_until(replay, cal.local_to_utc(20220401, 10 * 60 + 10, 0));
  EXPECT_GT(e.stats().decisions, decisions);
  EXPECT_TRUE(e.invariant_violations().empty());
}

// At Kite's 10 order calls a second, 40 positions need 120 calls to get flat: the cancels wait
// in the engine's throttle for up to 8 s, longer than the 5 s answer deadline. A deadline runs
// only once its request has left, so each cancel goes once and flat takes the rate limit's time.
TEST_F(KillSwitch, AtTheVenuesRateLimitEachCancelLeavesOnceAndFlatTakesTheLimitsTime) {
  constexpr int kSymbols = 40;
  const AppConfig cfg = support::many_positions_config(kSymbols, 10, 1'000'000, 400);
  store::SqliteStore store(path("limit.sqlite"));
  NullLog log;
  DayReplay replay(cfg, support::many_positions_day(cfg, kSymbols, 1'000'000, false), store, store,
                   log);
  ASSERT_TRUE(replay.start().empty());
  TradingCalendar cal(cfg.engine.timezone, cfg.engine.session);
  support::replay_until(replay, cal.local_to_utc(20220401, 9 * 60 + 25, 0));
  Engine& e = replay.engine();
  ASSERT_EQ(e.portfolio().open_positions(), kSymbols);
  const int64_t placed = e.stats().orders_placed;

  const TimeMs kill_at = replay.now();
  e.flatten("manual");
  replay.after_command();
  ASSERT_GE(support::replay_until_flat(replay), 0) << "never flat";
  const auto again = e.stats().retries.find("cancel");
  EXPECT_TRUE(again == e.stats().retries.end() || again->second == 0)
      << "a cancel was sent again while queued";
  EXPECT_EQ(e.stats().orders_placed - placed, kSymbols);  // one market exit each
  // 80 cancels and 40 exits at 10 a second: 12 s, plus the venue's round trips.
  EXPECT_LE(replay.now() - kill_at, 12'500);
  EXPECT_TRUE(e.invariant_violations().empty());
}

// The simulated venue journals what arriving requests change in one write per instant: the
// flatten's 80 cancels reach it together and are one commit, and every order is still there.
class CountingJournal final : public VenueJournal {
 public:
  explicit CountingJournal(VenueJournal& inner) : inner_(inner) {}
  void save_venue_order(const std::string& id, const std::string& json) override {
    ++writes;
    inner_.save_venue_order(id, json);
  }
  void save_venue_orders(const std::vector<std::pair<std::string, std::string>>& states) override {
    ++writes;
    largest = std::max(largest, states.size());
    inner_.save_venue_orders(states);
  }
  std::vector<std::string> load_venue_orders() override { return inner_.load_venue_orders(); }
  int writes = 0;
  size_t largest = 0;

 private:
  VenueJournal& inner_;
};

TEST_F(KillSwitch, TheVenueJournalsTheCancelsThatArriveTogetherInOneWrite) {
  constexpr int kSymbols = 40;
  const AppConfig cfg = support::many_positions_config(kSymbols, 10'000, 1'000'000);
  store::SqliteStore store(path("journal.sqlite"));
  CountingJournal journal(store);
  NullLog log;
  DayReplay replay(cfg, support::many_positions_day(cfg, kSymbols, 1'000'000, false), store,
                   journal, log);
  ASSERT_TRUE(replay.start().empty());
  TradingCalendar cal(cfg.engine.timezone, cfg.engine.session);
  support::replay_until(replay, cal.local_to_utc(20220401, 9 * 60 + 25, 0));
  ASSERT_EQ(replay.engine().portfolio().open_positions(), kSymbols);
  const int writes_before = journal.writes;
  journal.largest = 0;
  replay.engine().flatten("manual");
  replay.after_command();
  ASSERT_GE(support::replay_until_flat(replay), 0) << "never flat";
  EXPECT_EQ(journal.largest, 2u * kSymbols);  // every stop-loss and take-profit cancel
  // The cancels, then the exits with their fills (each filled on arrival): two writes.
  EXPECT_EQ(journal.writes - writes_before, 2);
  // 40 entries, 80 children and 40 exits, each journaled in its final state.
  EXPECT_EQ(journal.load_venue_orders().size(), 4u * kSymbols);
}

}  // namespace
}  // namespace aitrapp
