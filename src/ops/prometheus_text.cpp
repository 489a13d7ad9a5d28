#include "ops/prometheus_text.hpp"

#include <charconv>
#include <cmath>

namespace aitrapp::ops {
namespace {

// Backslash and newline are escaped in HELP text and label values; quotes only in label values.
std::string escape(const std::string& v, bool quotes) {
  std::string o;
  for (char c : v) {
    if (c == '\\')
      o += "\\\\";
    else if (c == '\n')
      o += "\\n";
    else if (quotes && c == '"')
      o += "\\\"";
    else
      o += c;
  }
  return o;
}

}  // namespace

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest round-trip form
  return std::string(buf, r.ptr);
}

void PrometheusText::family(const std::string& name, const char* type, const std::string& help) {
  out_ += "# HELP " + name + " " + escape(help, false) + "\n# TYPE " + name + " " + type + "\n";
}

void PrometheusText::counter(const std::string& name, const std::string& help) {
  family(name, "counter", help);
}

void PrometheusText::gauge(const std::string& name, const std::string& help) {
  family(name, "gauge", help);
}

void PrometheusText::sample(const std::string& name, const Labels& labels, double value) {
  out_ += name;
  if (!labels.empty()) {
    out_ += '{';
    for (size_t i = 0; i < labels.size(); ++i) {
      if (i) out_ += ',';
      out_ += labels[i].first + "=\"" + escape(labels[i].second, true) + "\"";
    }
    out_ += '}';
  }
  out_ += ' ' + format_value(value) + '\n';
}

void PrometheusText::histogram(const std::string& name, const std::string& help,
                               const Labels& labels, const std::vector<double>& upper,
                               const std::vector<int64_t>& cumulative, double sum, int64_t count) {
  family(name, "histogram", help);
  for (size_t i = 0; i < upper.size(); ++i) {
    Labels l = labels;
    l.emplace_back("le", format_value(upper[i]));
    sample(name + "_bucket", l, static_cast<double>(cumulative[i]));
  }
  Labels inf = labels;
  inf.emplace_back("le", "+Inf");
  sample(name + "_bucket", inf, static_cast<double>(count));
  sample(name + "_sum", labels, sum);
  sample(name + "_count", labels, static_cast<double>(count));
}

}  // namespace aitrapp::ops
