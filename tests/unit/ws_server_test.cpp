// WebSocket routes on net::HttpServer, driven by a real Beast client over loopback: the route
// decides each upgrade (an Origin check here), a session's frames arrive in the order sent, a
// client that stops reading is dropped instead of holding the sender, and plain HTTP keeps
// working on the same port.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "../support/ws_upgrade.hpp"
#include "net/http_server.hpp"

using namespace aitrapp;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

const std::string kOrigin = "http://127.0.0.1:3000";

// The server side: every open session, and why each one closed.
struct Sessions {
  std::mutex mu;
  std::condition_variable cv;
  // Weak: a session must not outlive its server (its socket belongs to the server's io_context).
  std::vector<std::weak_ptr<net::WsSession>> open;
  std::vector<std::string> closed;
  std::vector<std::string> heard;

  template <class Pred>
  bool wait(Pred p) {
    std::unique_lock lk(mu);
    return cv.wait_for(lk, std::chrono::seconds(20), p);
  }
};

net::WsRoute route(Sessions& s, net::WsSessionOptions options = {}) {
  net::WsRoute r;
  r.admit = [](const net::HttpRequest& req) -> std::optional<net::HttpResponse> {
    if (req.origin == kOrigin) return std::nullopt;
    net::HttpResponse no;
    no.status = 403;
    no.body = "{\"error\":\"origin '" + req.origin + "' is not the dashboard's\"}";
    return no;
  };
  r.callbacks = [&s](const net::HttpRequest&) {
    net::WsSession::Callbacks cb;
    cb.on_open = [&s](net::WsSession& ws) {
      ws.send("snapshot");  // before anything else the session is sent
      std::lock_guard lk(s.mu);
      s.open.push_back(ws.shared_from_this());
      s.cv.notify_all();
    };
    cb.on_message = [&s](net::WsSession&, std::string_view m, bool) {
      std::lock_guard lk(s.mu);
      s.heard.emplace_back(m);
      s.cv.notify_all();
    };
    cb.on_close = [&s](net::WsSession&, const std::string& why) {
      std::lock_guard lk(s.mu);
      s.closed.push_back(why);
      s.cv.notify_all();
    };
    return cb;
  };
  r.options = std::move(options);
  return r;
}

net::HttpResponse hello(const net::HttpRequest&) {
  net::HttpResponse r;
  r.body = "{\"hello\":true}";
  return r;
}

struct Client {
  asio::io_context ioc;
  websocket::stream<tcp::socket> ws{ioc};
  void connect(uint16_t port, const std::string& path, const std::string& origin) {
    ws.next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    ws.set_option(websocket::stream_base::decorator(
        [origin](websocket::request_type& req) { req.set(http::field::origin, origin); }));
    ws.handshake("127.0.0.1:" + std::to_string(port), path);
  }
  std::string read() {
    beast::flat_buffer b;
    ws.read(b);
    return beast::buffers_to_string(b.data());
  }
};

}  // namespace

TEST(WsServer, ASessionGetsItsSnapshotThenEveryFrameInOrder) {
  Sessions s;
  net::HttpServer server("127.0.0.1", 0, hello, 2, {{"/ws", route(s)}});
  server.start();
  Client c;
  c.connect(server.port(), "/ws", kOrigin);
  ASSERT_TRUE(s.wait([&] { return s.open.size() == 1; }));
  auto session = s.open[0].lock();
  for (int i = 0; i < 500; ++i) ASSERT_TRUE(session->send("event " + std::to_string(i)));
  EXPECT_EQ(c.read(), "snapshot");
  for (int i = 0; i < 500; ++i) ASSERT_EQ(c.read(), "event " + std::to_string(i));
  c.ws.write(asio::buffer(std::string("subscribe")));
  ASSERT_TRUE(s.wait([&] { return s.heard.size() == 1; }));
  EXPECT_EQ(s.heard[0], "subscribe");
  c.ws.close(websocket::close_code::normal);
  ASSERT_TRUE(s.wait([&] { return s.closed.size() == 1; }));
  EXPECT_EQ(s.closed[0], "closed by the client");
  EXPECT_FALSE(session->send("after the close"));
  session.reset();
}

TEST(WsServer, AForeignOriginOrAnUnknownPathIsRefusedBeforeTheUpgrade) {
  Sessions s;
  net::HttpServer server("127.0.0.1", 0, hello, 2, {{"/ws", route(s)}});
  server.start();
  auto status = [&](const std::string& path, const std::string& origin) {
    return support::ws_upgrade_status(server.port(), "127.0.0.1", path, origin);
  };
  EXPECT_EQ(status("/ws", "http://evil.example"), 403);
  EXPECT_EQ(status("/ws", ""), 403);
  EXPECT_EQ(status("/elsewhere", kOrigin), 404);
  EXPECT_EQ(status("/ws", kOrigin), 101);  // the same request, admitted
  ASSERT_TRUE(s.wait([&] { return s.open.size() == 1; }));
  s.open.clear();
}

TEST(WsServer, PlainHttpStillAnswersOnTheSamePort) {
  Sessions s;
  net::HttpServer server("127.0.0.1", 0, hello, 2, {{"/ws", route(s)}});
  server.start();
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
  http::request<http::string_body> req{http::verb::get, "/ws", 11};
  req.set(http::field::host, "127.0.0.1");
  http::write(stream, req);
  beast::flat_buffer b;
  http::response<http::string_body> res;
  http::read(stream, b, res);
  EXPECT_EQ(res.result_int(), 200);  // no upgrade asked: the ordinary handler answers
  EXPECT_EQ(res.body(), "{\"hello\":true}");
}

TEST(WsServer, AClientThatStopsReadingIsDroppedAndTheSenderNeverWaits) {
  Sessions s;
  net::WsSessionOptions small;
  small.max_queued_frames = 64;
  small.max_queued_bytes = 256 * 1024;
  net::HttpServer server("127.0.0.1", 0, hello, 2, {{"/ws", route(s, small)}});
  server.start();
  Client slow;  // never reads after the handshake
  slow.connect(server.port(), "/ws", kOrigin);
  ASSERT_TRUE(s.wait([&] { return s.open.size() == 1; }));
  Client fast;
  fast.connect(server.port(), "/ws", kOrigin);
  ASSERT_TRUE(s.wait([&] { return s.open.size() == 2; }));
  auto slow_session = s.open[0].lock();
  auto fast_session = s.open[1].lock();
  const std::string frame(16 * 1024, 'x');
  std::atomic<int> got{0};
  std::thread reader([&] {  // the fast client reads everything, in order
    try {
      EXPECT_EQ(fast.read(), "snapshot");
      for (;;) {
        if (fast.read() != frame) ADD_FAILURE() << "frame out of order";
        std::lock_guard lk(s.mu);
        ++got;
        s.cv.notify_all();
      }
    } catch (const std::exception&) {  // closed at the end of the test
    }
  });
  // 16 MiB offered to each client: far more than the socket buffers and the slow one's bound
  // hold. send() only queues, so the loop ends whatever the slow client does; it waits for the
  // fast one only to keep the fast one within its own bound.
  int refused = 0, sent = 0;
  for (int i = 0; i < 1024; ++i) {
    refused += slow_session->send(frame) ? 0 : 1;
    ASSERT_TRUE(fast_session->send(frame));
    if (++sent % 4 == 0) {
      ASSERT_TRUE(s.wait([&] { return got.load() >= sent; }));
    }
  }
  ASSERT_TRUE(s.wait([&] { return got.load() == sent; }));
  fast_session->close();  // the reader's next read fails
  reader.join();
  EXPECT_GT(refused, 0);
  ASSERT_TRUE(s.wait([&] { return s.closed.size() == 2; }));
  EXPECT_NE(s.closed[0].find("dropped: the client fell behind"), std::string::npos) << s.closed[0];
  EXPECT_EQ(s.closed[1], "closed by the server");  // the fast one, only when the test ends
  EXPECT_FALSE(slow_session->open());
  slow_session.reset();
  fast_session.reset();
}
