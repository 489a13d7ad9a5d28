// The Kite simulator against bytes no client should send: it answers with Kite's error envelope
// (or a ticker error message) and keeps serving. Each of these once aborted the process.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "app/config.hpp"
#include "core/scaled_clock.hpp"
#include "venue/kite_sim/kite_sim_server.hpp"

namespace aitrapp {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = boost::asio::ip::tcp;
using nlohmann::json;

class KiteSimInput : public ::testing::Test {
 protected:
  KiteSimInput()
      : cfg_(parse_config(embedded_default_config(), "embedded").value()),
        cal_(cfg_.engine.timezone, cfg_.engine.session),
        clock_(cal_.local_to_utc(20220401, 10 * 60), 1.0, ScaledClock::wall_now_ms()),
        exchange_(cfg_.engine.instruments, cfg_.engine.limits.capital, {"k", "s", "t"}, cal_,
                  clock_, 6 * 60),
        server_(exchange_, mu_, "127.0.0.1", 0) {
    server_.start();
  }

  struct Reply {
    int status = 0;
    json body;
  };
  Reply post(const std::string& target, const std::string& body,
             const std::string& extra_header = "") {
    boost::asio::io_context ioc;
    tcp::socket sock(ioc);
    sock.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), server_.port()));
    http::request<http::string_body> req(http::verb::post, target, 11);
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::authorization, "token k:t");
    req.set(http::field::content_type, "application/x-www-form-urlencoded");
    if (!extra_header.empty()) req.set("X-Padding", extra_header);
    req.body() = body;
    req.prepare_payload();
    beast::error_code ec;
    http::write(sock, req, ec);  // a server may answer before reading all of a huge body
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(sock, buf, res, ec);
    if (ec) return {};
    return {static_cast<int>(res.result_int()), json::parse(res.body(), nullptr, false)};
  }
  const std::string order_ =
      "exchange=NFO&tradingsymbol=NIFTY_F1&transaction_type=BUY&quantity=50&product=NRML&"
      "order_type=MARKET&validity=";

  AppConfig cfg_;
  TradingCalendar cal_;
  ScaledClock clock_;
  std::mutex mu_;
  kite::KiteExchange exchange_;
  kite::KiteSimServer server_;
};

TEST_F(KiteSimInput, InvalidUtf8InAFormIsAnInputExceptionAndTheServerLives) {
  const std::string bodies[] = {order_ + "%ff", "exchange=%ff&" + order_ + "DAY",
                                "tradingsymbol=%ff&quantity=50"};
  for (const std::string& body : bodies) {
    const Reply r = post("/orders/regular", body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(r.body.value("error_type", ""), "InputException") << body;
    EXPECT_NE(r.body.value("message", "").find("not valid UTF-8"), std::string::npos) << body;
  }
  // Still serving: a well-formed request gets its ordinary answer.
  const Reply ok = post("/orders/regular", "tradingsymbol=NOPE");
  EXPECT_EQ(ok.status, 400);
  EXPECT_EQ(ok.body.value("error_type", ""), "InputException");
}

TEST_F(KiteSimInput, OversizedBodyAndHeaderAreAnswered413And431) {
  EXPECT_EQ(post("/orders/regular", std::string(10 << 20, 'a')).status, 413);
  EXPECT_EQ(post("/orders/regular", "a=1", std::string(9 << 10, 'h')).status, 431);
  EXPECT_EQ(post("/orders/regular", "tradingsymbol=NOPE").status, 400);  // still serving
}

TEST_F(KiteSimInput, TickerAnswersBinaryGarbageAndTakesTokensAsDigitStrings) {
  boost::asio::io_context ioc;
  websocket::stream<tcp::socket> ws(ioc);
  ws.next_layer().connect(
      tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), server_.port()));
  ws.handshake("127.0.0.1", "/?api_key=k&access_token=t");
  auto next_text = [&] {
    for (;;) {  // skip the 1-byte heartbeats
      beast::flat_buffer b;
      ws.read(b);
      if (ws.got_text()) return json::parse(beast::buffers_to_string(b.data()));
    }
  };
  ws.binary(true);
  const unsigned char garbage[] = {0xff, 0x00, 0xde, 0xad};
  ws.write(boost::asio::buffer(garbage, sizeof garbage));
  json e = next_text();
  EXPECT_EQ(e.value("type", ""), "error");
  EXPECT_NE(e.value("data", "").find("not UTF-8"), std::string::npos) << e.dump();

  ws.binary(false);
  ws.write(boost::asio::buffer(std::string(R"({"a":"subscribe","v":["abc"]})")));
  e = next_text();
  EXPECT_EQ(e.value("type", ""), "error");
  EXPECT_NE(e.value("data", "").find("\"abc\""), std::string::npos) << e.dump();

  // The official client's getInstruments() yields tokens as strings: they subscribe.
  uint32_t token = 0;
  for (const auto& row : exchange_.instruments())
    if (row.tradingsymbol == "NIFTY_F1") token = row.instrument_token;
  ASSERT_NE(token, 0u);
  ws.write(boost::asio::buffer(json{{"a", "subscribe"}, {"v", {std::to_string(token)}}}.dump()));
  Tick t;
  t.symbol = "NIFTY_F1";
  t.time = clock_.now();
  t.last = Price::from_raw(*parse_fixed("17000"));
  t.bid = Price::from_raw(*parse_fixed("16999.95"));
  t.ask = Price::from_raw(*parse_fixed("17000.05"));
  t.volume = 100;
  std::vector<kite::KiteTick> ticks;
  {
    std::lock_guard lock(mu_);
    ticks.push_back(exchange_.on_tick(t, steady_now_ms()));
  }
  // The subscription is applied before the tick goes out: both run on the server's one thread,
  // in arrival order, and the subscribe was written first. Re-send until the tick arrives.
  for (int i = 0; i < 50; ++i) {
    server_.broadcast_ticks(ticks);
    beast::flat_buffer b;
    ws.read(b);
    if (ws.got_binary() && b.size() > 2) return;  // a tick packet, not a heartbeat
  }
  FAIL() << "no tick for a token subscribed as a string";
}

}  // namespace
}  // namespace aitrapp
