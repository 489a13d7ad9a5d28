// What the dashboard's live feed costs the engine thread: one LiveFeed::publish of an order
// event (about 400 bytes, as the bus carries it) with 0, 1 and 4 WebSocket clients attached over
// loopback, each read by its own thread, in one run. The publishes are paced (50 us apart,
// outside the timed region: 20,000 a second, far busier than a trading day) so that reading
// clients keep up on two cores; `clients_left` says whether any was dropped anyway.
#include <benchmark/benchmark.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <memory>
#include <thread>
#include <vector>

#include "bench/bench_util.hpp"
#include "net/http_server.hpp"
#include "ops/live_feed.hpp"

namespace aitrapp::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

const std::string kOrder =
    R"({"type":"order","client_order_id":"ATK3F0Q9Z1WAE00","venue_order_id":"220401000123456",)"
    R"("plan_id":"K3F0Q9Z1WA","role":"ENTRY","symbol":"NIFTY_F1","side":"BUY","type":"LIMIT",)"
    R"("qty":50,"filled":0,"limit":"17540.40","trigger":"0.00","status":"WORKING","reason":"",)"
    R"("created":"2022-04-01T09:47:00.000+05:30","config_sha":"5c1e0a9d3f6b27e48a1c"})";

// A client that reads until its connection ends.
struct Reader {
  asio::io_context ioc;
  websocket::stream<tcp::socket> ws{ioc};
  std::thread thread;
  std::atomic<int64_t> frames{0};
  explicit Reader(uint16_t port) {
    ws.next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    ws.handshake("127.0.0.1:" + std::to_string(port), "/ws");
    thread = std::thread([this] {
      try {
        for (;;) {
          beast::flat_buffer b;
          ws.read(b);
          ++frames;
        }
      } catch (const std::exception&) {  // the server stopped
      }
    });
  }
};

void BM_LiveFeedPublish(benchmark::State& st) {
  const int clients = static_cast<int>(st.range(0));
  ops::LiveFeed feed;
  net::WsRoute route;
  route.callbacks = [&feed](const net::HttpRequest&) {
    net::WsSession::Callbacks cb;
    cb.on_open = [&feed](net::WsSession& ws) { feed.attach(ws.shared_from_this()); };
    return cb;
  };
  auto server = std::make_unique<net::HttpServer>(
      "127.0.0.1", 0, [](const net::HttpRequest&) { return net::HttpResponse{}; }, 2,
      std::map<std::string, net::WsRoute>{{"/ws", route}});
  server->start();
  std::vector<std::unique_ptr<Reader>> readers;
  for (int i = 0; i < clients; ++i) readers.push_back(std::make_unique<Reader>(server->port()));
  while (feed.clients() < static_cast<size_t>(clients)) std::this_thread::yield();
  std::vector<uint32_t> ns;
  for (auto _ : st) {
    std::string payload = kOrder;
    const int64_t t0 = now_ns();
    feed.publish("orders", std::move(payload));
    const int64_t t1 = now_ns();
    st.SetIterationTime(static_cast<double>(t1 - t0) / 1e9);
    ns.push_back(static_cast<uint32_t>(t1 - t0));
    const int64_t until = t1 + 50'000;
    while (now_ns() < until) {
    }
  }
  st.counters["p50_ns"] = quantile(ns, 0.5);
  st.counters["p99_ns"] = quantile(ns, 0.99);
  st.counters["clients_left"] = static_cast<double>(feed.stats().dropped);
  server.reset();  // closes the readers' connections: their threads end
  for (auto& r : readers) r->thread.join();
}

}  // namespace

// One registration per variant: the summary table keys rows by name.
#define AITRAPP_LIVE_FEED_BENCH(clients)              \
  BENCHMARK(BM_LiveFeedPublish)                       \
      ->Name("7_live_feed/publish/clients_" #clients) \
      ->Arg(clients)                                  \
      ->UseManualTime()                               \
      ->Iterations(10'000)
AITRAPP_LIVE_FEED_BENCH(0);
AITRAPP_LIVE_FEED_BENCH(1);
AITRAPP_LIVE_FEED_BENCH(4);

}  // namespace aitrapp::bench
