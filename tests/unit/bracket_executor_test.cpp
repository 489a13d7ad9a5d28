// The bracket algorithm alone, on a recording port that stands where the engine's order manager
// and store would: what it places, resizes and cancels for each fill and each order that ends.
#include "engine/bracket_executor.hpp"

#include <gtest/gtest.h>

#include <map>
#include <vector>

using namespace aitrapp;

namespace {

struct Port final : BracketPort {
  std::map<std::string, Order> orders;
  std::vector<std::string> calls;  // "place:ROLE:qty", "cancel:id", "modify:id:qty", ...
  TimeMs t = 1000;
  int seq = 0;

  TimeMs now() const override { return t; }
  Order& place(BracketGroup& g, LegRole role, OrderType type, Side side, Qty qty, Price limit,
               Price trigger) override {
    ++g.attempts[static_cast<int>(role)];
    Order o;
    o.spec = OrderSpec{std::string(to_string(role)) + std::to_string(++seq),
                       g.symbol,
                       side,
                       type,
                       qty,
                       limit,
                       trigger};
    o.plan_id = g.plan_id;
    o.role = role;
    calls.push_back("place:" + std::string(to_string(role)) + ":" + std::to_string(qty.units));
    return orders[o.id()] = o;
  }
  Order& order(const std::string& id) override { return orders.at(id); }
  void cancel(Order& o) override {
    if (!o.live() || o.cancel_requested) return;
    o.cancel_requested = true;
    calls.push_back("cancel:" + o.id());
  }
  void modify(Order& o, Qty qty, Price, Price) override {
    o.modify_in_flight = true;
    calls.push_back("modify:" + o.id() + ":" + std::to_string(qty.units));
  }
  void save(const Order&) override {}
  void save(BracketGroup&) override {}
  bool may_trade(const BracketGroup& g) const override {
    for (const auto& [_, o] : orders)
      if (o.plan_id == g.plan_id && o.active()) return true;
    return false;
  }
  void risk_event(const std::string& check, const std::string&, const BracketGroup&) override {
    calls.push_back("event:" + check);
  }
  void exiting(const BracketGroup&, const std::string& reason) override {
    calls.push_back("exiting:" + reason);
  }
  void closed(BracketGroup&) override { calls.push_back("closed"); }
  void reopened(BracketGroup&) override { calls.push_back("reopened"); }
};

class Bracket : public ::testing::Test {
 protected:
  Bracket() {
    g.plan_id = "P";
    g.symbol = "NIFTY_F1";
    g.side = Side::Buy;
    g.planned_qty = Qty{100};
    g.entry = Price::from_units(100);
    g.stop = Price::from_units(95);
    g.target = Price::from_units(110);
    entry = &port.place(g, LegRole::Entry, OrderType::Limit, Side::Buy, Qty{100}, g.entry, {});
    g.entry_id = entry->id();
    port.orders.at(g.entry_id).status = OrderStatus::Working;
    port.calls.clear();
  }
  // The venue fills `qty` of `o` at `px` (as the engine applies it before the algorithm).
  void fill(Order& o, int64_t qty, int64_t px) {
    algo.before_fill(g, o, "F" + std::to_string(++fills));
    o.filled += Qty{qty};
    if (o.filled >= o.spec.qty)
      o.status = OrderStatus::Filled;
    else if (o.live())
      o.status = OrderStatus::Working;  // a terminal order stays so
    algo.on_fill(g, o, Qty{qty}, Price::from_units(px), 1);
  }
  void cancelled(Order& o) {
    o.status = OrderStatus::Cancelled;
    algo.on_order_terminal(g, o);
  }
  Order& child(const std::string& id) { return port.orders.at(id); }

  Port port;
  BracketExecutor algo{port, 3};
  BracketGroup g;
  Order* entry = nullptr;
  int fills = 0;
};

}  // namespace

TEST_F(Bracket, AnEntryFillPlacesBothChildrenForWhatFilledAndTheNextFillResizesThem) {
  fill(*entry, 40, 100);
  EXPECT_EQ(g.state, BracketState::Open);
  EXPECT_EQ(g.net, Qty{40});
  ASSERT_EQ(port.calls, (std::vector<std::string>{"place:SL:40", "place:TP:40"}));
  Order& sl = child(g.sl_id);
  EXPECT_EQ(sl.spec.type, OrderType::StopMarket);
  EXPECT_EQ(sl.spec.trigger, g.stop);
  EXPECT_EQ(child(g.tp_id).spec.limit, g.target);
  // The stop was sent and acknowledged, the target not yet: one is modified, the other resized
  // in place before it leaves.
  sl.status = OrderStatus::Working;
  port.calls.clear();
  fill(*entry, 60, 100);
  EXPECT_EQ(port.calls, (std::vector<std::string>{"modify:" + g.sl_id + ":100"}));
  EXPECT_EQ(child(g.tp_id).spec.qty, Qty{100});
}

TEST_F(Bracket, ATargetFillCancelsItsSiblingAndTheRemainderThenTheBracketCloses) {
  fill(*entry, 100, 100);
  Order& sl = child(g.sl_id);
  Order& tp = child(g.tp_id);
  sl.status = tp.status = OrderStatus::Working;
  port.calls.clear();
  fill(tp, 100, 110);
  EXPECT_EQ(g.state, BracketState::Exiting);
  EXPECT_EQ(port.calls, (std::vector<std::string>{"exiting:TP filled", "cancel:" + g.sl_id}));
  EXPECT_EQ(g.realized, Money::from_units(1000));  // 100 x (110 - 100)
  cancelled(sl);
  EXPECT_EQ(g.state, BracketState::Closed);
  EXPECT_EQ(port.calls.back(), "closed");
  EXPECT_EQ(g.closed, port.t);
}

TEST_F(Bracket, AStopThatCannotBePlacedEndsInAnExitAtMarket) {
  fill(*entry, 100, 100);
  // Every attempt at the stop dies: after the retry budget the bracket stops trying.
  for (int i = 0; i < 3; ++i) cancelled(child(g.sl_id));
  port.calls.clear();
  child(g.tp_id).status = OrderStatus::Working;
  cancelled(child(g.sl_id));
  ASSERT_GE(port.calls.size(), 3u);
  EXPECT_EQ(port.calls[0], "event:PROTECTION_FAILED");
  EXPECT_EQ(port.calls[1], "exiting:protection failed");
  EXPECT_EQ(port.calls[2], "cancel:" + g.tp_id);
  cancelled(child(g.tp_id));  // nothing else can trade now: the exit goes out
  EXPECT_EQ(port.calls.back(), "place:EXIT:100");
  EXPECT_EQ(child(g.exit_id).spec.side, Side::Sell);
  EXPECT_EQ(child(g.exit_id).spec.type, OrderType::Market);
}

TEST_F(Bracket, AnExitThatOverfillsIsClosedBackToFlat) {
  fill(*entry, 100, 100);
  Order& sl = child(g.sl_id);
  sl.status = OrderStatus::Working;
  child(g.tp_id).status = OrderStatus::Working;
  sl.spec.qty = Qty{150};  // the venue filled more than the position (a stale resize)
  port.calls.clear();
  fill(sl, 150, 95);
  EXPECT_EQ(g.net, Qty{-50});
  ASSERT_GE(port.calls.size(), 2u);
  EXPECT_EQ(port.calls[0], "event:OVERFILL");
  EXPECT_EQ(port.calls[1], "exiting:overfill");
  cancelled(child(g.tp_id));
  EXPECT_EQ(port.calls.back(), "place:EXIT:50");
  EXPECT_EQ(child(g.exit_id).spec.side, Side::Buy);  // buys back the excess
}

TEST_F(Bracket, AFillAfterTheCloseReopensTheBracketAndItsExitClosesItAgain) {
  cancelled(*entry);  // never filled: the bracket exits and closes at once
  EXPECT_EQ(g.state, BracketState::Closed);
  port.calls.clear();
  fill(*entry, 10, 100);  // the venue's fill raced the cancel
  EXPECT_EQ(port.calls[0], "event:LATE_FILL");
  EXPECT_EQ(port.calls[1], "reopened");
  EXPECT_EQ(port.calls.back(), "place:EXIT:10");
  Order& x = child(g.exit_id);
  x.status = OrderStatus::Working;
  fill(x, 10, 99);
  EXPECT_EQ(g.state, BracketState::Closed);
  EXPECT_EQ(g.realized, Money::from_units(-10));
}
