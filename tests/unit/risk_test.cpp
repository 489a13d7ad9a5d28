#include <gtest/gtest.h>

#include "engine_harness.hpp"

#include "risk/pre_trade.hpp"
#include "risk/trading_state.hpp"

using namespace aitrapp;

namespace {
using aitrapp::testing::P;
Instrument nifty() {
  return aitrapp::testing::nifty_instrument();
}
struct Fixture {
  Instrument inst = nifty();
  RiskLimits lim;  // capital 10L, 0.5% per trade (5000), 2% heat (20000)
  TradeProposal p;
  PortfolioRisk r;
  Fixture() {
    lim.max_open_positions = 4;
    p = TradeProposal{&inst,      Side::Buy,  Qty{250},      P("17500"),    P("17480"),
                      P("17540"), P("17500"), P("17499.95"), P("17500.05"), 50000};
  }
  std::string check() {
    auto b = check_pre_trade(p, r, lim, TradingState::Active);
    return b ? b->check : "OK";
  }
};
}  // namespace

TEST(Risk, SizingFitsPerTradeCapInWholeLots) {
  Fixture f;
  // 20 points x 50 = 1000 per lot; cap 5000 -> 5 lots.
  EXPECT_EQ(size_for_risk(f.inst, P("17500"), P("17480"), f.lim).units, 250);
  EXPECT_EQ(size_for_risk(f.inst, P("17500"), P("17399"), f.lim).units, 0);  // one lot risks 5050
}

TEST(Risk, AcceptsAValidTrade) {
  EXPECT_EQ(Fixture().check(), "OK");
}

TEST(Risk, EachCheckBlocksWithItsName) {
  {
    Fixture f;
    f.p.qty = Qty{260};
    EXPECT_EQ(f.check(), "LOT_TICK");
  }
  {
    Fixture f;
    f.p.stop = P("17480.02");
    EXPECT_EQ(f.check(), "LOT_TICK");
  }
  {
    Fixture f;
    f.p.qty = Qty{1850};
    f.p.stop = P("17499");
    EXPECT_EQ(f.check(), "FREEZE_BAND");
  }
  {
    Fixture f;
    f.p.target = P("19500");
    EXPECT_EQ(f.check(), "FREEZE_BAND");
  }
  {
    Fixture f;
    f.p.ask = P("17520");  // 23 bps wide
    EXPECT_EQ(f.check(), "SPREAD_ILLIQUID");
  }
  {
    Fixture f;
    f.p.bar_volume = 10;
    EXPECT_EQ(f.check(), "SPREAD_ILLIQUID");
  }
  {
    Fixture f;
    f.p.qty = Qty{300};  // 6000 > 5000
    EXPECT_EQ(f.check(), "PER_TRADE_RISK");
  }
  {
    Fixture f;
    f.r.open_risk = Money::from_units(15'001);  // + 5000 > 20000
    EXPECT_EQ(f.check(), "PORTFOLIO_HEAT");
  }
  {
    Fixture f;
    f.r.open_risk = Money::from_units(15'000);  // exactly at the cap is allowed
    EXPECT_EQ(f.check(), "OK");
  }
  {
    Fixture f;
    f.r.day_pnl = Money::from_units(-20'000);
    EXPECT_EQ(f.check(), "DAILY_LOSS_STOP");
  }
  {
    Fixture f;
    f.r.drawdown = Money::from_units(50'000);
    EXPECT_EQ(f.check(), "MAX_DRAWDOWN");
  }
  {
    Fixture f;
    EXPECT_EQ(check_pre_trade(f.p, f.r, f.lim, TradingState::Reducing)->check, "TRADING_STATE");
  }
}

TEST(Risk, BlockReasonCarriesTheNumbers) {
  Fixture f;
  f.r.open_risk = Money::from_units(18'000);
  auto b = check_pre_trade(f.p, f.r, f.lim, TradingState::Active);
  ASSERT_TRUE(b);
  EXPECT_NE(b->reason.find("18000.00"), std::string::npos) << b->reason;
  EXPECT_NE(b->reason.find("20000.00"), std::string::npos) << b->reason;
}

TEST(StateMachine, EntriesOnlyWhenActive) {
  TradingStateMachine sm;
  EXPECT_TRUE(sm.entries_allowed());
  for (auto s : {TradingState::SoftPause, TradingState::Paused, TradingState::Reducing,
                 TradingState::HardStop}) {
    TradingStateMachine m;
    ASSERT_TRUE(m.transition(s, "test", 1));
    EXPECT_FALSE(m.entries_allowed()) << to_string(s);
  }
}

TEST(StateMachine, TransitionsAreRecordedAndGuarded) {
  TradingStateMachine sm;
  auto t = sm.transition(TradingState::HardStop, "DAILY_LOSS_STOP", 42);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->from, TradingState::Active);
  EXPECT_EQ(t->reason, "DAILY_LOSS_STOP");
  EXPECT_FALSE(sm.transition(TradingState::HardStop, "again", 43));  // no self transition
  EXPECT_FALSE(sm.transition(TradingState::SoftPause, "auto", 44));  // only the operator lifts it
  EXPECT_FALSE(sm.transition(TradingState::Reducing, "eod", 45));
  EXPECT_TRUE(sm.transition(TradingState::Active, "operator resume", 46));
  TradingStateMachine p;
  p.transition(TradingState::Paused, "operator", 1);
  EXPECT_FALSE(p.transition(TradingState::SoftPause, "auto", 2));
  EXPECT_TRUE(p.transition(TradingState::HardStop, "loss", 3));
}

TEST(StateMachine, NamesRoundTrip) {
  for (auto s : {TradingState::Active, TradingState::SoftPause, TradingState::Paused,
                 TradingState::Reducing, TradingState::HardStop})
    EXPECT_EQ(trading_state_from_string(to_string(s)), s);
  EXPECT_FALSE(trading_state_from_string("RUNNING"));
}

// The exchange's band as the venue last reported it binds inside the configured one: an entry,
// stop or target beyond it is refused before anything is sent, and the edges themselves pass.
TEST(Risk, TheVenueBandRefusesEveryPriceBeyondIt) {
  Fixture f;
  f.p.venue_band = PriceBand{P("17480"), P("17540")};
  EXPECT_EQ(f.check(), "OK");
  f.p.venue_band = PriceBand{P("17480"), P("17539.95")};  // the target is past the upper limit
  const auto b = check_pre_trade(f.p, f.r, f.lim, TradingState::Active);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->check, "FREEZE_BAND");
  EXPECT_EQ(b->reason, "price 17540.00 outside the exchange's circuit limits 17480.00 - 17539.95");
  f.p.venue_band = PriceBand{P("17480.05"), P("17600")};  // the stop is below the lower limit
  EXPECT_EQ(f.check(), "FREEZE_BAND");
}
