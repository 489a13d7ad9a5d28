// BitgetVenue against the Bitget simulator over loopback REST: a lost answer never makes a second
// order, a held stop is sent as a market order when the price reaches it, a modify follows
// Bitget's chain of clientOids (and a restarted adapter finds the newest link), and the order
// form's pieces (link names, bodies, rows) read and write as the exchange does.
#include <gtest/gtest.h>

#include <condition_variable>

#include "../support/bitget_btc.hpp"
#include "core/scaled_clock.hpp"
#include "venue/bitget/bitget_venue.hpp"
#include "venue/bitget_sim/bitget_exchange.hpp"
#include "venue/bitget_sim/bitget_sim_server.hpp"

namespace aitrapp::bitget {
namespace {

using nlohmann::json;

class BitgetVenueTest : public ::testing::Test {
 protected:
  BitgetVenueTest() {
    ex_.on_tick(btc_tick(clock_.now(), "46319.0", 0));
    server_.start();
  }
  ~BitgetVenueTest() override {
    venue_.reset();
    server_.stop();
  }

  std::unique_ptr<BitgetVenue> make_venue() {
    auto rest = std::make_unique<BitgetRest>("http://127.0.0.1:" + std::to_string(server_.port()),
                                             "--bitget-root", account_, clock_,
                                             std::chrono::milliseconds(2000));
    BitgetVenueHooks hooks;
    hooks.emit = [this](VenueEvent::Body b) {
      std::lock_guard lock(events_mu_);
      events_.push_back(std::move(b));
      events_cv_.notify_all();
    };
    BitgetVenueParams params;
    params.reconcile_every = std::chrono::milliseconds(100);
    auto v = std::make_unique<BitgetVenue>(
        std::move(rest), std::map<std::string, ContractRules>{{"BTCUSDT", rules_}}, params,
        std::move(hooks));
    v->start();
    return v;
  }

  // Waits until an event of type T for `cid` has arrived; returns how many there are.
  template <class T>
  int wait_for(const std::string& cid, int at_least = 1) {
    std::unique_lock lock(events_mu_);
    int n = 0;
    events_cv_.wait_for(lock, std::chrono::seconds(5), [&] {
      n = 0;
      for (const auto& e : events_)
        if (const T* t = std::get_if<T>(&e); t && t->client_order_id == cid) ++n;
      return n >= at_least;
    });
    return n;
  }

  json ledger() {
    std::lock_guard lock(mu_);
    return ex_.order_ledger();
  }
  void tick(const char* last) {
    std::vector<BitgetExchange::WsPush> pushes;
    {
      std::lock_guard lock(mu_);
      ex_.on_tick(btc_tick(clock_.now(), last, 10), steady_now_ms());
      pushes = ex_.take_pushes();
    }
    server_.publish(pushes);
  }

  static OrderSpec limit(const std::string& cid, Side side, const char* price) {
    return {
        cid,    "BTCUSDT", side, OrderType::Limit, Qty{10}, Price::from_raw(*parse_fixed(price)),
        Price{}};
  }

  SimClock clock_{1'640'995'200'000};
  const Credentials account_{"k", "s", "p"};
  std::mutex mu_;
  BitgetExchange ex_{btc_instruments(), Money::from_units(10000), account_, clock_};
  BitgetSimServer server_{ex_, mu_, clock_, "127.0.0.1", 0};
  const ContractRules rules_ = rules_of(btc_instruments().at("BTCUSDT"));
  std::mutex events_mu_;
  std::condition_variable events_cv_;
  std::vector<VenueEvent::Body> events_;
  std::unique_ptr<BitgetVenue> venue_;
};

TEST_F(BitgetVenueTest, ALostAnswerIsLookedUpByClientOidAndNeverPlacedTwice) {
  {
    std::lock_guard lock(mu_);
    ex_.faults().lose_next_order_response = true;
  }
  venue_ = make_venue();
  venue_->send(PlaceRequest{limit("E1", Side::Buy, "46300.0"), Lane::Entry});
  ASSERT_EQ(wait_for<OrderAcked>("E1"), 1);
  EXPECT_GE(venue_->lookups(), 1);
  const json orders = ledger();
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0]["clientOid"], "E1");
  std::lock_guard lock(mu_);
  EXPECT_EQ(ex_.stats()["duplicate_client_oids"], 0);
}

TEST_F(BitgetVenueTest, AHeldStopGoesOutAsAMarketOrderWhenThePriceReachesIt) {
  venue_ = make_venue();
  venue_->send(PlaceRequest{{"S1", "BTCUSDT", Side::Buy, OrderType::StopMarket, Qty{10}, Price{},
                             Price::from_raw(*parse_fixed("46400.0"))},
                            Lane::Exit});
  ASSERT_EQ(wait_for<OrderAcked>("S1"), 1);
  venue_->on_price("BTCUSDT", Price::from_raw(*parse_fixed("46350.0")));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_TRUE(ledger().empty()) << "a stop below its trigger was sent";
  tick("46405.0");
  venue_->on_price("BTCUSDT", Price::from_raw(*parse_fixed("46405.0")));
  ASSERT_EQ(wait_for<OrderFilled>("S1"), 1);
  const json orders = ledger();
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0]["clientOid"], "S1");
  EXPECT_EQ(orders[0]["state"], "filled");
  EXPECT_EQ(venue_->stops_fired(), 1);
}

TEST_F(BitgetVenueTest, AModifyFollowsTheChainOfClientOidsAndARestartFindsTheNewestLink) {
  venue_ = make_venue();
  venue_->send(PlaceRequest{limit("E2", Side::Buy, "46300.0"), Lane::Entry});
  ASSERT_EQ(wait_for<OrderAcked>("E2"), 1);
  venue_->send(ModifyRequest{"E2", Qty{10}, Price::from_raw(*parse_fixed("46290.0")), Price{}});
  ASSERT_EQ(wait_for<OrderModified>("E2"), 1);
  const json orders = ledger();
  ASSERT_EQ(orders.size(), 2u);
  EXPECT_EQ(orders[0]["state"], "canceled");
  EXPECT_EQ(orders[1]["clientOid"], "E2-m1");
  EXPECT_EQ(orders[1]["state"], "live");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // reconciliation rounds
  EXPECT_EQ(wait_for<OrderCancelled>("E2", 0), 0) << "the replaced link was taken for a cancel";

  // A new adapter (a restarted engine) asks for E2: it is working, as E2-m1.
  venue_.reset();
  events_.clear();
  venue_ = make_venue();
  venue_->send(QueryRequest{"E2", 7});
  ASSERT_EQ(wait_for<OrderState>("E2"), 1);
  {
    std::lock_guard lock(events_mu_);
    const OrderState* s = nullptr;
    for (const auto& e : events_)
      if (const auto* st = std::get_if<OrderState>(&e)) s = st;
    ASSERT_NE(s, nullptr);
    EXPECT_TRUE(s->open);
    EXPECT_EQ(s->seq, 7u);
  }
  // And a cancel reaches the newest link.
  venue_->send(CancelRequest{"E2"});
  ASSERT_EQ(wait_for<OrderCancelled>("E2"), 1);
  EXPECT_EQ(ledger()[1]["state"], "canceled");
}

TEST(BitgetOrderForm, LinkNamesRoundTripAndRowsNameWhatIsWrong) {
  EXPECT_EQ(link_oid("AT2WA2EOFYFFE00", 0), "AT2WA2EOFYFFE00");
  EXPECT_EQ(link_oid("AT2WA2EOFYFFE00", 3), "AT2WA2EOFYFFE00-m3");
  EXPECT_EQ(link_of("AT2WA2EOFYFFE00-m3"), std::make_pair(std::string("AT2WA2EOFYFFE00"), 3));
  EXPECT_EQ(link_of("AT2WA2EOFYFFE00"), std::make_pair(std::string("AT2WA2EOFYFFE00"), 0));
  EXPECT_EQ(link_of("manual-mx").second, 0);  // not a link suffix: an id of its own
  const ContractRules r = rules_of(btc_instruments().at("BTCUSDT"));
  const json body = place_body(r,
                               {"E", "BTCUSDT", Side::Sell, OrderType::Limit, Qty{741},
                                Price::from_raw(*parse_fixed("46574.3")), Price{}},
                               "crossed");
  EXPECT_EQ(body["size"], "0.741");
  EXPECT_EQ(body["price"], "46574.3");
  EXPECT_EQ(body["side"], "sell");
  EXPECT_FALSE(body.contains("tradeSide"));  // one-way mode refuses it
  const json market =
      place_body(r, {"M", "BTCUSDT", Side::Buy, OrderType::Market, Qty{5}, {}, {}}, "crossed");
  EXPECT_FALSE(market.contains("price"));
  EXPECT_EQ(parse_order_row({{"orderId", "1"}, {"state", "live"}, {"size", "0.01"}}, r).error(),
            "order 1: 'baseVolume' is '', not a size of BTCUSDT");
  const auto net = parse_net_positions(
      json::array({{{"symbol", "BTCUSDT"}, {"holdSide", "short"}, {"total", "0.250"}}}),
      {{"BTCUSDT", r}});
  ASSERT_TRUE(net);
  EXPECT_EQ(net.value().at("BTCUSDT"), -250);
  EXPECT_TRUE(stop_fires(Side::Sell, Price::from_units(100), Price::from_units(100)));
  EXPECT_FALSE(stop_fires(Side::Buy, Price::from_units(100), Price::from_units(99)));
}

}  // namespace
}  // namespace aitrapp::bitget
