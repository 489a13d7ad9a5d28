#pragma once
// Small helpers the benchmarks share: percentiles of recorded latencies, the process's resident
// size, pinning the benchmark thread to one core. Header-only; not thread-safe.
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <vector>

#include "store/store.hpp"

namespace aitrapp::bench {

// "Store off": the engine's writes are counted and dropped.
class DiscardStore final : public Store {
 public:
  void write(const WriteBatch& b) override { writes += b.writes.size(); }
  RecoveredState recover(const std::string&) override { return {}; }
  size_t writes = 0;
};

inline int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The q-quantile (0..1) of `v`, which is reordered.
template <class T>
double quantile(std::vector<T>& v, double q) {
  if (v.empty()) return 0;
  const size_t k = std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return static_cast<double>(v[k]);
}

// Resident set size in KiB (/proc/self/statm).
inline int64_t rss_kib() {
  std::ifstream f("/proc/self/statm");
  int64_t size = 0, resident = 0;
  f >> size >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

// Pins the calling thread to its last allowed core while alive ("one core" rows).
class PinToOneCore {
 public:
  PinToOneCore() {
    if (sched_getaffinity(0, sizeof old_, &old_) != 0) return;
    int last = -1;
    for (int c = 0; c < CPU_SETSIZE; ++c)
      if (CPU_ISSET(c, &old_)) last = c;
    if (last < 0) return;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(last, &one);
    pinned_ = sched_setaffinity(0, sizeof one, &one) == 0;
  }
  ~PinToOneCore() {
    if (pinned_) sched_setaffinity(0, sizeof old_, &old_);
  }
  PinToOneCore(const PinToOneCore&) = delete;
  PinToOneCore& operator=(const PinToOneCore&) = delete;

 private:
  cpu_set_t old_{};
  bool pinned_ = false;
};

}  // namespace aitrapp::bench
