#pragma once
// Writer of the Prometheus text exposition format (version 0.0.4): one HELP and TYPE line per
// family, label values escaped, histograms with cumulative `_bucket{le}`, `_sum` and `_count`.
// A value type; not thread-safe.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace aitrapp::ops {

using Labels = std::vector<std::pair<std::string, std::string>>;

class PrometheusText {
 public:
  static constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

  void counter(const std::string& name, const std::string& help);
  void gauge(const std::string& name, const std::string& help);
  // A family with its single unlabelled sample.
  void counter(const std::string& name, const std::string& help, double value) {
    counter(name, help);
    sample(name, value);
  }
  void gauge(const std::string& name, const std::string& help, double value) {
    gauge(name, help);
    sample(name, value);
  }
  // A sample of the family opened last (name may carry a suffix such as _bucket).
  void sample(const std::string& name, const Labels& labels, double value);
  void sample(const std::string& name, double value) { sample(name, {}, value); }
  // A whole histogram family; `upper` ascending, `cumulative[i]` = observations <= upper[i].
  void histogram(const std::string& name, const std::string& help, const Labels& labels,
                 const std::vector<double>& upper, const std::vector<int64_t>& cumulative,
                 double sum, int64_t count);
  const std::string& str() const { return out_; }

 private:
  void family(const std::string& name, const char* type, const std::string& help);
  std::string out_;
};

std::string format_value(double v);

}  // namespace aitrapp::ops
