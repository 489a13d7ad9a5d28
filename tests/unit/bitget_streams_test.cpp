// The Bitget simulator's streams over a real socket (net::WsClient against BitgetSimServer on
// loopback): text ping answered pong, subscriptions echoed with their arg, the refusals (a
// private channel without login or on the public path, an unknown contract), a failed login and
// an idle or flooding client disconnected, and the drop fault refusing upgrades for a while.
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "../support/bitget_exchange_fixture.hpp"
#include "net/ws_client.hpp"
#include "venue/bitget_sim/bitget_sim_server.hpp"

namespace aitrapp::bitget {
namespace {

class BitgetStreamsTest : public ::testing::Test {
 protected:
  BitgetStreamsTest()
      : ex_(btc_instruments(), Money::from_units(10000), account_, clock_),
        server_(ex_, mu_, clock_, "127.0.0.1", 0, BitgetStreamRules{600, 10}) {
    ex_.on_tick(btc_tick(clock_.now(), "46319.0", 0));
    ex_.take_pushes();
    server_.start();
  }
  // A client on `path` that sends `opening` after each upgrade and records what comes back.
  struct Client {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<std::string> frames;
    int opens = 0, closes = 0;
    std::unique_ptr<net::WsClient> ws;

    bool wait(const std::function<bool()>& done, int ms = 5000) {
      std::unique_lock lk(mu);
      return cv.wait_for(lk, std::chrono::milliseconds(ms), done);
    }
    bool saw(const std::string& part) {
      return std::any_of(frames.begin(), frames.end(),
                         [&](const std::string& f) { return f.find(part) != std::string::npos; });
    }
  };
  std::unique_ptr<Client> connect(const std::string& path, std::vector<std::string> opening) {
    auto c = std::make_unique<Client>();
    net::WsClientOptions o("ws://127.0.0.1:" + std::to_string(server_.port()) + path, "test");
    o.silence = std::chrono::milliseconds(10'000);
    o.backoff_min = std::chrono::milliseconds(100);
    o.backoff_max = std::chrono::milliseconds(200);
    Client* raw = c.get();
    net::WsCallbacks cb;
    cb.upgrade = [] { return net::WsUpgrade{}; };
    cb.on_open = [opening] { return opening; };
    cb.on_frame = [raw](std::string_view f, bool) {
      std::lock_guard lk(raw->mu);
      raw->frames.emplace_back(f);
      raw->cv.notify_all();
    };
    cb.on_connection = [raw](bool up, const std::string&) {
      std::lock_guard lk(raw->mu);
      (up ? raw->opens : raw->closes) += 1;
      raw->cv.notify_all();
    };
    c->ws = std::make_unique<net::WsClient>(o, cb);
    c->ws->start();
    return c;
  }
  static std::string subscribe(const std::string& channel, const std::string& inst) {
    return json{
        {"op", "subscribe"},
        {"args",
         json::array({{{"instType", "USDT-FUTURES"}, {"channel", channel}, {"instId", inst}}})}}
        .dump();
  }
  void publish_tick(const std::string& last) {
    std::vector<BitgetExchange::WsPush> pushes;
    {
      std::lock_guard lock(mu_);
      clock_.advance_to(clock_.now() + 1000);
      ex_.on_tick(btc_tick(clock_.now(), last, 3));
      pushes = ex_.take_pushes();
    }
    server_.publish(pushes);
  }

  SimClock clock_{1'640'995'200'000};
  Credentials account_{"k", "s", "p"};
  std::mutex mu_;
  BitgetExchange ex_;
  BitgetSimServer server_;
};

TEST_F(BitgetStreamsTest, PingPongAndAPublicSubscriptionEchoesItsArg) {
  auto c = connect("/v2/ws/public",
                   {"ping", subscribe("books5", "BTCUSDT"), subscribe("trade", "ETHUSDT")});
  ASSERT_TRUE(c->wait([&] { return c->frames.size() >= 3; })) << c->frames.size();
  EXPECT_EQ(c->frames[0], "pong");
  EXPECT_EQ(json::parse(c->frames[1])["event"], "subscribe");
  EXPECT_EQ(json::parse(c->frames[2])["code"], kWsParameterError) << c->frames[2];
  publish_tick("46320.0");
  ASSERT_TRUE(c->wait([&] { return c->saw("\"action\""); }));
  json push;
  for (const auto& f : c->frames)
    if (f.find("\"action\"") != std::string::npos) push = json::parse(f);
  EXPECT_EQ(push["arg"],
            json({{"instType", "USDT-FUTURES"}, {"channel", "books5"}, {"instId", "BTCUSDT"}}));
  EXPECT_EQ(push["action"], "snapshot");
  EXPECT_EQ(push["data"][0]["bids"][0][0], "46319.9");
  EXPECT_FALSE(std::any_of(c->frames.begin(), c->frames.end(), [](const std::string& f) {
    return f.find("\"action\"") != std::string::npos && f.find("\"trade\"") != std::string::npos;
  })) << "nothing for the refused subscription";
}

TEST_F(BitgetStreamsTest, PrivateChannelsNeedTheLoginOnThePrivatePath) {
  auto pub = connect("/v2/ws/public", {subscribe("orders", "default")});
  ASSERT_TRUE(pub->wait([&] { return !pub->frames.empty(); }));
  EXPECT_EQ(json::parse(pub->frames[0])["code"], kWsChannelUnknown);
  auto anon = connect("/v2/ws/private", {subscribe("orders", "default")});
  ASSERT_TRUE(anon->wait([&] { return !anon->frames.empty(); }));
  EXPECT_EQ(json::parse(anon->frames[0])["code"], kWsNeedsLogin);
  auto in = connect("/v2/ws/private", {login_message(account_, clock_.now()).dump(),
                                       subscribe("positions", "default")});
  ASSERT_TRUE(in->wait([&] { return in->frames.size() >= 3; }));
  EXPECT_EQ(json::parse(in->frames[0])["event"], "login");
  EXPECT_EQ(json::parse(in->frames[1])["event"], "subscribe");
  EXPECT_EQ(json::parse(in->frames[2])["data"], json::array()) << "flat: an empty set";
  EXPECT_EQ(server_.stats()["logged_in"], 1);
}

TEST_F(BitgetStreamsTest, AFailedLoginAFloodAndSilenceCloseTheConnection) {
  Credentials wrong = account_;
  wrong.secret = "not-it";
  auto bad = connect("/v2/ws/private", {login_message(wrong, clock_.now()).dump()});
  ASSERT_TRUE(bad->wait([&] { return bad->closes >= 1; }));
  EXPECT_TRUE(bad->saw(std::to_string(kWsInvalidSign)));
  bad->ws->stop();
  auto flood = connect("/v2/ws/public", std::vector<std::string>(11, "ping"));
  // Closed at the eleventh message within a second (the error event before the close may be
  // cut off with the replies still queued, as a hard close does).
  ASSERT_TRUE(flood->wait([&] { return flood->closes >= 1; }));
  flood->ws->stop();
  // Subscribed, then silent: it keeps receiving pushes but sends nothing, not even ping.
  auto quiet = connect("/v2/ws/public", {subscribe("ticker", "BTCUSDT")});
  bool closed = false;
  for (int i = 0; i < 40 && !closed; ++i) {
    publish_tick(i % 2 ? "46320.0" : "46321.0");
    closed = quiet->wait([&] { return quiet->closes >= 1; }, 100);
  }
  ASSERT_TRUE(closed) << "closed 0.6 s after its last message";
  quiet->ws->stop();
  EXPECT_GE(server_.stats()["closed_idle"].get<int64_t>(), 1);
  EXPECT_GE(server_.stats()["closed_rate"].get<int64_t>(), 1);
}

TEST_F(BitgetStreamsTest, TheDropFaultClosesAndRefusesForAWhile) {
  auto c = connect("/v2/ws/public", {"ping"});
  ASSERT_TRUE(c->wait([&] { return c->opens >= 1 && !c->frames.empty(); }));
  server_.drop_websockets(400);
  ASSERT_TRUE(c->wait([&] { return c->closes >= 1; }));
  ASSERT_TRUE(c->wait([&] { return c->opens >= 2; })) << "back after the refusal";
  EXPECT_GE(c->ws->reconnects(), 1);
}

}  // namespace
}  // namespace aitrapp::bitget
