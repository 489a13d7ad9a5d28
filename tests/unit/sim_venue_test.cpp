// The in-process simulated venue's own rules, apart from the engine.
#include "venue/sim/sim_venue.hpp"

#include <gtest/gtest.h>

#include "market/tick_path.hpp"

#include "engine_harness.hpp"

namespace aitrapp {
namespace {

using testing::P;

Tick tick(TimeMs t, Price last) {
  Tick k;
  k.symbol = "NIFTY_F1";
  k.time = t;
  k.last = last;
  k.bid = Price::from_raw(last.raw - P("0.05").raw);
  k.ask = Price::from_raw(last.raw + P("0.05").raw);
  k.volume = 1000;
  return k;
}

TEST(SimVenue, APrintOutsideTheBandTradesNothing) {
  std::vector<VenueEvent> events;
  SimVenue v({{"NIFTY_F1", testing::nifty_instrument()}}, SimVenueParams{},
             [&](VenueEvent e) { events.push_back(std::move(e)); });
  v.on_tick(tick(1'000, P("17000")));
  OrderSpec stop;
  stop.client_order_id = "S1";
  stop.symbol = "NIFTY_F1";
  stop.side = Side::Sell;
  stop.type = OrderType::StopMarket;
  stop.qty = Qty{50};
  stop.trigger = P("16950");
  v.on_request(PlaceRequest{stop}, 2'000);
  events.clear();
  // A bad print of 1.00 in a 17,000 market: no trade can happen there (10% band).
  v.on_tick(tick(3'000, P("1.00")));
  EXPECT_TRUE(events.empty());
  EXPECT_EQ(v.band_halted_ticks(), 1);
  // A real move through the trigger fills the stop near the market, not at the bad print.
  v.on_tick(tick(4'000, P("16940")));
  ASSERT_EQ(events.size(), 1u);
  const auto* fill = std::get_if<OrderFilled>(&events[0].body);
  ASSERT_NE(fill, nullptr);
  EXPECT_EQ(fill->price, P("16939.95"));
}

// A venue holding one resting order placed against a 17,000 market; `events` sees what it sends
// after the order is working.
struct OneOrder {
  std::vector<VenueEvent> events;
  SimVenue venue;
  OneOrder(OrderType type, Side side, const char* limit, const char* trigger, int64_t slip = 1)
      : venue({{"NIFTY_F1", testing::nifty_instrument()}}, SimVenueParams{40, 10'000, slip},
              [this](VenueEvent e) { events.push_back(std::move(e)); }) {
    venue.on_tick(tick(1'000, P("17000")));
    OrderSpec o;
    o.client_order_id = "O1";
    o.symbol = "NIFTY_F1";
    o.side = side;
    o.type = type;
    o.qty = Qty{50};
    o.limit = limit ? P(limit) : Price{};
    o.trigger = trigger ? P(trigger) : Price{};
    venue.on_request(PlaceRequest{o}, 2'000);
    events.clear();
  }
  // Fill prices sent since the order was placed.
  std::vector<Price> fills() const {
    std::vector<Price> out;
    for (const auto& e : events)
      if (const auto* f = std::get_if<OrderFilled>(&e.body)) out.push_back(f->price);
    return out;
  }
};

Tick path_tick(TimeMs t, const char* last, bool continuous) {
  Tick k = tick(t, P(last));
  k.continuous = continuous;
  return k;
}

TEST(SimVenueFillModel, AStopCrossedInsideTheBarFillsAtItsTriggerPlusSlippage) {
  // The bar's path fell from 17,000 to 16,700 in one segment: the price passed 16,950 on the
  // way, so the stop fills one tick below its trigger, not at the segment's far end.
  OneOrder sell(OrderType::StopMarket, Side::Sell, nullptr, "16950");
  sell.venue.on_tick(path_tick(3'000, "16700", true));
  EXPECT_EQ(sell.fills(), std::vector<Price>{P("16949.95")});

  OneOrder buy(OrderType::StopMarket, Side::Buy, nullptr, "17050", 3);
  buy.venue.on_tick(path_tick(3'000, "17400", true));
  EXPECT_EQ(buy.fills(), std::vector<Price>{P("17050.15")});
}

TEST(SimVenueFillModel, AStopBarelyCrossedFillsNoWorseThanTheTouch) {
  // The tick printed at the trigger: its bid (16,949.95) is the slippage price already; with
  // 5 ticks of slippage the touch is better than trigger - slippage, and the touch wins.
  OneOrder sell(OrderType::StopMarket, Side::Sell, nullptr, "16950", 5);
  sell.venue.on_tick(path_tick(3'000, "16950", true));
  EXPECT_EQ(sell.fills(), std::vector<Price>{P("16949.95")});
}

TEST(SimVenueFillModel, AStopGappedThroughFillsAtTheGapPrice) {
  // A bar that opens beyond the trigger (or any live tick): nothing traded between, so the stop
  // fills at the touch of the gap print.
  OneOrder sell(OrderType::StopMarket, Side::Sell, nullptr, "16950");
  sell.venue.on_tick(path_tick(3'000, "16700", false));
  EXPECT_EQ(sell.fills(), std::vector<Price>{P("16699.95")});
}

TEST(SimVenueFillModel, AStopNotReachedDoesNotFill) {
  OneOrder sell(OrderType::StopMarket, Side::Sell, nullptr, "16950");
  sell.venue.on_tick(path_tick(3'000, "16950.05", true));
  EXPECT_TRUE(sell.fills().empty());
}

TEST(SimVenueFillModel, ARestingLimitFillsAtItsPriceInsideTheBarAndAtTheGapWhenBetter) {
  OneOrder inside(OrderType::Limit, Side::Sell, "17100", nullptr);
  inside.venue.on_tick(path_tick(3'000, "17300", true));
  EXPECT_EQ(inside.fills(), std::vector<Price>{P("17100")});

  // Opening above a resting sell limit: the buyers were there at the open, the limit gets it.
  OneOrder gap(OrderType::Limit, Side::Sell, "17100", nullptr);
  gap.venue.on_tick(path_tick(3'000, "17300", false));
  EXPECT_EQ(gap.fills(), std::vector<Price>{P("17299.95")});

  OneOrder short_of(OrderType::Limit, Side::Sell, "17100", nullptr);
  short_of.venue.on_tick(path_tick(3'000, "17099.95", true));
  EXPECT_TRUE(short_of.fills().empty());
}

TEST(SimVenueFillModel, AMarketOrderTakesTheTouchOnArrival) {
  OneOrder buy(OrderType::Market, Side::Buy, nullptr, nullptr);
  // Placed against the 17,000 print: filled at once at its ask, before any further tick.
  ASSERT_TRUE(buy.fills().empty());  // the fill was sent with the ack, before events was cleared
  buy.venue.on_tick(path_tick(3'000, "17300", true));
  EXPECT_TRUE(buy.fills().empty());
  EXPECT_EQ(buy.venue.book().at("O1").fills.at(0).price, P("17000.05"));
}

TEST(SimVenueFillModel, TheBarPathMarksEveryTickButTheOpenContinuous) {
  Bar b;
  b.symbol = "NIFTY_F1";
  b.start = 60'000;
  b.open = P("17000");
  b.high = P("17050");
  b.low = P("16900");
  b.close = P("16950");
  b.volume_raw = 4000 * kScale;
  const auto ticks = bar_to_ticks(b, testing::nifty_instrument());
  ASSERT_EQ(ticks.size(), 4u);
  EXPECT_FALSE(ticks[0].continuous);
  for (size_t i = 1; i < 4; ++i) EXPECT_TRUE(ticks[i].continuous) << i;
}

}  // namespace
}  // namespace aitrapp
