// A replayed day stopped dead (kill -9) and resumed on the same store ends exactly as the day
// replayed in one go, also when the stop fell between two events of one instant: a bar's first
// tick shares its time with the previous bar's close, and the symbols' ticks share theirs.
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>

#include "../support/many_positions.hpp"
#include "../support/temp_dir_test.hpp"
#include "app/day_replay.hpp"
#include "app/summary.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace aitrapp {
namespace {

class ReplayResume : public support::TempDirTest {
 protected:
  ReplayResume() : TempDirTest("resume") {}
};

nlohmann::json summary_of(store::SqliteStore& s, const std::string& day) {
  nlohmann::json j = summarize_store(s.session(), s, day);
  return {{"digest", j["digest"]},        {"signals", j["signals"]},
          {"decisions", j["decisions"]},  {"orders", j["orders"]},
          {"fills", j["fills"]},          {"trades_closed", j["trades_closed"]},
          {"realized", j["realized_pnl"]}};
}

class Day {
 public:
  Day() : in_(load_replay_inputs("", {AITRAPP_SOURCE_DIR "/data/nse/2022-04-04"})) {}
  bool loaded() const { return bool(in_); }
  const AppConfig& cfg() const { return in_.value().cfg; }
  const DayData& data() const { return in_.value().days.at(0); }
  TimeMs at(int minute) const {
    return TradingCalendar(cfg().engine.timezone, cfg().engine.session)
        .local_to_utc(20220404, minute, 0);
  }

  // The day replayed from where the store left it to its end.
  nlohmann::json finish(const std::string& path) {
    store::SqliteStore s(path);
    DayReplay r(cfg(), data(), s, s, log_);
    EXPECT_TRUE(r.start().empty());
    while (!r.idle()) r.step();
    return summary_of(s, r.day_string());
  }
  // Replays from where the store left it to `minute` (minutes after midnight, exchange time),
  // then on to the first step that committed a checkpoint at its instant, with (`mid_instant`)
  // or without another event of that instant still queued, and stops dead there: nothing after
  // that commit survives, as after kill -9. Returns the checkpoint's count of market events, or
  // nothing if no such step came.
  std::optional<int64_t> stop_after(const std::string& path, int minute, bool mid_instant) {
    store::SqliteStore s(path);
    DayReplay r(cfg(), data(), s, s, log_);
    EXPECT_TRUE(r.start().empty());
    support::replay_until(r, at(minute));
    const std::vector<store::SqlValue> d{r.day_string()};
    while (!r.idle()) {
      r.step();
      if ((r.next_time() == r.now()) == mid_instant &&
          s.session().scalar("SELECT last_event_ms FROM engine_checkpoint WHERE trading_day = ?1",
                             d) == r.now())
        return s.session().scalar(
            "SELECT market_events FROM engine_checkpoint WHERE trading_day = ?1", d);
    }
    return std::nullopt;
  }

 private:
  Result<ReplayInputs> in_;
  NullLog log_;
};

TEST_F(ReplayResume, AStopBetweenTwoEventsOfOneInstantLosesNothing) {
  Day day;
  ASSERT_TRUE(day.loaded());
  const nlohmann::json want = day.finish(path("fresh.sqlite"));
  ASSERT_GT(want["signals"].get<int64_t>(), 0);
  for (const int minute : {9 * 60 + 40, 11 * 60, 12 * 60 + 30, 14 * 60 + 10}) {
    SCOPED_TRACE("stop after minute " + std::to_string(minute));
    const std::string db = path("stop-" + std::to_string(minute) + ".sqlite");
    ASSERT_TRUE(day.stop_after(db, minute, true));
    EXPECT_EQ(day.finish(db), want);
  }
}

// A store written before checkpoints counted market events resumes after its checkpoint's time,
// and from then on counts them: a second stop, between two events of one instant, loses nothing.
TEST_F(ReplayResume, ACheckpointWithoutACountResumesAfterItsTimeAndCountsFromThere) {
  Day day;
  ASSERT_TRUE(day.loaded());
  const nlohmann::json want = day.finish(path("fresh.sqlite"));
  const std::string db = path("old.sqlite");
  ASSERT_TRUE(day.stop_after(db, 10 * 60, false));
  {
    store::SqliteStore s(db);
    s.session().run("UPDATE engine_checkpoint SET market_events = -1", {});
  }
  const auto counted = day.stop_after(db, 12 * 60 + 30, true);
  ASSERT_TRUE(counted);
  EXPECT_EQ(counted, day.stop_after(path("straight.sqlite"), 12 * 60 + 30, true))
      << "the count of a day resumed from a time is the count of the day replayed straight";
  EXPECT_EQ(day.finish(db), want);
}

}  // namespace
}  // namespace aitrapp
