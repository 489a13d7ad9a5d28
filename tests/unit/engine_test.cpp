// Scripted scenarios: the bracket lifecycle, idempotency under replays, partial fills, EOD.
#include <gtest/gtest.h>

#include "engine_harness.hpp"

using namespace aitrapp;
using namespace aitrapp::testing;

namespace {
int count_role(const Engine& e, const std::string& plan, LegRole role) {
  int n = 0;
  for (const auto& [_, o] : e.orders())
    if (o.plan_id == plan && o.role == role) ++n;
  return n;
}
}  // namespace

TEST(Engine, SignalsBecomeADecisionWithAPersistedEntry) {
  EngineHarness h;
  const std::string plan = h.drive_to_entry("NIFTY_F1", 17500);
  ASSERT_FALSE(plan.empty());
  EXPECT_GT(h.store.signals, 0);
  EXPECT_EQ(h.store.decisions, 1);
  const BracketGroup& g = h.group(plan);
  ASSERT_EQ(h.port.sent.size(), 1u);  // the entry, released by the throttle
  const auto& place = std::get<PlaceRequest>(h.port.sent.front());
  EXPECT_EQ(place.spec.client_order_id, g.entry_id);
  EXPECT_EQ(h.store.orders.at(g.entry_id).status, OrderStatus::Sent);  // persisted before the send
  EXPECT_EQ(place.spec.qty.units % 50, 0);
  EXPECT_TRUE(h.problems().empty());
}

// The fields are built lazily, only for a sink that writes; one that does still gets them all.
TEST(Engine, TheDecisionIsLoggedWithItsFieldsToASinkThatWrites) {
  EngineHarness h;
  const std::string plan = h.drive_to_entry("NIFTY_F1", 17500);
  const auto* ev = h.log.last("decision");
  ASSERT_NE(ev, nullptr);
  EXPECT_EQ(ev->level, "info");
  const BracketGroup& g = h.group(plan);
  const LogFields want{{"plan_id", plan},
                       {"symbol", "NIFTY_F1"},
                       {"side", std::string(to_string(g.side))},
                       {"qty", std::to_string(g.planned_qty.units)},
                       {"entry", to_string(g.entry)},
                       {"stop", to_string(g.stop)},
                       {"target", to_string(g.target)}};
  EXPECT_EQ(ev->fields, want);
}

TEST(Engine, ASinkThatWritesNothingIsNotAskedToAndTheFieldsAreNotBuilt) {
  struct Disabled final : LogSink {
    bool enabled() const override { return false; }
    void log(TimeMs, const char*, const std::string&, const LogFields&) override { ++calls; }
    int calls = 0;
  } sink;
  int built = 0;
  log_event(sink, 0, "info", "decision", [&] {
    ++built;
    return LogFields{};
  });
  EXPECT_EQ(sink.calls, 0);
  EXPECT_EQ(built, 0);
  RecordingLog on;
  log_event(on, 0, "warn", "request_refused", [&] {
    ++built;
    return LogFields{{"reason", ""}};
  });
  EXPECT_EQ(built, 1);
  ASSERT_EQ(on.events.size(), 1u);
  EXPECT_EQ(on.events[0].fields, (LogFields{{"reason", ""}}));
}

TEST(Engine, ARefusedCommitIsAStoreWriteErrorAndNothingOfTheStepIsSent) {
  EngineHarness h;
  h.store.refuse_writes = true;
  try {
    h.drive_to_entry("NIFTY_F1", 17500);
    FAIL() << "the engine went on without its commit";
  } catch (const StoreWriteError& e) {
    EXPECT_STREQ(e.what(), "disk full");
  }
  EXPECT_TRUE(h.port.sent.empty());
  EXPECT_TRUE(h.store.orders.empty());
}

TEST(Engine, ChildrenPlacedOnceEvenWhenTheFillIsReplayed) {
  EngineHarness h;
  ScriptedVenue v;
  const std::string plan = h.drive_to_entry("NIFTY_F1", 17500);
  h.settle(v, h.last_price["NIFTY_F1"]);
  const std::string entry = h.group(plan).entry_id;
  v.fill(entry, h.order(entry).spec.qty, h.order(entry).spec.limit);
  const VenueEvent::Body fill = v.outbox.back();
  h.settle(v, h.last_price["NIFTY_F1"]);
  for (int i = 0; i < 3; ++i) h.deliver(fill);  // the order stream replays the fill
  h.settle(v, h.last_price["NIFTY_F1"]);
  EXPECT_EQ(count_role(h.engine, plan, LegRole::StopLoss), 1);
  EXPECT_EQ(count_role(h.engine, plan, LegRole::TakeProfit), 1);
  EXPECT_EQ(h.engine.stats().duplicate_fills_ignored, 3);
  const BracketGroup& g = h.group(plan);
  EXPECT_EQ(g.net, h.order(entry).spec.qty);
  EXPECT_EQ(h.order(g.sl_id).spec.qty, g.net);
  EXPECT_EQ(h.order(g.sl_id).spec.trigger, g.stop);
  EXPECT_EQ(h.order(g.tp_id).spec.limit, g.target);
  EXPECT_EQ(h.order(g.sl_id).parent_id, entry);
  EXPECT_TRUE(h.problems().empty());
}

TEST(Engine, PartialEntryFillsSizeTheChildrenToTheFilledQuantity) {
  EngineHarness h;
  ScriptedVenue v;
  const std::string plan = h.drive_to_entry("NIFTY_F1", 17500);
  h.settle(v, h.last_price["NIFTY_F1"]);
  const std::string entry = h.group(plan).entry_id;
  const Qty total = h.order(entry).spec.qty;
  ASSERT_GE(total.units, 100);
  v.fill(entry, Qty{50}, h.order(entry).spec.limit);
  h.settle(v, h.last_price["NIFTY_F1"]);
  const BracketGroup& g = h.group(plan);
  EXPECT_EQ(h.order(g.sl_id).spec.qty.units, 50);
  EXPECT_EQ(h.order(g.tp_id).spec.qty.units, 50);
  v.fill(entry, Qty{50}, h.order(entry).spec.limit);
  h.settle(v, h.last_price["NIFTY_F1"]);
  EXPECT_EQ(h.order(g.sl_id).spec.qty.units, 100);  // modified, not a second child
  EXPECT_EQ(h.order(g.tp_id).spec.qty.units, 100);
  EXPECT_EQ(count_role(h.engine, plan, LegRole::StopLoss), 1);
  EXPECT_TRUE(h.problems().empty());
}

TEST(Engine, RemainderIsRepricedOnceThenCancelled) {
  EngineHarness h;
  ScriptedVenue v;
  const std::string plan = h.open_bracket(v, "NIFTY_F1", Qty{50});  // entry remainder still working
  const std::string entry = h.group(plan).entry_id;
  const Price first_limit = h.order(entry).spec.limit;
  h.at(h.clock.now() + 61'000);
  h.tick("NIFTY_F1", first_limit + P("1"));
  h.settle(v, h.last_price["NIFTY_F1"]);
  EXPECT_TRUE(h.group(plan).repriced);
  EXPECT_EQ(h.order(entry).spec.limit, first_limit + P("1.05"));  // the ask, on tick
  h.at(h.clock.now() + 61'000);
  h.engine.on_timer();
  h.settle(v, h.last_price["NIFTY_F1"]);
  EXPECT_EQ(h.order(entry).status, OrderStatus::Cancelled);
  const BracketGroup& g = h.group(plan);
  EXPECT_EQ(g.state, BracketState::Open);  // the filled part stays, protected
  EXPECT_EQ(h.order(g.sl_id).spec.qty.units, 50);
  EXPECT_TRUE(h.problems().empty());
}

TEST(Engine, TakeProfitFillCancelsTheStopAndClosesTheTrade) {
  EngineHarness h;
  ScriptedVenue v;
  const std::string plan = h.open_bracket(v, "NIFTY_F1");
  const BracketGroup& g = h.group(plan);
  const std::string sl = g.sl_id, tp = g.tp_id;
  h.tick("NIFTY_F1", g.target);
  v.fill(tp, h.order(tp).spec.qty, g.target);
  h.settle(v, g.target);
  EXPECT_EQ(h.order(tp).status, OrderStatus::Filled);
  EXPECT_EQ(h.order(sl).status, OrderStatus::Cancelled);
  EXPECT_EQ(h.group(plan).state, BracketState::Closed);
  EXPECT_EQ(h.engine.stats().trades_closed, 1);
  EXPECT_GT(h.group(plan).realized.raw, 0);
  EXPECT_GT(h.group(plan).mfe.raw, 0);
  EXPECT_EQ(h.engine.portfolio().open_positions(), 0);
  EXPECT_TRUE(h.problems().empty());
}

// A market open around the clock starts its next day on the same engine: that day's P&L and its
// drawdown peak start at zero, as on an engine recovering the previous day from the store, and a
// position held overnight is written as the new day's row.
TEST(Engine, ANewDayOnTheSameEngineCountsItsPnlFromZeroAndCarriesThePosition) {
  EngineHarness h;
  ScriptedVenue v;
  const std::string won = h.open_bracket(v, "NIFTY_F1");
  const Price target = h.group(won).target;
  h.tick("NIFTY_F1", target);
  v.fill(h.group(won).tp_id, h.order(h.group(won).tp_id).spec.qty, target);
  h.settle(v, target);
  ASSERT_EQ(h.group(won).state, BracketState::Closed);
  const std::string held = h.open_bracket(v, "BANKNIFTY_F1");
  const Qty held_qty = h.group(held).net;
  ASSERT_GT(h.engine.portfolio().realized().raw, 0);
  ASSERT_GT(h.engine.portfolio().peak().raw, 0);
  ASSERT_EQ(h.engine.portfolio().open_positions(), 1);

  h.at(h.cal.local_to_utc(20220402, 0, 1000));
  h.store.positions.clear();
  h.engine.start_day(20220402);
  EXPECT_EQ(h.engine.trading_day(), "2022-04-02");
  EXPECT_EQ(h.engine.portfolio().realized().raw, 0) << "yesterday's gains count against today";
  EXPECT_EQ(h.engine.portfolio().peak().raw, 0);
  EXPECT_EQ(h.engine.portfolio().open_positions(), 1);
  ASSERT_EQ(h.store.positions.size(), 1u);
  EXPECT_EQ(h.store.positions[0].first, "2022-04-02");
  EXPECT_EQ(h.store.positions[0].second.symbol, "BANKNIFTY_F1");
  EXPECT_EQ(h.store.positions[0].second.qty.units, held_qty.units);
  EXPECT_EQ(h.store.positions[0].second.realized.raw, 0);
  EXPECT_TRUE(h.engine.invariant_violations().empty());
  EXPECT_TRUE(h.problems().empty());
}

TEST(Engine, StopFillingDuringTheRaceIsClosedWithoutLeavingAShort) {
  EngineHarness h;
  ScriptedVenue v;
  const std::string plan = h.open_bracket(v, "NIFTY_F1");
  const BracketGroup& g = h.group(plan);
  const std::string sl = g.sl_id, tp = g.tp_id;
  // Both children fill at the venue before the engine hears of either.
  v.fill(tp, h.order(tp).spec.qty, g.target);
  v.fill(sl, h.order(sl).spec.qty, g.stop);
  h.settle(v, g.stop);
  EXPECT_EQ(h.group(plan).net.units, 0);
  EXPECT_EQ(h.group(plan).state, BracketState::Closed);
  EXPECT_EQ(count_role(h.engine, plan, LegRole::Exit), 1);  // bought the excess back
  bool overfill_event = false;
  for (const auto& r : h.store.risk_events) overfill_event |= r.check == "OVERFILL";
  EXPECT_TRUE(overfill_event);
  EXPECT_TRUE(h.problems().empty());
}

TEST(Engine, RejectedStopLossIsRetriedThenTheBracketExits) {
  EngineConfig cfg = test_config();
  cfg.oms.max_retries = 1;
  EngineHarness h(cfg);
  ScriptedVenue v;
  const std::string plan = h.open_bracket(v, "NIFTY_F1");
  for (int i = 0; i < 3; ++i) {
    const std::string sl = h.group(plan).sl_id;
    if (h.group(plan).state != BracketState::Open) break;
    h.deliver(OrderRejected{sl, "margin", false});
    h.settle(v, h.last_price["NIFTY_F1"]);
  }
  EXPECT_EQ(count_role(h.engine, plan, LegRole::StopLoss), 2);  // first + one retry
  EXPECT_EQ(h.group(plan).state, BracketState::Closed);         // then exited at market
  EXPECT_EQ(count_role(h.engine, plan, LegRole::Exit), 1);
  EXPECT_TRUE(h.problems().empty());
}

TEST(Engine, LostPlaceIsQueriedThenResentUnderTheSameId) {
  EngineHarness h;
  ScriptedVenue v;
  const std::string plan = h.drive_to_entry("NIFTY_F1", 17500);
  const std::string entry = h.group(plan).entry_id;
  h.port.sent.clear();  // the place request is lost
  h.at(h.clock.now() + 2'000);
  h.engine.on_timer();
  ASSERT_EQ(h.port.sent.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<QueryRequest>(h.port.sent.front()));
  h.settle(v, h.last_price["NIFTY_F1"]);  // venue: unknown -> engine re-sends the place
  EXPECT_EQ(h.order(entry).status, OrderStatus::Working);
  EXPECT_EQ(v.book.size(), 1u);
  EXPECT_EQ(v.book.begin()->first, entry);
  EXPECT_TRUE(h.problems().empty());
}

TEST(Engine, AnAcknowledgedOrderTheVenueNoLongerKnowsIsSettledNotRetriedForever) {
  EngineHarness h;
  ScriptedVenue v;
  const std::string plan = h.open_bracket(v, "NIFTY_F1");
  const std::string sl = h.group(plan).sl_id, tp = h.group(plan).tp_id;
  ASSERT_EQ(h.order(sl).status, OrderStatus::Working);
  v.book.erase(sl);  // the venue lost both children (a venue restarted without its book)
  v.book.erase(tp);
  h.engine.flatten("manual");
  h.settle(v, h.last_price["NIFTY_F1"]);  // cancel refused -> query -> unknown -> settled
  for (int i = 0; i < 3; ++i) {           // and nothing is retried after ack timeouts
    h.at(h.clock.now() + 10'000);
    h.engine.on_timer();
    h.settle(v, h.last_price["NIFTY_F1"]);
  }
  EXPECT_EQ(h.order(sl).status, OrderStatus::Cancelled);
  EXPECT_EQ(h.order(tp).status, OrderStatus::Cancelled);
  EXPECT_EQ(h.group(plan).state, BracketState::Closed);
  EXPECT_TRUE(h.engine.is_flat());
  int lost = 0;
  for (const auto& e : h.store.risk_events) lost += e.check == "VENUE_LOST_ORDER";
  EXPECT_EQ(lost, 2);
  EXPECT_TRUE(h.port.sent.empty());
  EXPECT_TRUE(h.problems().empty());
}

TEST(Engine, EodTightensAtTwentyAndIsFlatAtTwentyFive) {
  EngineHarness h;
  ScriptedVenue v;
  const std::string plan = h.open_bracket(v, "NIFTY_F1");
  const Price stop_before = h.group(plan).stop;
  h.at(h.ist(15, 19, 59));
  h.tick("NIFTY_F1", h.group(plan).avg_entry() + P("30"));
  h.settle(v, h.last_price["NIFTY_F1"]);
  EXPECT_EQ(h.engine.state(), TradingState::Active);
  h.at(h.ist(15, 20));
  h.engine.on_timer();
  h.settle(v, h.last_price["NIFTY_F1"]);
  EXPECT_EQ(h.engine.state(), TradingState::Reducing);
  EXPECT_GT(h.group(plan).stop, stop_before);
  EXPECT_EQ(h.order(h.group(plan).sl_id).spec.trigger, h.group(plan).stop);
  EXPECT_EQ(h.group(plan).state, BracketState::Open);
  h.at(h.ist(15, 25));
  h.engine.on_timer();
  h.settle(v, h.last_price["NIFTY_F1"]);
  EXPECT_EQ(h.group(plan).state, BracketState::Closed);
  EXPECT_EQ(h.engine.live_orders(), 0u);
  EXPECT_EQ(h.engine.portfolio().open_positions(), 0);
  EXPECT_TRUE(v.open_ids().empty());
  EXPECT_TRUE(h.problems().empty());
}

TEST(Engine, LossLimitHardStopsAndFlattens) {
  EngineHarness h;
  ScriptedVenue v;
  const std::string plan = h.open_bracket(v, "NIFTY_F1");
  // A gap far through the stop: unrealized loss beyond the 20% test loss cap.
  const Price crash = h.group(plan).avg_entry() - P("4000");
  h.tick("NIFTY_F1", crash);
  h.settle(v, crash);
  EXPECT_EQ(h.engine.state(), TradingState::HardStop);
  EXPECT_EQ(h.group(plan).state, BracketState::Closed);
  EXPECT_EQ(h.engine.portfolio().open_positions(), 0);
  // Entries stay blocked until the operator resumes.
  h.at(h.clock.now() + kMinuteMs);
  h.bar("NIFTY_F1", crash, crash + P("50"), crash - P("5"), crash + P("45"));
  EXPECT_EQ(h.store.decisions, 1);
  bool blocked = false;
  for (const auto& r : h.store.risk_events) blocked |= r.check == "TRADING_STATE";
  EXPECT_TRUE(blocked);
  // The loss cap holds for the rest of the day: resume is refused and changes nothing.
  const auto refused = h.engine.resume("test");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.code(), ErrorCode::Refused);
  EXPECT_NE(refused.error().find("loss stop"), std::string::npos) << refused.error();
  EXPECT_EQ(h.engine.state(), TradingState::HardStop);
  EXPECT_EQ(h.store.kills.size(), 1u);
  EXPECT_EQ(h.store.kills[0].reason, "risk_cap");
  EXPECT_EQ(h.engine.stats().kill_switch.at("risk_cap"), 1);
}

TEST(Engine, OperatorFlattenCancelsEverythingAndBlocksEntries) {
  EngineHarness h;
  ScriptedVenue v;
  const std::string plan = h.open_bracket(v, "NIFTY_F1", Qty{50});  // entry remainder still working
  const std::string entry = h.group(plan).entry_id;
  h.engine.flatten("manual");
  h.settle(v, h.last_price["NIFTY_F1"]);
  EXPECT_EQ(h.engine.state(), TradingState::HardStop);
  EXPECT_EQ(h.group(plan).state, BracketState::Closed);
  EXPECT_EQ(h.engine.live_orders(), 0u);
  EXPECT_TRUE(v.open_ids().empty());
  EXPECT_TRUE(h.problems().empty());
}

// The exchange's band as the venue reports it: recorded once per change, binding on every entry
// until it moves again (the band_jump drill does this against the Kite simulator).
TEST(Engine, AVenueBandRefusesEntriesBeyondItUntilItMoves) {
  EngineHarness h;
  const std::map<std::string, PriceBand> narrow = {{"NIFTY_F1", {P("17490"), P("17510")}},
                                                   {"NOT_TRADED", {P("1"), P("2")}}};
  EXPECT_TRUE(h.engine.set_price_bands(narrow));
  EXPECT_FALSE(h.engine.set_price_bands(narrow));  // unchanged: no step, no second record
  auto circuit_events = [&] {
    std::vector<std::string> out;
    for (const auto& r : h.store.risk_events)
      if (r.check == "CIRCUIT_LIMITS") out.push_back(r.reason);
    return out;
  };
  ASSERT_EQ(circuit_events().size(), 1u);
  EXPECT_EQ(circuit_events()[0], "NIFTY_F1 circuit limits 17490.00 - 17510.00 (first report)");

  EXPECT_EQ(h.drive_to_entry("NIFTY_F1", 17500), "");  // every bracket reaches past 17510
  int refused = 0;
  for (const auto& r : h.store.risk_events)
    refused += r.check == "FREEZE_BAND" && r.reason.find("circuit limits") != std::string::npos;
  EXPECT_GT(refused, 0);
  EXPECT_TRUE(h.port.sent.empty());

  EXPECT_TRUE(h.engine.set_price_bands({{"NIFTY_F1", {P("15000"), P("20000")}}}));
  EXPECT_EQ(circuit_events().back(),
            "NIFTY_F1 circuit limits 15000.00 - 20000.00 (were 17490.00 - 17510.00)");
  EXPECT_NE(h.drive_to_entry("NIFTY_F1", 17700), "");
}
