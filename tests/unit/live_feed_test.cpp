// The live channels (/ws) of the operator API over loopback, with no Redis anywhere: a client
// gets the snapshot, then every event in order with no gap even while events keep coming; a
// client that stops reading is dropped while the publisher never waits; an upgrade from a foreign
// page (Origin) or for a foreign Host is refused.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <condition_variable>
#include <thread>

#include "../support/recording_port.hpp"
#include "../support/ws_upgrade.hpp"
#include "net/http_server.hpp"
#include "ops/api.hpp"
#include "ops/live_feed.hpp"

namespace aitrapp::ops {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using nlohmann::json;
using support::RecordingPort;

class LiveChannel : public ::testing::Test {
 protected:
  LiveChannel()
      : api_(port_, "test-token-0123456789abcdef"),
        server_("127.0.0.1", 0, [this](const net::HttpRequest& r) { return api_.handle(r); }, 2,
                {{"/ws", api_.live_route(feed_)}}) {
    server_.start();
  }
  std::string host() const { return "127.0.0.1:" + std::to_string(server_.port()); }

  struct Client {
    asio::io_context ioc;
    websocket::stream<tcp::socket> ws{ioc};
    json read() {
      beast::flat_buffer b;
      ws.read(b);
      return json::parse(beast::buffers_to_string(b.data()));
    }
  };
  std::unique_ptr<Client> connect() {
    auto c = std::make_unique<Client>();
    c->ws.next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_.port()));
    const std::string origin = "http://" + host();
    c->ws.set_option(websocket::stream_base::decorator(
        [origin](websocket::request_type& req) { req.set(http::field::origin, origin); }));
    c->ws.handshake(host(), "/ws");
    return c;
  }
  int upgrade_status(const std::string& host, const std::string& origin) {
    return support::ws_upgrade_status(server_.port(), host, "/ws", origin);
  }

  LiveFeed feed_{3};  // three recent events per channel in a snapshot
  RecordingPort port_;
  ControlApi api_;
  net::HttpServer server_;  // last: it stops before the feed and the API go
};

TEST_F(LiveChannel, TheSnapshotHoldsTheStateAndTheRecentEventsThenEveryEventFollowsInOrder) {
  feed_.publish_state(json{{"mode", "PAPER"}, {"heat", 12.5}});
  for (int i = 0; i < 5; ++i) feed_.publish("orders", json{{"n", i}}.dump());
  feed_.publish("risk", R"({"kind":"BLOCK"})");
  feed_.publish("events", "not json");  // quoted, not passed through
  auto c = connect();
  const json snap = c->read();
  ASSERT_EQ(snap["type"], "snapshot");
  EXPECT_EQ(snap["seq"], 7);
  EXPECT_EQ(snap["state"]["mode"], "PAPER");
  ASSERT_EQ(snap["recent"]["orders"].size(), 3u);  // the newest three
  EXPECT_EQ(snap["recent"]["orders"][0]["data"]["n"], 2);
  EXPECT_EQ(snap["recent"]["orders"][2]["seq"], 5);
  EXPECT_EQ(snap["recent"]["risk"][0]["data"]["kind"], "BLOCK");
  EXPECT_EQ(snap["recent"]["events"][0]["data"], "not json");
  EXPECT_TRUE(snap["recent"]["signals"].empty());
  feed_.publish("decisions", R"({"plan_id":"P1"})");
  feed_.publish_state(json{{"mode", "LIVE"}});
  const json ev = c->read();
  EXPECT_EQ(ev["type"], "event");
  EXPECT_EQ(ev["channel"], "decisions");
  EXPECT_EQ(ev["seq"], 8);
  EXPECT_EQ(ev["data"]["plan_id"], "P1");
  const json st = c->read();
  EXPECT_EQ(st["type"], "state");
  EXPECT_EQ(st["seq"], 8);
  EXPECT_EQ(st["state"]["mode"], "LIVE");
  EXPECT_EQ(feed_.stats().published.at("orders"), 5);
}

TEST_F(LiveChannel, AClientJoiningMidStreamMissesNothingAndSeesNothingTwice) {
  // A steady stream (about 1,000 events a second or more, like a busy day), fewer events than a
  // client's queue holds, so the client under test is never the one that falls behind.
  constexpr int kTotal = 1000;
  std::atomic<int> published{0};
  std::thread engine([&] {
    for (int n = 0; n < kTotal; ++n) {
      feed_.publish("orders", json{{"n", n}}.dump());
      published = n + 1;
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  });
  struct Join {
    std::thread& t;
    ~Join() { t.join(); }
  } join{engine};
  while (published < 100) std::this_thread::yield();
  auto c = connect();
  const json snap = c->read();
  int64_t seq = snap["seq"];
  ASSERT_GE(seq, 100);
  ASSERT_FALSE(snap["recent"]["orders"].empty());
  EXPECT_EQ(snap["recent"]["orders"].back()["seq"], seq);  // the snapshot runs up to its seq
  EXPECT_LT(seq, kTotal) << "the stream ended before the client joined: nothing was tested";
  while (seq < kTotal) {
    const json ev = c->read();
    ASSERT_EQ(ev["seq"], seq + 1) << "a gap or a repeat after " << seq;
    ASSERT_EQ(ev["data"]["n"], seq);  // the n-th publication has seq n + 1
    seq = ev["seq"];
  }
}

TEST_F(LiveChannel, AClientThatStopsReadingIsDroppedAndThePublisherNeverWaits) {
  auto slow = connect();  // never reads
  auto fast = connect();
  ASSERT_EQ(slow->read()["type"], "snapshot");  // read its snapshot, then nothing more
  ASSERT_EQ(fast->read()["type"], "snapshot");
  const std::string payload = json{{"pad", std::string(4096, 'x')}}.dump();
  std::mutex mu;
  std::condition_variable cv;
  int64_t got = 0;
  std::thread reader([&] {
    for (int i = 0; i < 10'000; ++i) {
      fast->read();
      std::lock_guard lk(mu);
      ++got;
      cv.notify_all();
    }
  });
  // 40 MB offered: more than the socket buffers and the slow client's queue bound hold.
  for (int i = 1; i <= 10'000; ++i) {
    feed_.publish("events", payload);
    if (i % 256 == 0) {  // only to keep the fast client within its own bound
      std::unique_lock lk(mu);
      ASSERT_TRUE(cv.wait_for(lk, std::chrono::seconds(20), [&] { return got >= i; }));
    }
  }
  EXPECT_EQ(feed_.clients(), 1u);
  EXPECT_EQ(feed_.stats().dropped, 1);
  {
    std::unique_lock lk(mu);
    EXPECT_TRUE(cv.wait_for(lk, std::chrono::seconds(20), [&] { return got == 10'000; }));
  }
  reader.join();
}

TEST_F(LiveChannel, AnUpgradeFromAnotherPageOrForAnotherHostIsRefused) {
  EXPECT_EQ(upgrade_status(host(), "http://evil.example"), 403);
  EXPECT_EQ(upgrade_status(host(), "http://" + host() + ".evil.example"), 403);
  EXPECT_EQ(upgrade_status("evil.example:80", "http://evil.example:80"), 421);
  EXPECT_EQ(feed_.clients(), 0u);  // a refused upgrade never reaches the feed
  EXPECT_EQ(upgrade_status(host(), "http://" + host()), 101);
  EXPECT_EQ(upgrade_status(host(), ""), 101);  // not a browser: no page to forge a request
}

}  // namespace
}  // namespace aitrapp::ops
