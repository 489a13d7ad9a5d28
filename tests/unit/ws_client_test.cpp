// net::WsClient against a real WebSocket server on loopback (Boost.Beast, in this test): the
// upgrade is built afresh at every connect, the opening messages are sent again after a drop, and
// a silent connection is given up and replaced.
#include "net/ws_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>

using namespace aitrapp;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

// What the server saw on one connection.
struct Seen {
  std::string target, test_header;
  std::vector<std::string> messages;
};

// Accepts connections one at a time; `script(i, ws)` runs each after the upgrade and the first
// `expect` messages have been read. Returning closes that connection.
class ScriptedServer {
 public:
  using Script = std::function<void(int, websocket::stream<tcp::socket>&)>;
  ScriptedServer(size_t expect, Script script)
      : acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        expect_(expect),
        script_(std::move(script)) {
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedServer() {
    stopping_ = true;
    // A blocked accept() does not wake when another thread closes the socket: connect once.
    asio::io_context ioc;
    tcp::socket wake(ioc);
    beast::error_code ec;
    wake.connect(acceptor_.local_endpoint(), ec);
    thread_.join();
  }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }

  // Waits until `n` connections have delivered their opening messages.
  std::vector<Seen> wait_for(size_t n) {
    std::unique_lock lk(mu_);
    cv_.wait_for(lk, std::chrono::seconds(20), [&] { return seen_.size() >= n; });
    return seen_;
  }

 private:
  void serve() {
    for (int i = 0; !stopping_; ++i) {
      tcp::socket sock(ioc_);
      beast::error_code ec;
      acceptor_.accept(sock, ec);
      if (ec || stopping_) return;
      try {
        websocket::stream<tcp::socket> ws(std::move(sock));
        beast::flat_buffer buf;
        http::request<http::string_body> req;
        http::read(ws.next_layer(), buf, req);
        ws.accept(req);
        Seen s{std::string(req.target()), std::string(req["X-Test"]), {}};
        for (size_t m = 0; m < expect_; ++m) {
          beast::flat_buffer msg;
          ws.read(msg);
          s.messages.push_back(beast::buffers_to_string(msg.data()));
        }
        {
          std::lock_guard lk(mu_);
          seen_.push_back(s);
        }
        cv_.notify_all();
        script_(i, ws);
      } catch (const std::exception&) {
        // the client went away: take the next connection
      }
    }
  }

  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  size_t expect_;
  Script script_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Seen> seen_;
  std::thread thread_;
};

// What the client heard, in order.
struct Heard {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> frames, connection;
  void add(std::vector<std::string>& to, std::string s) {
    {
      std::lock_guard lk(mu);
      to.push_back(std::move(s));
    }
    cv.notify_all();
  }
  bool wait(const std::vector<std::string>& of, size_t n) {
    std::unique_lock lk(mu);
    return cv.wait_for(lk, std::chrono::seconds(20), [&] { return of.size() >= n; });
  }
};

net::WsCallbacks callbacks(Heard& heard, std::atomic<int>& upgrades) {
  net::WsCallbacks cb;
  cb.upgrade = [&upgrades] {
    return net::WsUpgrade{"token=" + std::to_string(++upgrades), {{"X-Test", "yes"}}};
  };
  cb.on_open = [] { return std::vector<std::string>{"sub-a", "sub-b"}; };
  cb.on_frame = [&heard](std::string_view f, bool binary) {
    heard.add(heard.frames, (binary ? "bin:" : "text:") + std::string(f));
  };
  cb.on_connection = [&heard](bool up, const std::string& why) {
    heard.add(heard.connection, (up ? "up:" : "down:") + why);
  };
  return cb;
}

}  // namespace

TEST(WsClient, EveryConnectAsksForAFreshUpgradeAndSendsTheOpeningMessagesAgain) {
  ScriptedServer server(2, [](int i, websocket::stream<tcp::socket>& ws) {
    if (i == 0) {
      ws.binary(true);
      ws.write(asio::buffer(std::string("\x01\x02", 2)));
      ws.text(true);
      ws.write(asio::buffer(std::string("hello")));
      ws.close(websocket::close_code::going_away);  // the venue drops us
      return;
    }
    ws.text(true);
    ws.write(asio::buffer(std::string("again")));
    beast::flat_buffer b;
    beast::error_code ec;
    ws.read(b, ec);  // until the client stops
  });
  Heard heard;
  std::atomic<int> upgrades{0};
  net::WsClientOptions opt{"ws://127.0.0.1:" + std::to_string(server.port()) + "/feed",
                           "--test-ws"};
  opt.backoff_min = std::chrono::milliseconds(20);
  net::WsClient client(opt, callbacks(heard, upgrades));
  client.start();
  const auto seen = server.wait_for(2);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].target, "/feed?token=1");
  EXPECT_EQ(seen[1].target, "/feed?token=2");
  for (const auto& s : seen) {
    EXPECT_EQ(s.test_header, "yes");
    EXPECT_EQ(s.messages, (std::vector<std::string>{"sub-a", "sub-b"}));
  }
  ASSERT_TRUE(heard.wait(heard.frames, 3));
  client.stop();
  EXPECT_EQ(heard.frames, (std::vector<std::string>{"bin:\x01\x02", "text:hello", "text:again"}));
  ASSERT_GE(heard.connection.size(), 3u);
  EXPECT_EQ(heard.connection[0], "up:connected");
  EXPECT_EQ(heard.connection[1].rfind("down:read: ", 0), 0u) << heard.connection[1];
  EXPECT_EQ(heard.connection[2], "up:connected");
  EXPECT_EQ(client.reconnects(), 1);
  EXPECT_GT(client.last_frame_ms(), 0);
}

TEST(WsClient, AConnectionSilentForTooLongIsReplaced) {
  ScriptedServer server(2, [](int, websocket::stream<tcp::socket>& ws) {
    beast::flat_buffer b;
    beast::error_code ec;
    ws.read(b, ec);  // says nothing; returns when the client gives up on it
  });
  Heard heard;
  std::atomic<int> upgrades{0};
  net::WsClientOptions opt{"ws://127.0.0.1:" + std::to_string(server.port()), "--test-ws"};
  opt.silence = std::chrono::milliseconds(300);
  opt.backoff_min = std::chrono::milliseconds(20);
  net::WsClient client(opt, callbacks(heard, upgrades));
  client.start();
  const auto seen = server.wait_for(2);
  ASSERT_TRUE(heard.wait(heard.connection, 2));
  client.stop();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].target, "/?token=1");  // no path in the URL: the root
  EXPECT_EQ(heard.connection[1], "down:no frame for 300 ms");
  EXPECT_GE(client.reconnects(), 1);
}

TEST(WsClient, AUrlThatIsNotAWebSocketUrlIsRefusedNamingTheOption) {
  try {
    net::WsClient c({"http://127.0.0.1:1", "--kite-ws"}, {});
    FAIL() << "accepted an http:// URL";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("--kite-ws 'http://127.0.0.1:1' must start with ws://"),
              std::string::npos)
        << e.what();
  }
}
