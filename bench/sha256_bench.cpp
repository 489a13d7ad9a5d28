// The plan id's SHA-256 on the bar-to-order path: OpenSSL's EVP one-shot (what the engine used
// until issue 19) against core/sha256 on the same 47-byte key, in one run. "cold" evicts the
// caches (a 32 MiB write outside the timed region) before each digest, as on the engine's intent
// path, where a decision comes a few hundred bars apart; "hot" repeats the digest back to back.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include <array>
#include <string_view>
#include <vector>

#include "bench/bench_util.hpp"
#include "core/sha256.hpp"

namespace aitrapp::bench {
namespace {

constexpr std::string_view kKey = "2024-11-05|ema_cross|BTCUSDT|1730790000000|BUY";

std::array<uint8_t, 32> evp_digest(std::string_view data) {
  std::array<uint8_t, 32> out{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr);
  return out;
}

template <std::array<uint8_t, 32> (*Digest)(std::string_view)>
void BM_PlanKeyDigest(benchmark::State& st) {
  const bool cold = st.range(0) != 0;
  std::vector<char> junk(cold ? 32u << 20 : 0);
  std::vector<uint32_t> ns;
  PinToOneCore pin;
  for (auto _ : st) {
    if (cold)
      for (size_t i = 0; i < junk.size(); i += 64) junk[i] = static_cast<char>(junk[i] + 1);
    const int64_t t0 = now_ns();
    auto d = Digest(kKey);
    const int64_t t1 = now_ns();
    benchmark::DoNotOptimize(d);
    st.SetIterationTime(static_cast<double>(t1 - t0) / 1e9);
    ns.push_back(static_cast<uint32_t>(t1 - t0));
  }
  st.counters["p50_ns"] = quantile(ns, 0.5);
  st.counters["p99_ns"] = quantile(ns, 0.99);
}

}  // namespace

// One registration per variant: the summary table keys rows by name.
#define AITRAPP_PLAN_KEY_BENCH(fn, name, cold) \
  BENCHMARK_TEMPLATE(BM_PlanKeyDigest, fn)     \
      ->Name("5_plan_key_sha256/" name)        \
      ->Arg(cold)                              \
      ->UseManualTime()                        \
      ->Iterations(300)
AITRAPP_PLAN_KEY_BENCH(evp_digest, "openssl_evp/hot", 0);
AITRAPP_PLAN_KEY_BENCH(sha256_bytes, "own/hot", 0);
AITRAPP_PLAN_KEY_BENCH(evp_digest, "openssl_evp/cold", 1);
AITRAPP_PLAN_KEY_BENCH(sha256_bytes, "own/cold", 1);

}  // namespace aitrapp::bench
