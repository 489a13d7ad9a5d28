// Bitget's signed REST: the HMAC-SHA256 signature a private request carries, the exchange's check
// of it, and the whole round trip of a signed GET over loopback HTTP/1.1 keep-alive to the
// simulator's REST server (signing, the request, the check, the account's answer in the envelope,
// its parse). Bitget's JSON book and order pushes come with the simulator's WebSocket streams.
#include <benchmark/benchmark.h>

#include <mutex>

#include "bench/bench_util.hpp"
#include "core/time.hpp"
#include "net/http_client.hpp"
#include "net/url.hpp"
#include "venue/bitget/bitget_auth.hpp"
#include "venue/bitget/bitget_envelope.hpp"
#include "venue/bitget_sim/bitget_sim_server.hpp"

namespace aitrapp {
namespace {

const bitget::Credentials kAccount{"bench_key", "bench_secret", "bench_pass"};
constexpr TimeMs kNow = 1'640'995'200'000;
const std::string kPath = "/api/v2/mix/order/orders-pending";
const std::string kQuery = "productType=USDT-FUTURES&symbol=BTCUSDT";

void BM_BitgetSign(benchmark::State& st) {
  for (auto _ : st)
    benchmark::DoNotOptimize(bitget::signed_headers(kAccount, kNow, "GET", kPath, kQuery, ""));
}
BENCHMARK(BM_BitgetSign);

void BM_BitgetCheckSignature(benchmark::State& st) {
  std::vector<std::pair<std::string, std::string>> headers =
      bitget::signed_headers(kAccount, kNow, "GET", kPath, kQuery, "");
  const auto header = [&](std::string_view name) -> std::optional<std::string> {
    for (const auto& [k, v] : headers)
      if (k == name) return v;
    return std::nullopt;
  };
  for (auto _ : st) {
    const auto refused =
        bitget::check_signed_request(kAccount, header, kNow, "GET", kPath, kQuery, "");
    if (refused) {
      st.SkipWithError(refused->msg.c_str());
      break;
    }
  }
}
BENCHMARK(BM_BitgetCheckSignature);

void BM_BitgetSignedRoundTrip(benchmark::State& st) {
  Instrument btc;
  btc.symbol = "BTCUSDT";
  btc.exchange = "BITGET";
  btc.tick = Price::from_raw(1000);
  btc.units_per_whole = 1000;
  const SimClock clock(kNow);
  std::mutex mu;
  // Bitget's request limits lifted: the round trip is measured, not the limit.
  bitget::BitgetExchange exchange({{btc.symbol, btc}}, Money::from_units(10000), kAccount, clock,
                                  false);
  auto server = std::make_unique<bitget::BitgetSimServer>(exchange, mu, clock, "127.0.0.1", 0);
  server->start();
  net::HttpClient http(
      net::parse_url("http://127.0.0.1:" + std::to_string(server->port()), "bench"),
      std::chrono::milliseconds(2000));
  const std::string path = "/api/v2/mix/account/accounts", query = "productType=USDT-FUTURES";
  std::vector<double> us;
  us.reserve(static_cast<size_t>(st.max_iterations));
  for (auto _ : st) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto reply =
        http.request("GET", path + "?" + query,
                     bitget::signed_headers(kAccount, clock.now(), "GET", path, query, ""));
    const auto env = bitget::parse_envelope(reply.body);
    us.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    if (!env || !env.value().ok()) {
      st.SkipWithError(env ? env.value().msg.c_str() : env.error().c_str());
      break;
    }
  }
  server->stop();
  if (us.empty()) return;
  st.counters["p50_us"] = bench::quantile(us, 0.50);
  st.counters["p99_us"] = bench::quantile(us, 0.99);
}
BENCHMARK(BM_BitgetSignedRoundTrip)->Iterations(2000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace aitrapp
