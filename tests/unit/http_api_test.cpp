// The operator API over loopback against the real HTTP server: routing, bearer token, strict
// validation (a refused request never reaches the engine), and the exposition format.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <mutex>

#include "../support/recording_port.hpp"
#include "net/http_server.hpp"
#include "ops/api.hpp"

namespace aitrapp::ops {
namespace {

using support::RecordingPort;

namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
const std::string kToken = "test-token-0123456789abcdef";

struct Reply {
  int status;
  std::string body, content_type, allow, www_authenticate;
  nlohmann::json json() const { return nlohmann::json::parse(body); }
};

class HttpApi : public ::testing::Test {
 protected:
  HttpApi()
      : api_(port_, kToken),
        server_(
            "127.0.0.1", 0, [this](const net::HttpRequest& r) { return api_.handle(r); }, 2) {
    server_.start();
  }
  Reply call(http::verb verb, const std::string& target, const std::string& body = "",
             const std::string& auth = "Bearer " + kToken, const std::string& host = "127.0.0.1") {
    boost::asio::io_context ioc;
    tcp::socket sock(ioc);
    sock.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), server_.port()));
    http::request<http::string_body> req(verb, target, 11);
    req.set(http::field::host, host);
    if (!auth.empty()) req.set(http::field::authorization, auth);
    req.body() = body;
    req.prepare_payload();
    http::write(sock, req);
    boost::beast::flat_buffer buf;
    http::response<http::string_body> res;
    if (verb == http::verb::head) {  // a HEAD answer has headers only
      http::response_parser<http::string_body> p;
      p.skip(true);
      http::read(sock, buf, p);
      res = p.release();
    } else {
      http::read(sock, buf, res);
    }
    return {static_cast<int>(res.result_int()), res.body(),
            std::string(res[http::field::content_type]), std::string(res[http::field::allow]),
            std::string(res[http::field::www_authenticate])};
  }
  Reply get(const std::string& t) { return call(http::verb::get, t, "", ""); }
  Reply post(const std::string& t, const std::string& body) {
    return call(http::verb::post, t, body);
  }
  RecordingPort port_;
  ControlApi api_;
  net::HttpServer server_;
};

TEST_F(HttpApi, RoutesAndMethods) {
  EXPECT_EQ(get("/health").status, 200);
  EXPECT_EQ(get("/health").json()["checks"]["leader"]["instance_id"], "test:1");
  EXPECT_EQ(get("/nope").status, 404);
  const Reply r = call(http::verb::post, "/risk", "");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.allow, "GET");
  EXPECT_EQ(get("/flatten").status, 405);
  EXPECT_EQ(get("/positions").json()["count"], 0);
  EXPECT_EQ(get("/orders?limit=1").json()["count"], 1);
  EXPECT_EQ(get("/events?limit=7").json()["events"][0]["limit"], 7);
}

TEST_F(HttpApi, MetricsAreThePrometheusTextFormat) {
  const Reply r = get("/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(r.body.find("# TYPE trader_kill_switch_total counter\n"), std::string::npos);
  EXPECT_NE(r.body.find("trader_kill_switch_total{reason=\"manual\"} 2\n"), std::string::npos);
  EXPECT_NE(r.body.find("trader_is_leader{instance_id=\"test:1\"} 1\n"), std::string::npos);
  EXPECT_NE(r.body.find("trader_order_latency_ms_bucket{le=\"+Inf\"} 0\n"), std::string::npos);
}

TEST_F(HttpApi, MutatingEndpointsNeedTheBearerToken) {
  for (const char* path : {"/pause", "/resume", "/flatten", "/mode"}) {
    const Reply none = call(http::verb::post, path, "{}", "");
    EXPECT_EQ(none.status, 401) << path;
    EXPECT_EQ(none.www_authenticate, "Bearer");
    EXPECT_EQ(call(http::verb::post, path, "{}", "Bearer wrong").status, 401) << path;
    EXPECT_EQ(call(http::verb::post, path, "{}", kToken).status, 401) << path;  // no scheme
    EXPECT_EQ(none.body.find(kToken), std::string::npos);
  }
  EXPECT_TRUE(port_.commands.empty());
}

TEST_F(HttpApi, BadInputIs400NamingTheProblemAndChangesNothing) {
  struct Case {
    const char *path, *body, *message;
  };
  const Case cases[] = {
      {"/flatten", "{bad", "not valid JSON"},
      {"/flatten", "[1]", "must be a JSON object"},
      {"/flatten", R"({"reason":"because"})", "unknown flatten reason 'because'"},
      {"/flatten", R"({"reason":5})", "field 'reason' must be a string"},
      {"/flatten", R"({"reason":"manual","force":true})", "unknown field 'force'"},
      {"/pause", R"({"why":"x"})", "unknown field 'why'"},
      {"/mode", R"({})", "field 'mode' is required"},
      {"/mode", R"({"mode":"live"})", "must be PAPER or LIVE"},
      {"/mode", R"({"mode":"LIVE","confirm":1})", "field 'confirm' must be a string"},
  };
  for (const auto& c : cases) {
    const Reply r = post(c.path, c.body);
    EXPECT_EQ(r.status, 400) << c.path << " " << c.body;
    EXPECT_NE(r.json()["error"].get<std::string>().find(c.message), std::string::npos) << r.body;
  }
  EXPECT_EQ(get("/signals?limit=0").status, 400);
  EXPECT_EQ(get("/signals?limit=abc").status, 400);
  EXPECT_EQ(get("/events?foo=1").status, 400);
  EXPECT_EQ(post("/flatten", std::string(70'000, ' ')).status, 413);
  EXPECT_TRUE(port_.commands.empty());
}

TEST_F(HttpApi, LiveNeedsTheExactPhrase) {
  const Reply r = post("/mode", R"({"mode":"LIVE","confirm":"confirm live trading"})");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(post("/mode", R"({"mode":"LIVE"})").status, 403);
  EXPECT_TRUE(port_.commands.empty());
  EXPECT_EQ(post("/mode", R"({"mode":"LIVE","confirm":"CONFIRM LIVE TRADING"})").status, 200);
  ASSERT_EQ(port_.commands.size(), 1u);
  EXPECT_EQ(port_.commands[0].kind, Command::Kind::Mode);
  EXPECT_EQ(port_.commands[0].mode, "LIVE");
}

TEST_F(HttpApi, ValidCommandsReachTheEngine) {
  EXPECT_EQ(post("/flatten", "").status, 200);
  EXPECT_EQ(post("/flatten", R"({"reason":"latency"})").status, 200);
  EXPECT_EQ(post("/pause", R"({"reason":"lunch"})").status, 200);
  EXPECT_EQ(post("/resume", "").status, 200);
  ASSERT_EQ(port_.commands.size(), 4u);
  EXPECT_EQ(port_.commands[0].reason, "manual");
  EXPECT_EQ(port_.commands[1].reason, "latency");
  EXPECT_EQ(port_.commands[2].kind, Command::Kind::Pause);
  EXPECT_EQ(port_.commands[2].reason, "lunch");
  EXPECT_EQ(port_.commands[3].kind, Command::Kind::Resume);
}

TEST_F(HttpApi, BytesThatAreNotUtf8Are400NamingTheParameter) {
  const Reply value = get("/events?limit=%ff");
  EXPECT_EQ(value.status, 400);
  EXPECT_NE(value.json()["error"].get<std::string>().find("'limit'"), std::string::npos)
      << value.body;
  const Reply name = get("/events?%ff=1");
  EXPECT_EQ(name.status, 400);
  EXPECT_NE(name.body.find("not valid UTF-8"), std::string::npos) << name.body;
  EXPECT_EQ(get("/health\xff").status, 400);  // a raw byte: paths are not percent-decoded
  EXPECT_EQ(post("/pause", "{\"reason\":\"\xff\"}").status, 400);
  EXPECT_TRUE(port_.commands.empty());
}

TEST_F(HttpApi, AMalformedPercentEscapeIs400NamingItAndAQueryIsDecodedOnce) {
  const Reply bad = get("/events?limit=5%G1");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.json()["error"].get<std::string>().find("'limit'"), std::string::npos) << bad.body;
  EXPECT_NE(bad.body.find("%G1"), std::string::npos) << bad.body;
  EXPECT_EQ(get("/events?limit=%35").status, 200);  // "%35" is "5"
  EXPECT_TRUE(port_.commands.empty());
}

TEST_F(HttpApi, OversizedHeadersAre431) {
  boost::asio::io_context ioc;
  tcp::socket sock(ioc);
  sock.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), server_.port()));
  http::request<http::string_body> req(http::verb::get, "/health", 11);
  req.set(http::field::host, "127.0.0.1");
  req.set("X-Padding", std::string(9 << 10, 'h'));
  http::write(sock, req);
  boost::beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(sock, buf, res);
  EXPECT_EQ(res.result_int(), 431u);
  EXPECT_NE(res.body().find("8192 bytes"), std::string::npos) << res.body();
}

TEST_F(HttpApi, ARepeatedJsonKeyIsRefused) {
  const Reply r = post("/mode", R"({"mode":"PAPER","mode":"LIVE"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.json()["error"].get<std::string>().find("'mode' appears twice"), std::string::npos);
  EXPECT_EQ(post("/flatten", R"({"reason":"manual","reason":"drill"})").status, 400);
  EXPECT_TRUE(port_.commands.empty());
}

TEST_F(HttpApi, TheBearerSchemeIsCaseInsensitive) {
  EXPECT_EQ(call(http::verb::post, "/pause", "", "bearer " + kToken).status, 200);
  EXPECT_EQ(call(http::verb::post, "/pause", "", "BEARER " + kToken).status, 200);
  EXPECT_EQ(call(http::verb::post, "/pause", "", "bearer wrong").status, 401);
  EXPECT_EQ(port_.commands.size(), 2u);
}

TEST_F(HttpApi, HeadIsGetWithoutTheBody) {
  const Reply r = call(http::verb::head, "/health");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(call(http::verb::head, "/pause").status, 405);
}

TEST_F(HttpApi, OnlyTheServedHostNamesAreAnswered) {
  for (const char* host : {"127.0.0.1:8000", "localhost", "LOCALHOST:1", "[::1]:8000"})
    EXPECT_EQ(call(http::verb::get, "/health", "", "", host).status, 200) << host;
  for (const char* host : {"attacker.example", "attacker.example:8000", "127.0.0.1.nip.io"}) {
    const Reply r = call(http::verb::get, "/positions", "", "", host);
    EXPECT_EQ(r.status, 421) << host;
    EXPECT_NE(r.body.find("--allowed-host"), std::string::npos) << r.body;
  }
  EXPECT_EQ(call(http::verb::post, "/pause", "", "Bearer " + kToken, "evil.test").status, 421);
  EXPECT_TRUE(port_.commands.empty());
  ControlApi named(port_, kToken, {"trader-box", "::1"});
  net::HttpRequest req;
  req.method = "GET";
  req.path = "/health";
  req.host = "Trader-Box:8000";
  EXPECT_EQ(named.handle(req).status, 200);
  req.host = "other-box";
  EXPECT_EQ(named.handle(req).status, 421);
}

}  // namespace
}  // namespace aitrapp::ops
