// The order manager on its own: a recording listener stands where the engine's bracket logic
// would, so each test sees exactly which requests leave and which changes are reported.
#include "oms/order_manager.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

using namespace aitrapp;

namespace {

struct Recording final : OrderListener {
  std::vector<std::string> calls;  // "what:id" in the order they happened
  int saves = 0;
  std::vector<TimeMs> acks;
  void save(const Order&) override { ++saves; }
  void order_event(const std::string& check, const std::string& reason, const Order&) override {
    calls.push_back("event:" + check + ":" + reason);
  }
  void on_terminal(Order& o) override { calls.push_back("terminal:" + o.id()); }
  void on_fill(Order& o, const OrderFilled& f) override {
    calls.push_back("fill:" + o.id() + ":" + f.fill_id);
  }
  void on_resized(Order& o) override { calls.push_back("resized:" + o.id()); }
  void on_rejected(Order& o, bool retryable) override {
    calls.push_back(std::string("rejected:") + o.id() + (retryable ? ":retry" : ":final"));
  }
  void on_ack(TimeMs latency_ms) override { acks.push_back(latency_ms); }
  void on_band_reject() override { calls.push_back("band"); }
};

class Manager : public ::testing::Test {
 protected:
  Manager() { oms.set_now(now); }

  Order& add(const std::string& id, LegRole role = LegRole::Entry) {
    Order o;
    o.spec = OrderSpec{
        id, "NIFTY_F1", Side::Buy, OrderType::Limit, Qty{50}, Price::from_units(100), Price{}};
    o.plan_id = "plan";
    o.role = role;
    o.created = o.updated = now;
    return oms.add(std::move(o));
  }
  std::vector<VenueRequest> release_at(TimeMs t) {
    now = t;
    oms.set_now(t);
    std::vector<VenueRequest> out;
    oms.release(out);
    return out;
  }
  void answer(VenueEvent::Body body) { oms.apply(VenueEvent{now, std::move(body)}); }
  // Places `id` and lets it go out at `now`.
  Order& sent(const std::string& id) {
    Order& o = add(id);
    oms.place(o);
    EXPECT_EQ(release_at(now).size(), 1u);
    return o;
  }

  OmsParams params;  // 10 orders/s, 5 s ack timeout, 3 retries
  Recording rec;
  NullLog log;
  OrderCounters counters;
  TimeMs now = 1'000'000;
  OrderManager oms{params, rec, log, counters};
};

}  // namespace

TEST_F(Manager, AnIdIsNeverTakenTwice) {
  add("A");
  EXPECT_THROW(add("A"), std::logic_error);
  EXPECT_EQ(counters.orders, 1);
  EXPECT_EQ(oms.all().size(), 1u);
}

TEST_F(Manager, ReleaseSendsThePlaceInItsLaneAndCountsItOnce) {
  Order& exit = add("X", LegRole::StopLoss);
  Order& entry = add("E");
  oms.place(entry);
  oms.place(exit);
  const auto out = release_at(now);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(request_client_id(out[0]), "X");  // exits before entries
  EXPECT_EQ(std::get<PlaceRequest>(out[1]).lane, Lane::Entry);
  EXPECT_EQ(entry.status, OrderStatus::Sent);
  EXPECT_EQ(entry.sent, now);
  EXPECT_EQ(counters.orders_placed, 2);
}

TEST_F(Manager, TheThrottleHoldsWhatItsRateDoesNotAllow) {
  for (int i = 0; i < 12; ++i) oms.place(add("O" + std::to_string(10 + i)));
  EXPECT_EQ(release_at(now).size(), 10u);
  EXPECT_EQ(oms.throttle_depth(Lane::Entry), 2u);
  EXPECT_EQ(oms.next_release(), now + 1000);
  EXPECT_EQ(release_at(now + 1000).size(), 2u);
  EXPECT_EQ(counters.orders_placed, 12);
}

TEST_F(Manager, AnIllegalTransitionIsRefusedAndReported) {
  Order& o = sent("A");
  answer(OrderAcked{"A", "V1"});
  ASSERT_EQ(o.status, OrderStatus::Working);
  EXPECT_FALSE(oms.set_status(o, OrderStatus::Sent));  // an acked order is never sent again
  EXPECT_EQ(o.status, OrderStatus::Working);
  ASSERT_FALSE(rec.calls.empty());
  EXPECT_EQ(rec.calls.back(), "event:ILLEGAL_TRANSITION:A: WORKING -> SENT refused");
}

TEST_F(Manager, TheAckIsTimedAndAFillIsAppliedOncePerId) {
  sent("A");
  now += 40;
  oms.set_now(now);
  answer(OrderAcked{"A", "V1"});
  EXPECT_EQ(rec.acks, std::vector<TimeMs>{40});
  EXPECT_EQ(counters.ack_latency_ms.count, 1);
  answer(OrderFilled{"A", "F1", Qty{50}, Price::from_units(100)});
  answer(OrderFilled{"A", "F1", Qty{50}, Price::from_units(100)});
  EXPECT_EQ(std::count(rec.calls.begin(), rec.calls.end(), "fill:A:F1"), 1);
  EXPECT_EQ(counters.duplicate_fills_ignored, 1);
}

TEST_F(Manager, AnOrderNeverAcknowledgedIsResentThenRejectedAndCancelledInCase) {
  Order& o = sent("A");
  int queries = 0;
  // Each missed ack is answered by a query (same id); past the retry budget the order is
  // rejected, and a cancel goes out in case the venue did take it.
  for (int i = 0; i < params.max_retries; ++i) {
    now += params.ack_timeout_ms;
    oms.set_now(now);
    EXPECT_EQ(oms.next_deadline(o), now);
    EXPECT_TRUE(oms.act_on_due_deadline(o));
    for (const auto& r : release_at(now)) queries += std::holds_alternative<QueryRequest>(r);
  }
  EXPECT_EQ(queries, params.max_retries);
  EXPECT_EQ(counters.retries["ack_timeout"], params.max_retries);
  now += params.ack_timeout_ms;
  oms.set_now(now);
  EXPECT_TRUE(oms.act_on_due_deadline(o));
  EXPECT_EQ(o.status, OrderStatus::Rejected);
  EXPECT_TRUE(o.unconfirmed);
  EXPECT_TRUE(o.active());
  EXPECT_EQ(rec.calls.back(), "rejected:A:final");
  const auto out = release_at(now);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<CancelRequest>(out[0]));
  // The venue confirms it never held it: the order is settled for good.
  answer(OrderCancelled{"A"});
  EXPECT_FALSE(o.active());
  EXPECT_EQ(rec.calls.back(), "terminal:A");
}

TEST_F(Manager, ACancelBeforeTheSendSettlesTheOrderWithoutReachingTheVenue) {
  Order& o = add("A");
  oms.place(o);
  oms.request_cancel(o);
  EXPECT_TRUE(release_at(now).empty());
  EXPECT_EQ(o.status, OrderStatus::Cancelled);
  EXPECT_EQ(o.reason, "cancelled before send");
  EXPECT_EQ(rec.calls.back(), "terminal:A");
  EXPECT_EQ(counters.orders_placed, 0);
}

TEST_F(Manager, OnlyTheEchoOfTheModifyInFlightResizesTheOrder) {
  Order& o = sent("A");
  answer(OrderAcked{"A", "V1"});
  oms.send_modify(o, Qty{25}, Price::from_units(101), Price{});
  release_at(now);
  answer(OrderModified{"A", Qty{50}, Price::from_units(99), Price{}});  // a stale echo
  EXPECT_EQ(o.spec.qty, Qty{50});
  EXPECT_TRUE(o.modify_in_flight);
  answer(OrderModified{"A", Qty{25}, Price::from_units(101), Price{}});
  EXPECT_EQ(o.spec.qty, Qty{25});
  EXPECT_EQ(o.spec.limit, Price::from_units(101));
  EXPECT_FALSE(o.modify_in_flight);
  EXPECT_EQ(rec.calls.back(), "resized:A");
}

TEST_F(Manager, AnOrderTheVenueNeverSawIsPlacedAgainUnderItsId) {
  Order& o = sent("A");
  oms.query(o);
  const auto out = release_at(now);
  ASSERT_EQ(out.size(), 1u);
  const uint64_t seq = std::get<QueryRequest>(out[0]).seq;
  answer(OrderUnknown{"A", seq - 1});  // the answer to an older query: ignored
  EXPECT_EQ(o.status, OrderStatus::Sent);
  answer(OrderUnknown{"A", seq});
  EXPECT_EQ(o.status, OrderStatus::Pending);
  EXPECT_EQ(counters.retries["place_unknown"], 1);
  const auto again = release_at(now);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(std::get<PlaceRequest>(again[0]).spec.client_order_id, "A");
  EXPECT_EQ(o.send_count, 2);
  EXPECT_EQ(counters.orders_placed, 1);  // the same order, not a new one
}

TEST_F(Manager, AnAcknowledgedOrderTheVenueForgetsIsSettledNotResent) {
  Order& o = sent("A");
  answer(OrderAcked{"A", "V1"});
  oms.query(o);
  const auto out = release_at(now);
  answer(OrderUnknown{"A", std::get<QueryRequest>(out[0]).seq});
  EXPECT_EQ(o.status, OrderStatus::Cancelled);
  EXPECT_TRUE(release_at(now).empty());
  EXPECT_EQ(rec.calls.back(), "terminal:A");
}

TEST_F(Manager, ABandRejectIsReportedBeforeTheReject) {
  sent("A");
  answer(OrderRejected{"A", "outside the band", true, true});
  ASSERT_EQ(rec.calls.size(), 3u);
  EXPECT_EQ(rec.calls[0], "band");
  EXPECT_EQ(rec.calls[1], "event:REJECT:A: outside the band");
  EXPECT_EQ(rec.calls[2], "rejected:A:retry");
}

TEST_F(Manager, RestoreQueriesEveryLiveOrderAndKeepsTheAppliedFills) {
  Order live;
  live.spec = OrderSpec{
      "L", "NIFTY_F1", Side::Buy, OrderType::Limit, Qty{50}, Price::from_units(100), Price{}};
  live.status = OrderStatus::Working;
  Order done = live;
  done.spec.client_order_id = "D";
  done.status = OrderStatus::Filled;
  EXPECT_EQ(oms.restore({live, done}, {"F1"}), 1);
  EXPECT_EQ(oms.active().size(), 1u);
  const auto out = release_at(now);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(std::get<QueryRequest>(out[0]).client_order_id, "L");
  answer(OrderFilled{"L", "F1", Qty{50}, Price::from_units(100)});
  EXPECT_EQ(counters.duplicate_fills_ignored, 1);
  oms.forget("D");
  EXPECT_EQ(oms.find("D"), nullptr);
}
