// The simulators' shared control API: faults applied only when every parameter is valid, errors
// that name the parameter, a venue's own routes tried first.
#include "venue/sim/fault_control.hpp"

#include <gtest/gtest.h>

using namespace aitrapp;

namespace {

struct Harness {
  RequestFaults faults;
  std::vector<std::string> calls;
  FaultControlHooks hooks;
  Harness() {
    hooks.clock = [] { return nlohmann::json{{"speed", 100}}; };
    hooks.stats = [] { return nlohmann::json{{"requests", 7}}; };
    hooks.drop_websockets = [this](int64_t ms) { calls.push_back("drop " + std::to_string(ms)); };
    hooks.refuse_connections = [this](int64_t ms) {
      calls.push_back("refuse " + std::to_string(ms));
    };
    hooks.drop_websockets_after_fill = [this](int64_t ms, int64_t d) {
      calls.push_back("drop_on_fill " + std::to_string(ms) + " " + std::to_string(d));
    };
    hooks.with_faults = [this](const std::function<void(RequestFaults&)>& f) { f(faults); };
  }
  net::HttpResponse post(const std::string& path, std::map<std::string, std::string> q = {}) {
    net::HttpRequest r;
    r.method = "POST";
    r.path = path;
    r.query = std::move(q);
    return handle_fault_control(hooks, r);
  }
};

std::string error_of(const net::HttpResponse& r) {
  return nlohmann::json::parse(r.body).value("error", "");
}

}  // namespace

TEST(FaultControl, EachFaultIsAppliedWithItsParameters) {
  Harness h;
  EXPECT_EQ(h.post("/faults/errors", {{"status", "429"}, {"count", "3"}}).status, 200);
  EXPECT_EQ(h.post("/faults/ack_delay", {{"ms", "1500"}}).status, 200);
  EXPECT_EQ(h.post("/faults/partial_fill", {{"qty", "25"}}).status, 200);
  EXPECT_EQ(h.post("/faults/lose_response").status, 200);
  EXPECT_EQ(h.post("/faults/reject_limit").status, 200);
  EXPECT_EQ(h.post("/faults/spread", {{"factor", "5"}, {"seconds", "60"}}).status, 200);
  EXPECT_EQ(h.post("/faults/ws_drop", {{"seconds", "2"}}).status, 200);
  EXPECT_EQ(h.post("/faults/ws_drop_on_fill", {{"seconds", "3"}, {"delay_ms", "40"}}).status, 200);
  EXPECT_EQ(h.calls, (std::vector<std::string>{"drop 2000", "drop_on_fill 3000 40"}));
  EXPECT_EQ(h.faults.ack_delay_ms, 1500);
  EXPECT_EQ(h.faults.take_error(), 429);
  EXPECT_EQ(h.faults.take_error(), 429);
  EXPECT_EQ(h.faults.take_error(), 429);
  EXPECT_EQ(h.faults.take_error(), 0);  // the burst is used up
  EXPECT_EQ(h.faults.take_partial_qty(), 25);
  EXPECT_EQ(h.faults.take_partial_qty(), 0);
  EXPECT_TRUE(h.faults.take_lost_response());
  EXPECT_FALSE(h.faults.take_lost_response());
  EXPECT_TRUE(h.faults.take_reject_next_limit());
  EXPECT_EQ(h.faults.spread_factor_at(h.faults.spread_until_wall_ms - 1), 5);
  EXPECT_EQ(h.faults.spread_factor_at(h.faults.spread_until_wall_ms), 1);  // over
}

TEST(FaultControl, ABadParameterIsA400NamingItAndChangesNothing) {
  Harness h;
  const auto missing = h.post("/faults/errors", {{"status", "503"}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(error_of(missing), "missing query parameter 'count'");
  const auto range = h.post("/faults/spread", {{"factor", "5"}, {"seconds", "0"}});
  EXPECT_EQ(range.status, 400);
  EXPECT_EQ(error_of(range), "'seconds' must be an integer in [1, 3600], got '0'");
  EXPECT_EQ(error_of(h.post("/faults/ack_delay", {{"ms", "12x"}})),
            "'ms' must be an integer in [0, 600000], got '12x'");
  EXPECT_EQ(h.faults.error_count, 0);
  EXPECT_EQ(h.faults.spread_factor, 1);
  EXPECT_EQ(h.faults.ack_delay_ms, 0);
  const auto unknown = h.post("/faults/meteor");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(error_of(unknown), "unknown fault '/faults/meteor'");
}

TEST(FaultControl, AVenuesOwnRoutesComeFirstAndTheClockAndStatsAreServed) {
  Harness h;
  h.hooks.venue_routes = [](const net::HttpRequest& r) -> std::optional<net::HttpResponse> {
    if (r.method == "POST" && (r.path == "/login" || r.path == "/faults/errors"))
      return control_reply(200, {{"venue", r.path}});
    return std::nullopt;
  };
  EXPECT_EQ(nlohmann::json::parse(h.post("/login").body)["venue"], "/login");
  EXPECT_EQ(nlohmann::json::parse(h.post("/faults/errors").body)["venue"], "/faults/errors");
  EXPECT_EQ(h.faults.error_count, 0);  // the venue's route answered, not the shared one
  net::HttpRequest get;
  get.method = "GET";
  get.path = "/clock";
  EXPECT_EQ(nlohmann::json::parse(handle_fault_control(h.hooks, get).body)["speed"], 100);
  get.path = "/stats";
  EXPECT_EQ(nlohmann::json::parse(handle_fault_control(h.hooks, get).body)["requests"], 7);
  get.path = "/faults/errors";
  EXPECT_EQ(handle_fault_control(h.hooks, get).status, 404);
}

// A venue whose simulator has only some faults leaves the other hooks empty: those routes say
// so, and the ones it has still work.
TEST(FaultControl, AFaultTheVenueDoesNotSimulateIsA404SayingSo) {
  Harness h;
  h.hooks.drop_websockets = nullptr;
  h.hooks.drop_websockets_after_fill = nullptr;
  h.hooks.with_faults = nullptr;
  for (const std::string path : {"/faults/ws_drop", "/faults/ws_drop_on_fill", "/faults/ack_delay",
                                 "/faults/lose_response"}) {
    const auto r = h.post(path, {{"seconds", "2"}, {"delay_ms", "5"}, {"ms", "10"}});
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(error_of(r), "this venue's simulator does not simulate POST " + path);
  }
  EXPECT_EQ(h.post("/faults/refuse", {{"seconds", "2"}}).status, 200);
  EXPECT_EQ(h.calls, std::vector<std::string>{"refuse 2000"});
}

TEST(FaultControl, TheClockReplyIsWhatAClientMirrors) {
  const ScaledClock clock(1'640'995'200'000, 60.0, ScaledClock::wall_now_ms());
  const TradingCalendar cal("UTC", SessionTimes{});
  const auto j = clock_reply(clock, cal);
  EXPECT_EQ(j["speed"], 60.0);
  EXPECT_GE(j["exchange_time_ms"].get<int64_t>(), 1'640'995'200'000);
  EXPECT_GT(j["wall_time_ms"].get<int64_t>(), 0);
  EXPECT_EQ(j["local_time"].get<std::string>().substr(0, 10), "2022-01-01");
}
