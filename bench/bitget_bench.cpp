// Bitget's signed REST: the HMAC-SHA256 signature a private request carries, the exchange's check
// of it, and the whole round trip of a signed GET over loopback HTTP/1.1 keep-alive to the
// simulator's REST server (signing, the request, the check, the account's answer in the envelope,
// its parse); and the adapter's reading of the stream: a books update from JSON text into the
// mirrored book with its checksum checked, and an orders push with a fill, ns per message.
#include <benchmark/benchmark.h>

#include <mutex>

#include "../tests/support/bitget_btc.hpp"
#include "bench/bench_util.hpp"
#include "core/time.hpp"
#include "net/http_client.hpp"
#include "net/url.hpp"
#include "venue/bitget/bitget_auth.hpp"
#include "venue/bitget/bitget_envelope.hpp"
#include "venue/bitget/bitget_stream_codec.hpp"
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
  const SimClock clock(kNow);
  std::mutex mu;
  // Bitget's request limits lifted: the round trip is measured, not the limit.
  bitget::BitgetExchange exchange(bitget::btc_instruments(), Money::from_units(10000), kAccount,
                                  clock, false);
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

std::string frame_text(const bitget::BitgetExchange::WsPush& p) {
  return p.frame(p.plain_arg(), kNow);
}

// The simulator's books frames over a random walk of 1,000 ticks: the snapshot, then updates.
struct BookFrames {
  std::string snapshot;
  std::vector<std::string> updates;
};
BookFrames book_frames() {
  SimClock clock(kNow);
  bitget::BitgetExchange ex(bitget::btc_instruments(), Money::from_units(10000), kAccount, clock);
  int64_t last = 463'190'000;
  ex.on_tick(bitget::btc_tick(kNow, Price::from_raw(last), 5));
  ex.take_pushes();
  BookFrames f;
  f.snapshot = frame_text(
      *std::get<std::optional<bitget::BitgetExchange::WsPush>>(ex.subscribe("books", "BTCUSDT")));
  uint64_t x = 42;
  for (int i = 1; i <= 1000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    last += (static_cast<int64_t>(x >> 61) - 3) * 1000;  // -3..+4 ticks
    ex.on_tick(bitget::btc_tick(kNow + i * 250, Price::from_raw(last), 5));
    for (const auto& p : ex.take_pushes())
      if (p.channel == "books") f.updates.push_back(frame_text(p));
  }
  return f;
}

void BM_BitgetBookUpdateDecode(benchmark::State& st) {
  const BookFrames f = book_frames();
  bitget::BookMirror book;
  auto apply = [&](const std::string& text) {
    const auto frame = nlohmann::json::parse(text);
    const auto push = bitget::parse_book_push(*bitget::push_of(frame));
    return push ? book.apply(push.value()) : Result<void>(Error{push.error()});
  };
  if (!apply(f.snapshot)) return st.SkipWithError("the snapshot did not apply");
  size_t i = 0;
  for (auto _ : st) {
    if (i == f.updates.size()) {  // the walk starts again from its snapshot
      st.PauseTiming();
      (void)apply(f.snapshot);
      i = 0;
      st.ResumeTiming();
    }
    const auto applied = apply(f.updates[i++]);
    if (!applied) return st.SkipWithError(applied.error().c_str());
  }
  double levels = 0;
  for (const auto& u : f.updates) {
    const auto d = nlohmann::json::parse(u)["data"][0];
    levels += static_cast<double>(d["bids"].size() + d["asks"].size());
  }
  st.counters["levels_per_update"] = levels / static_cast<double>(f.updates.size());
}
BENCHMARK(BM_BitgetBookUpdateDecode);

// The JSON parse alone of the same updates: how much of the row above is nlohmann's.
void BM_BitgetBookUpdateJsonOnly(benchmark::State& st) {
  const BookFrames f = book_frames();
  size_t i = 0;
  for (auto _ : st) {
    benchmark::DoNotOptimize(nlohmann::json::parse(f.updates[i]));
    i = (i + 1) % f.updates.size();
  }
}
BENCHMARK(BM_BitgetBookUpdateJsonOnly);

void BM_BitgetOrderPushDecode(benchmark::State& st) {
  SimClock clock(kNow);
  bitget::BitgetExchange ex(bitget::btc_instruments(), Money::from_units(10000), kAccount, clock);
  ex.on_tick(bitget::btc_tick(kNow, Price::from_raw(463'190'000), 5));
  net::HttpRequest r;
  r.method = "POST";
  r.path = "/api/v2/mix/order/place-order";
  r.body = R"({"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginMode":"crossed",)"
           R"("marginCoin":"USDT","size":"0.010","side":"buy","orderType":"market",)"
           R"("clientOid":"bench-1"})";
  for (auto& h : bitget::signed_headers(kAccount, kNow, "POST", r.path, "", r.body))
    r.headers.push_back(h);
  ex.take_pushes();
  ex.handle(r, 1);
  std::string fill;
  for (const auto& p : ex.take_pushes())
    if (p.channel == "orders" && p.data[0].contains("tradeId")) fill = frame_text(p);
  if (fill.empty()) return st.SkipWithError("no fill was pushed");
  const bitget::ContractRules rules = bitget::rules_of(bitget::btc_instruments().at("BTCUSDT"));
  for (auto _ : st) {
    const auto frame = nlohmann::json::parse(fill);
    const auto orders = bitget::parse_order_push(*bitget::push_of(frame), rules);
    if (!orders || orders.value().empty()) return st.SkipWithError("the push did not decode");
    benchmark::DoNotOptimize(orders.value().front().fill_qty);
  }
  st.counters["bytes"] = static_cast<double>(fill.size());
}
BENCHMARK(BM_BitgetOrderPushDecode);

}  // namespace
}  // namespace aitrapp
