// Issue 6 row 4: durable order throughput. What the engine commits before it sends an entry (the
// signal, the decision, the bracket and the order, all tied by foreign keys) written to SQLite
// (WAL, synchronous FULL) or PostgreSQL (synchronous commit, loopback; see bench_stores.hpp), one
// order per commit or 64 per commit. 2,000 orders per repetition. commit_p50/p99 are per commit:
// with one order per commit, the latency of one durable order write.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "bench/bench_stores.hpp"
#include "bench/bench_util.hpp"
#include "core/ids.hpp"

namespace aitrapp::bench {
namespace {

constexpr int kOrders = 2000;
const std::string kSha = "bench";

// The records of one decided entry, as the engine writes them in the deciding step.
void entry_records(int i, WriteBatch& b) {
  Signal s;
  s.strategy = "bench";
  s.symbol = "BTCUSDT";
  s.time = 1'640'995'200'000 + int64_t{i} * kMinuteMs;
  s.side = i % 2 ? Side::Sell : Side::Buy;
  s.entry = Price::from_raw(46'000 * kScale);
  s.stop = Price::from_raw((i % 2 ? 46'100 : 45'900) * kScale);
  s.target = Price::from_raw((i % 2 ? 45'800 : 46'200) * kScale);
  s.score = 1;
  const std::string plan = make_plan_id("2022-01-01", s.strategy, s.symbol, s.time, s.side);
  BracketGroup g;
  g.plan_id = plan;
  g.strategy = s.strategy;
  g.symbol = s.symbol;
  g.side = s.side;
  g.planned_qty = Qty{10};
  g.entry = s.entry;
  g.stop = s.stop;
  g.target = s.target;
  g.config_sha = kSha;
  Order o;
  o.spec = OrderSpec{make_client_order_id(plan, LegRole::Entry, 0),
                     s.symbol,
                     s.side,
                     OrderType::Limit,
                     Qty{10},
                     s.entry,
                     Price{}};
  o.plan_id = plan;
  o.created = o.updated = s.time;
  o.config_sha = kSha;
  g.entry_id = o.id();
  b.writes.push_back(SignalRecord{s, kSha});
  b.writes.push_back(DecisionRecord{plan, signal_id(s), s.strategy, s.symbol, s.side, s.time,
                                    Qty{10}, s.entry, s.stop, s.target, 1, Money{}, kSha});
  b.writes.push_back(g);
  b.writes.push_back(o);
}

void BM_DurableOrders(benchmark::State& st) {
  const bool pg = st.range(0) == 1;
  const int per_commit = static_cast<int>(st.range(1));
  const auto path =
      (std::filesystem::temp_directory_path() / "aitrapp_bench_orders.sqlite").string();
  std::vector<int64_t> commit_ns;
  for (auto _ : st) {
    std::string why;
    const std::unique_ptr<Store> store =
        open_fresh_store(pg ? BenchStore::Postgres : BenchStore::Sqlite, path, why);
    if (!store) {
      st.SkipWithError(why.c_str());
      break;
    }
    store->write(WriteBatch{{ConfigSnapshotRecord{kSha, "{}"}}});
    commit_ns.clear();
    const int64_t t0 = now_ns();
    for (int i = 0; i < kOrders;) {
      WriteBatch b;
      for (int k = 0; k < per_commit && i < kOrders; ++k) entry_records(i++, b);
      const int64_t c0 = now_ns();
      store->write(b);
      commit_ns.push_back(now_ns() - c0);
    }
    st.SetIterationTime(static_cast<double>(now_ns() - t0) / 1e9);
    st.counters["commit_p50_us"] = quantile(commit_ns, 0.5) / 1e3;
    st.counters["commit_p99_us"] = quantile(commit_ns, 0.99) / 1e3;
  }
  st.counters["orders_per_s"] =
      benchmark::Counter(kOrders, benchmark::Counter::kIsIterationInvariantRate);
  remove_sqlite(path);
}

}  // namespace

void register_store_benchmarks() {
  for (int pg : {0, 1})
    for (int batch : {1, 64})
      benchmark::RegisterBenchmark(
          (std::string("4_durable_orders/") + (pg ? "postgresql" : "sqlite_wal") +
           (batch == 1 ? "/one_per_commit" : "/64_per_commit"))
              .c_str(),
          BM_DurableOrders)
          ->Args({pg, batch})
          ->UseManualTime()
          ->Unit(benchmark::kMillisecond)
          ->Iterations(1);
}

}  // namespace aitrapp::bench
