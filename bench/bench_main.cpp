// `make bench`: every benchmark, then one table. Each row is the median of the repetitions with
// their minimum and maximum, beside issue 6's target where it sets one.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

namespace aitrapp::bench {
void register_replay_benchmarks();
void register_latency_benchmarks();
void register_flatten_benchmarks();
void register_kite_flatten_benchmarks();
void register_store_benchmarks();
void register_soak_benchmarks();
}  // namespace aitrapp::bench

namespace {

struct Target {
  const char* name_prefix;
  const char* metric;  // "time" or a counter
  double bound;
  bool at_most;  // true: the value must not exceed bound; false: must reach it
};

// Issue 6's targets, in each metric's own unit (time in the benchmark's unit).
const Target kTargets[] = {
    {"1_replay/replay_only", "events_per_s", 5e6, false},
    {"1_replay/market_orders_64", "events_per_s", 2e6, false},
    {"1_replay/limit_orders_64_cancelled", "events_per_s", 2e6, false},
    {"1_replay/ema_cross", "events_per_s", 2e6, false},
    {"2_tick_to_intent/store_off", "intent_p50_ns", 1000, true},
    {"2_tick_to_intent/store_off", "intent_p99_ns", 5000, true},
    {"2_tick_to_intent/sqlite_wal", "intent_p99_ns", 500'000, true},
    {"2_tick_to_intent/postgresql", "intent_p99_ns", 2'000'000, true},
    {"3_flatten/in_process_sqlite/1000", "time", 100, true},
    {"3_flatten/kite_sim/", "vs_rate_bound", 1.05, true},
    {"4_durable_orders/", "orders_per_s", 2000, false},
    {"4_durable_orders/sqlite_wal/one_per_commit", "commit_p99_us", 500, true},
    {"4_durable_orders/sqlite_wal/one_per_commit", "vs_floor_p50", 1.2, true},
    {"4_durable_orders/sqlite_wal/one_per_commit", "vs_floor_p99", 2.0, true},
    {"4_durable_orders/postgresql/one_per_commit", "commit_p99_us", 2000, true},
    {"BM_KiteDecodeFullPacket/200", "ns_per_packet", 20e-9, true},
    {"6_soak/", "rss_growth_pct", 1, true},
};

std::string fmt(double v) {
  std::ostringstream o;
  const double a = std::fabs(v);
  if (a >= 1e6)
    o << std::fixed << std::setprecision(2) << v / 1e6 << "M";
  else if (a >= 1e4)
    o << std::fixed << std::setprecision(1) << v / 1e3 << "k";
  else if (a >= 100 || v == static_cast<int64_t>(v))
    o << std::fixed << std::setprecision(0) << v;
  else
    o << std::setprecision(3) << v;
  return o.str();
}

std::string cpu_model() {
  std::ifstream f("/proc/cpuinfo");
  for (std::string line; std::getline(f, line);)
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown";
}

// Collects every repetition and prints the table once at the end.
class TableReporter final : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override {
    std::cout << "aitrapp benchmarks: nproc " << std::thread::hardware_concurrency() << ", "
              << cpu_model() << "; running (a few minutes)...\n"
              << std::flush;
    return true;
  }
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      if (r.run_type != Run::RT_Iteration) continue;
      // The registered name; macro-registered micro-benchmarks keep their arguments.
      std::string name = r.run_name.function_name;
      if (name.rfind("BM_", 0) == 0 && !r.run_name.args.empty()) name += "/" + r.run_name.args;
      Row& row = rows_[name];
      if (r.error_occurred) {
        row.error = r.error_message;
        continue;
      }
      row.unit = benchmark::GetTimeUnitString(r.time_unit);
      row.values["time"].push_back(r.GetAdjustedRealTime());
      for (const auto& [k, c] : r.counters) row.values[k].push_back(c.value);
      row.labels.push_back(r.report_label);
    }
  }
  void Finalize() override {
    std::cout << "\n| benchmark | metric | median | min | max | target |\n"
              << "|---|---|---|---|---|---|\n";
    for (const auto& [name, row] : rows_) {
      if (!row.error.empty()) {
        std::cout << "| " << name << " | skipped | " << row.error << " | | | |\n";
        continue;
      }
      for (const auto& [metric, v] : row.values) {
        std::vector<double> s = v;
        std::sort(s.begin(), s.end());
        const double med = s[s.size() / 2];
        std::string target;
        for (const Target& t : kTargets)
          if (name.rfind(t.name_prefix, 0) == 0 && metric == t.metric)
            target = std::string(t.at_most ? "<= " : ">= ") + fmt(t.bound) +
                     ((t.at_most ? med <= t.bound : med >= t.bound) ? " met" : " MISSED");
        const std::string m = metric == "time" ? "time (" + row.unit + ")" : metric;
        std::cout << "| " << name << " | " << m << " | " << fmt(med) << " | " << fmt(s.front())
                  << " | " << fmt(s.back()) << " | " << target << " |\n";
      }
      if (!row.labels.empty() && !row.labels.front().empty()) {
        const bool same =
            std::all_of(row.labels.begin(), row.labels.end(),
                        [&](const std::string& l) { return l == row.labels.front(); });
        std::cout << "| " << name << " | label | "
                  << (same ? row.labels.front() + " (all " + std::to_string(row.labels.size()) +
                                 " runs)"
                           : std::string("DIFFERS between runs"))
                  << " | | | |\n";
      }
    }
  }

 private:
  struct Row {
    std::string unit, error;
    std::map<std::string, std::vector<double>> values;
    std::vector<std::string> labels;
  };
  std::map<std::string, Row> rows_;  // sorted: the numbered rows of issue 6 come first
};

}  // namespace

int main(int argc, char** argv) {
  aitrapp::bench::register_replay_benchmarks();
  aitrapp::bench::register_latency_benchmarks();
  aitrapp::bench::register_flatten_benchmarks();
  aitrapp::bench::register_kite_flatten_benchmarks();
  aitrapp::bench::register_store_benchmarks();
  aitrapp::bench::register_soak_benchmarks();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  TableReporter table;
  benchmark::RunSpecifiedBenchmarks(&table);
  benchmark::Shutdown();
  return 0;
}
