// Issue 6 row 4: durable order throughput. What the engine commits before it sends an entry (the
// signal, the decision, the bracket and the order, all tied by foreign keys) written to SQLite
// (WAL, synchronous FULL) or PostgreSQL (synchronous commit, loopback; see bench_stores.hpp), one
// order per commit or 64 per commit. 2,000 orders per repetition. commit_p50/p99 are per commit:
// with one order per commit, the latency of one durable order write.
//
// The disk's own floor: a 512-byte write plus fdatasync of a file beside the SQLite store, the
// least a durable commit can cost on that filesystem. It is its own row, and the SQLite
// one-order-per-commit row measures it interleaved with its commits (one floor sample before each
// commit, so both see the same moment of a shared, noisy disk) and reports the ratios
// vs_floor_p50 and vs_floor_p99.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
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

// One durable 512-byte write on the store's filesystem. Not copyable; closes its file.
class DiskFloor {
 public:
  explicit DiskFloor(const std::string& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0600);
    if (fd_ < 0) error_ = "cannot open " + path + ": " + std::strerror(errno);
  }
  ~DiskFloor() {
    if (fd_ >= 0) ::close(fd_);
    std::filesystem::remove(path_);
  }
  DiskFloor(const DiskFloor&) = delete;
  DiskFloor& operator=(const DiskFloor&) = delete;
  // Why the file could not be opened or the last sample failed; empty while all is well.
  const std::string& error() const { return error_; }
  // Nanoseconds for one write and its fdatasync; -1 on an I/O error (said by error()).
  int64_t sample() {
    if (fd_ < 0) return -1;
    const int64_t t0 = now_ns();
    if (::pwrite(fd_, block_, sizeof block_, 0) != static_cast<ssize_t>(sizeof block_) ||
        ::fdatasync(fd_) != 0) {
      error_ = "write or fdatasync of " + path_ + ": " + std::strerror(errno);
      return -1;
    }
    ++block_[0];  // a different block each time, so nothing can skip the write
    return now_ns() - t0;
  }

 private:
  std::string path_, error_;
  int fd_ = -1;
  char block_[512] = {};
};

std::string floor_path() {
  return (std::filesystem::temp_directory_path() / "aitrapp_bench_floor.bin").string();
}

void BM_DiskFloor(benchmark::State& st) {
  DiskFloor floor(floor_path());
  std::vector<int64_t> ns;
  for (auto _ : st) {
    ns.clear();
    const int64_t t0 = now_ns();
    for (int i = 0; i < kOrders; ++i) {
      const int64_t s = floor.sample();
      if (s < 0) {
        st.SkipWithError(floor.error().c_str());
        return;
      }
      ns.push_back(s);
    }
    st.SetIterationTime(static_cast<double>(now_ns() - t0) / 1e9);
    st.counters["commit_p50_us"] = quantile(ns, 0.5) / 1e3;
    st.counters["commit_p99_us"] = quantile(ns, 0.99) / 1e3;
  }
}

void BM_DurableOrders(benchmark::State& st) {
  const bool pg = st.range(0) == 1;
  const int per_commit = static_cast<int>(st.range(1));
  const auto path =
      (std::filesystem::temp_directory_path() / "aitrapp_bench_orders.sqlite").string();
  // SQLite one order per commit: the disk's floor sampled before each commit.
  const bool with_floor = !pg && per_commit == 1;
  DiskFloor floor(floor_path());
  std::vector<int64_t> commit_ns, floor_ns;
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
    floor_ns.clear();
    int64_t floor_total = 0;
    const int64_t t0 = now_ns();
    for (int i = 0; i < kOrders;) {
      WriteBatch b;
      for (int k = 0; k < per_commit && i < kOrders; ++k) entry_records(i++, b);
      if (with_floor) {
        const int64_t s = floor.sample();
        if (s < 0) {
          st.SkipWithError(floor.error().c_str());
          return;
        }
        floor_ns.push_back(s);
        floor_total += s;
      }
      const int64_t c0 = now_ns();
      store->write(b);
      commit_ns.push_back(now_ns() - c0);
    }
    // The floor's samples are not the store's time.
    st.SetIterationTime(static_cast<double>(now_ns() - t0 - floor_total) / 1e9);
    st.counters["commit_p50_us"] = quantile(commit_ns, 0.5) / 1e3;
    st.counters["commit_p99_us"] = quantile(commit_ns, 0.99) / 1e3;
    if (with_floor) {
      st.counters["floor_p50_us"] = quantile(floor_ns, 0.5) / 1e3;
      st.counters["floor_p99_us"] = quantile(floor_ns, 0.99) / 1e3;
      st.counters["vs_floor_p50"] = quantile(commit_ns, 0.5) / quantile(floor_ns, 0.5);
      st.counters["vs_floor_p99"] = quantile(commit_ns, 0.99) / quantile(floor_ns, 0.99);
    }
  }
  st.counters["orders_per_s"] =
      benchmark::Counter(kOrders, benchmark::Counter::kIsIterationInvariantRate);
  remove_sqlite(path);
}

}  // namespace

void register_store_benchmarks() {
  benchmark::RegisterBenchmark("4_durable_orders/disk_floor/fdatasync_512", BM_DiskFloor)
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond)
      ->Iterations(1);
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
