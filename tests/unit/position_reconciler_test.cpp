#include "portfolio/position_reconciler.hpp"

#include <gtest/gtest.h>

using namespace aitrapp;
using V = PositionReconciler::Verdict;

TEST(PositionReconciler, ADifferenceCountsOnlyWhenItLastsTwoRounds) {
  PositionReconciler r;
  const std::map<std::string, int64_t> venue{{"NIFTY_F1", 50}}, engine{};
  EXPECT_EQ(r.check(venue, engine), V::Suspect);  // could be a fill in flight
  EXPECT_EQ(r.detail(), "NIFTY_F1 venue 50, engine 0");
  EXPECT_EQ(r.check(venue, engine), V::Mismatch);
  EXPECT_EQ(r.check(venue, engine), V::Mismatch);
}

TEST(PositionReconciler, AnAgreeingRoundClearsTheCount) {
  PositionReconciler r;
  const std::map<std::string, int64_t> venue{{"NIFTY_F1", 50}};
  EXPECT_EQ(r.check(venue, {}), V::Suspect);
  EXPECT_EQ(r.check(venue, venue), V::Agree);
  EXPECT_EQ(r.detail(), "");
  EXPECT_EQ(r.check(venue, {}), V::Suspect);  // counted from one again
}

TEST(PositionReconciler, AFlatSymbolOnOneSideMatchesAMissingOneAndEveryDifferenceIsNamed) {
  PositionReconciler r(1);
  EXPECT_EQ(r.check({{"NIFTY_F1", 0}}, {}), V::Agree);
  EXPECT_EQ(r.check({{"BANKNIFTY_F1", -25}, {"NIFTY_F1", 50}}, {{"NIFTY_F1", 75}}), V::Mismatch);
  EXPECT_EQ(r.detail(), "BANKNIFTY_F1 venue -25, engine 0; NIFTY_F1 venue 50, engine 75");
}
