// The in-process simulated venue's own rules, apart from the engine.
#include "venue/sim/sim_venue.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace aitrapp
