#include "risk/risk_governor.hpp"

#include <gtest/gtest.h>

#include <map>
#include <vector>

using namespace aitrapp;

namespace {

struct Recorded final : RiskRecorder {
  std::vector<std::string> events;  // "KIND/CHECK: reason"
  std::map<std::string, int> pauses;
  void risk_event(const std::string& kind, const std::string& check,
                  const std::string& reason) override {
    events.push_back(kind + "/" + check + ": " + reason);
  }
  void auto_paused(const std::string& cause) override { ++pauses[cause]; }
};

Money rupees(int64_t r) {
  return Money::from_raw(r * kScale);
}

class Governor : public ::testing::Test {
 protected:
  Recorded rec;
  RiskGovernor gov{KillTriggerParams{}, rec};
};

}  // namespace

TEST_F(Governor, ACausePausesEntriesWhileItLastsAndTheLastOneToClearResumes) {
  EXPECT_TRUE(gov.set_degraded("store_outage", true, "unreachable", 1));
  EXPECT_FALSE(gov.set_degraded("store_outage", true, "unreachable", 2));  // already on
  EXPECT_EQ(gov.state(), TradingState::SoftPause);
  EXPECT_FALSE(gov.entries_allowed());
  EXPECT_TRUE(gov.set_degraded("leader_lease", true, "", 3));
  EXPECT_TRUE(gov.set_degraded("store_outage", false, "", 4));
  EXPECT_EQ(gov.state(), TradingState::SoftPause);  // the lease is still lapsed
  EXPECT_TRUE(gov.set_degraded("leader_lease", false, "", 5));
  EXPECT_EQ(gov.state(), TradingState::Active);
  EXPECT_EQ(rec.pauses["store_outage"], 1);
  EXPECT_EQ(rec.pauses["leader_lease"], 1);
  ASSERT_GE(rec.events.size(), 2u);
  EXPECT_EQ(rec.events[0], "LIMIT/DEGRADED: store_outage: unreachable");
  EXPECT_EQ(rec.events[1],
            "STATE/SOFT_PAUSE: store_outage: entries paused, exits continue (from ACTIVE)");
  EXPECT_EQ(rec.events.back(), "STATE/ACTIVE: leader_lease cleared (from SOFT_PAUSE)");
}

TEST_F(Governor, HeatOverItsCapCallsForTheKillSwitchOnceTheStopHolds) {
  EXPECT_FALSE(gov.check_triggers(1, rupees(100), rupees(200), 0));
  const auto call = gov.check_triggers(2, rupees(300), rupees(200), 0);
  ASSERT_TRUE(call);
  EXPECT_EQ(call->reason, "risk_cap");
  EXPECT_EQ(call->detail, "heat 300.00 above cap 200.00");
  EXPECT_EQ(rec.events.back(), "LIMIT/PORTFOLIO_HEAT: heat 300.00 above cap 200.00");
  gov.hard_stop(call->reason, 2);
  EXPECT_EQ(gov.state(), TradingState::HardStop);
  EXPECT_EQ(gov.stop_reason(), "risk_cap");
  EXPECT_FALSE(gov.check_triggers(3, rupees(300), rupees(200), 0));  // already stopped
}

TEST_F(Governor, TheDaysLossStopEndsWithItsDayAnOperatorPauseDoesNot) {
  gov.hard_stop("risk_cap", 1);
  EXPECT_TRUE(gov.ends_with_the_day());
  gov.set_degraded("leader_lease", true, "", 2);  // a cause still present at the open
  gov.open_day("2022-04-04", 3);
  EXPECT_EQ(gov.state(), TradingState::SoftPause);
  EXPECT_EQ(gov.stop_reason(), "");
  gov.set_degraded("leader_lease", false, "", 4);
  gov.pause("lunch", 5);
  EXPECT_EQ(gov.state(), TradingState::Paused);
  EXPECT_EQ(gov.stop_reason(), "operator");
  EXPECT_FALSE(gov.ends_with_the_day());
  gov.hard_stop("operator_drill", 6);
  EXPECT_FALSE(gov.ends_with_the_day());  // only the loss caps' stop is a day's
}

TEST_F(Governor, AFreshEngineCarriesThePreviousDaysStopByTheSameRule) {
  gov.carry(TradingState::HardStop, "risk_cap", "2022-04-01", 1);
  EXPECT_EQ(gov.state(), TradingState::Active);
  EXPECT_EQ(rec.events.back(), "STATE/ACTIVE: the loss stop of 2022-04-01 ended with its day");
  RiskGovernor other{KillTriggerParams{}, rec};
  other.carry(TradingState::Paused, "operator", "2022-04-01", 1);
  EXPECT_EQ(other.state(), TradingState::Paused);
  EXPECT_EQ(other.stop_reason(), "operator");
  RiskGovernor reducing{KillTriggerParams{}, rec};
  reducing.carry(TradingState::Reducing, "", "2022-04-01", 1);
  EXPECT_EQ(reducing.state(), TradingState::Active);
}

TEST_F(Governor, ASpreadBlowoutCountsOncePerEpisodeAndEnoughOfThemCallForTheKillSwitch) {
  const KillTriggerParams p;
  TimeMs t = 1'000;
  int episodes = 0;
  for (int i = 0; i <= p.market_quality_max; ++i) {
    episodes += gov.observe_spread("NIFTY_F1", true, t);
    episodes += gov.observe_spread("NIFTY_F1", true, t + 1);  // the same episode
    gov.observe_spread("NIFTY_F1", false, t + 2);
    t += 1'000;
  }
  EXPECT_EQ(episodes, p.market_quality_max + 1);
  const auto call = gov.check_triggers(t, Money{}, rupees(1), 0);
  ASSERT_TRUE(call);
  EXPECT_EQ(call->reason, "market_quality");
}

TEST_F(Governor, AGrowingThrottleBacklogPausesEntriesUntilItClears) {
  const KillTriggerParams p;
  size_t depth = 1;
  TimeMs t = 0;
  for (; t <= p.throttle_rising_for_ms + 1'000; t += 1'000)
    EXPECT_FALSE(gov.check_triggers(t, Money{}, rupees(1), depth++));
  EXPECT_EQ(gov.state(), TradingState::SoftPause);
  EXPECT_EQ(rec.pauses["throttle_backlog"], 1);
  gov.check_triggers(t, Money{}, rupees(1), 0);
  EXPECT_EQ(gov.state(), TradingState::Active);
}
