#pragma once
// A fixed-bucket histogram of non-negative integer observations (cumulative on export, as
// Prometheus expects). A plain value: copied into snapshots; not thread-safe.
#include <array>
#include <cstdint>

namespace aitrapp {

template <size_t N>
struct Histogram {
  std::array<int64_t, N> bounds{};  // upper bounds, ascending; +Inf is implicit
  std::array<int64_t, N> counts{};  // observations <= bounds[i] and > bounds[i-1]
  int64_t count = 0;
  int64_t sum = 0;

  void observe(int64_t v) {
    ++count;
    sum += v;
    for (size_t i = 0; i < N; ++i)
      if (v <= bounds[i]) {
        ++counts[i];
        return;
      }
  }
  // Observations <= bounds[i].
  int64_t cumulative(size_t i) const {
    int64_t c = 0;
    for (size_t k = 0; k <= i; ++k) c += counts[k];
    return c;
  }
};

// Order round trips in milliseconds; 800 ms is the ack-latency SLO and a bucket edge.
using LatencyHistogramMs = Histogram<12>;
inline LatencyHistogramMs make_latency_histogram_ms() {
  LatencyHistogramMs h;
  h.bounds = {5, 10, 25, 50, 100, 250, 500, 800, 1000, 2000, 5000, 10000};
  return h;
}

}  // namespace aitrapp
