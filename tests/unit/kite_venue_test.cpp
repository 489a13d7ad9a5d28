// KiteVenue (the LIVE adapter) against the Kite simulator's REST server in process, over
// loopback: the ordering and pacing rules that an end-to-end session cannot pin down exactly.
#include <gtest/gtest.h>

#include <condition_variable>
#include <thread>

#include "app/config.hpp"
#include "core/ids.hpp"
#include "core/scaled_clock.hpp"
#include "core/sha256.hpp"
#include "venue/kite/kite_order_form.hpp"
#include "venue/kite/kite_venue.hpp"
#include "venue/kite_sim/kite_sim_server.hpp"

namespace aitrapp {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class KiteVenueSim : public ::testing::Test {
 protected:
  KiteVenueSim()
      : cfg_(parse_config(embedded_default_config(), "embedded").value()),
        cal_(cfg_.engine.timezone, cfg_.engine.session),
        clock_(cal_.local_to_utc(20220401, 10 * 60), 1.0, ScaledClock::wall_now_ms()),
        exchange_(cfg_.engine.instruments, cfg_.engine.limits.capital, {"key", "secret", "tok0"},
                  cal_, clock_, 6 * 60),
        server_(exchange_, mu_, "127.0.0.1", 0) {
    server_.start();
    for (const auto& row : exchange_.instruments())
      for (const auto& [symbol, in] : cfg_.engine.instruments)
        if ((in.venue_symbol.empty() ? symbol : in.venue_symbol) == row.tradingsymbol)
          rows_[symbol] = row;
    Tick t;
    t.symbol = "NIFTY_F1";
    t.time = clock_.now();
    t.last = Price::from_raw(*parse_fixed("17000"));
    t.bid = Price::from_raw(*parse_fixed("16999.95"));
    t.ask = Price::from_raw(*parse_fixed("17000.05"));
    t.volume = 100;
    std::lock_guard lock(mu_);
    exchange_.on_tick(t, steady_now_ms());
  }

  std::unique_ptr<kite::KiteVenue> make_venue() {
    kite::KiteVenueHooks hooks;
    hooks.emit = [this](VenueEvent::Body b) {
      std::lock_guard lock(events_mu_);
      events_.push_back(std::move(b));
      events_cv_.notify_all();
    };
    hooks.status = [this](const std::string& cause, bool on, const std::string&) {
      std::lock_guard lock(events_mu_);
      statuses_.push_back(cause + (on ? " on" : " off"));
      events_cv_.notify_all();
    };
    hooks.refresh_token = [this]() -> std::optional<std::string> {
      std::lock_guard lock(events_mu_);
      ++refresh_asks_;
      return fresh_token_;
    };
    auto v = std::make_unique<kite::KiteVenue>(
        std::make_unique<kite::KiteRest>("http://127.0.0.1:" + std::to_string(server_.port()),
                                         "key", 2000ms),
        "tok0", rows_, kite::KiteVenueParams{}, std::move(hooks));
    v->start();
    return v;
  }

  // A LIMIT order far from the market, so it rests, in the lane of its `role`.
  PlaceRequest limit_order(const std::string& plan, LegRole role, Side side) {
    OrderSpec s;
    s.client_order_id = make_client_order_id(plan, role, 0);
    s.symbol = "NIFTY_F1";
    s.side = side;
    s.type = OrderType::Limit;
    s.qty = Qty{50};
    s.limit = Price::from_raw(*parse_fixed(side == Side::Buy ? "16500" : "17500"));
    return PlaceRequest{s, role == LegRole::Entry ? Lane::Entry : Lane::Exit};
  }

  template <class Pred>
  bool wait_until(Pred pred, std::chrono::milliseconds limit = 8000ms) {
    std::unique_lock lock(events_mu_);
    return events_cv_.wait_for(lock, limit, [&] { return pred(); });
  }
  template <class T>
  size_t count_events() const {  // caller holds events_mu_
    return static_cast<size_t>(std::count_if(events_.begin(), events_.end(), [](const auto& e) {
      return std::holds_alternative<T>(e);
    }));
  }

  // The venue's order book, in placement order, by tag.
  std::vector<std::string> venue_tags() {
    kite::SimRequest r;
    r.method = "GET";
    r.path = "/orders";
    r.authorization = "token key:" + token_in_use_;
    r.wall_ms = steady_now_ms();
    std::lock_guard lock(mu_);
    const json body = json::parse(exchange_.handle(r).body);
    std::vector<std::string> tags;
    for (const auto& o : body.at("data")) tags.push_back(o.value("tag", ""));
    return tags;
  }
  json stats() {
    std::lock_guard lock(mu_);
    return exchange_.stats();
  }
  void answer_with_429s(int count) {
    std::lock_guard lock(mu_);
    exchange_.faults().error_status = 429;
    exchange_.faults().error_count = count;
  }

  AppConfig cfg_;
  TradingCalendar cal_;
  ScaledClock clock_;
  std::mutex mu_;
  kite::KiteExchange exchange_;
  kite::KiteSimServer server_;
  std::map<std::string, kite::InstrumentRow> rows_;
  std::string token_in_use_ = "tok0";

  std::mutex events_mu_;
  std::condition_variable events_cv_;
  std::vector<VenueEvent::Body> events_;
  std::vector<std::string> statuses_;
  std::optional<std::string> fresh_token_;
  int refresh_asks_ = 0;
};

TEST_F(KiteVenueSim, AfterA429BurstExitsGoFirstAndTheAdapterBacksOff) {
  answer_with_429s(1000);
  auto venue = make_venue();
  venue->send(limit_order("PLANENTRY1", LegRole::Entry, Side::Buy));
  venue->send(limit_order("PLANENTRY2", LegRole::Entry, Side::Buy));
  const PlaceRequest exit = limit_order("PLANEXIT01", LegRole::TakeProfit, Side::Sell);
  venue->send(exit);
  std::this_thread::sleep_for(1500ms);
  // A second's pause after each 429: a couple of tries in 1.5 s, not a storm.
  const int64_t tried = stats()["requests"];
  EXPECT_GE(tried, 1);
  EXPECT_LE(tried, 4);
  EXPECT_EQ(venue->rate_limited(), tried);
  answer_with_429s(0);
  ASSERT_TRUE(wait_until([&] { return count_events<OrderAcked>() == 3; }));
  const auto tags = venue_tags();
  ASSERT_EQ(tags.size(), 3u);
  EXPECT_EQ(tags[0], exit.spec.client_order_id) << "the exit waited behind entries";
  venue->stop();
}

TEST_F(KiteVenueSim, ACancelWithdrawsAPlacementStillWaitingOutA429) {
  answer_with_429s(1000);
  auto venue = make_venue();
  const PlaceRequest entry = limit_order("PLANENTRY3", LegRole::Entry, Side::Buy);
  venue->send(entry);
  for (int i = 0; i < 50 && venue->rate_limited() == 0; ++i) std::this_thread::sleep_for(20ms);
  ASSERT_GE(venue->rate_limited(), 1);
  venue->send(CancelRequest{entry.spec.client_order_id});
  venue->send(CancelRequest{entry.spec.client_order_id});  // a repeat while queued adds nothing
  answer_with_429s(0);
  ASSERT_TRUE(wait_until([&] { return count_events<OrderCancelled>() == 1; }));
  std::this_thread::sleep_for(1500ms);  // past the pause: nothing else goes out for it
  EXPECT_TRUE(venue_tags().empty()) << "the withdrawn order reached the venue";
  std::lock_guard lock(events_mu_);
  EXPECT_EQ(count_events<OrderAcked>(), 0u);
  EXPECT_EQ(count_events<RequestRefused>(), 0u);
  EXPECT_EQ(count_events<OrderCancelled>(), 1u);
}

TEST_F(KiteVenueSim, AnExpiredTokenPausesUntilTheRefreshHookHasAFreshOne) {
  auto venue = make_venue();
  {
    std::lock_guard lock(mu_);
    exchange_.expire_tokens();
  }
  venue->send(limit_order("PLANENTRY4", LegRole::Entry, Side::Buy));
  ASSERT_TRUE(wait_until([&] { return !statuses_.empty(); }));
  EXPECT_EQ(statuses_.front(), "venue_token on");
  std::this_thread::sleep_for(2500ms);
  {
    // The hook is asked every 2 s and nothing is sent meanwhile: no retry storm.
    std::lock_guard lock(events_mu_);
    EXPECT_GE(refresh_asks_, 1);
    EXPECT_LE(refresh_asks_, 2);
    EXPECT_EQ(count_events<OrderAcked>(), 0u);
  }
  // The refused call plus one probe per round (the first round runs at once).
  EXPECT_LE(stats()["token_errors"].get<int64_t>(), 3);

  // A new login, as the operator's token job does it.
  std::string request_token;
  {
    std::lock_guard lock(mu_);
    request_token = exchange_.issue_request_token();
  }
  kite::SimRequest login;
  login.method = "POST";
  login.path = "/session/token";
  login.form = net::Form{{"api_key", "key"},
                         {"request_token", request_token},
                         {"checksum", sha256_hex("key" + request_token + "secret")}};
  login.wall_ms = steady_now_ms();
  {
    std::lock_guard lock(mu_);
    token_in_use_ = json::parse(exchange_.handle(login).body)["data"]["access_token"];
  }
  {
    std::lock_guard lock(events_mu_);
    fresh_token_ = token_in_use_;
  }
  ASSERT_TRUE(wait_until([&] { return count_events<OrderAcked>() == 1; }));
  {
    std::lock_guard lock(events_mu_);
    EXPECT_EQ(statuses_.back(), "venue_token off");
  }
  {
    std::lock_guard lock(events_mu_);
    EXPECT_EQ(venue->token_refreshes(), refresh_asks_);
    EXPECT_LE(refresh_asks_, 3);
  }
  EXPECT_EQ(venue->access_token(), token_in_use_);
  EXPECT_EQ(venue_tags().size(), 1u);
}

TEST(KiteTag, OneToTwentyLettersAndDigitsAndEveryEngineIdIsOne) {
  EXPECT_TRUE(kite::is_valid_tag("a"));
  EXPECT_TRUE(kite::is_valid_tag("ABCDEFGHIJ0123456789"));
  EXPECT_FALSE(kite::is_valid_tag(""));
  EXPECT_FALSE(kite::is_valid_tag("ABCDEFGHIJ01234567890"));
  EXPECT_FALSE(kite::is_valid_tag("AT-1"));
  EXPECT_FALSE(kite::is_valid_tag("AT 1"));
  const std::string plan = make_plan_id("2022-04-01", "breakout", "NIFTY_F1", 0, Side::Buy);
  for (int attempt : {0, 1, kMaxOrderAttempt})
    EXPECT_TRUE(kite::is_valid_tag(make_client_order_id(plan, LegRole::StopLoss, attempt)));
}

}  // namespace
}  // namespace aitrapp
