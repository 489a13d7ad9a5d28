#include "market/indicators.hpp"

#include <algorithm>
#include <cmath>

namespace aitrapp {

void Atr::update(double high, double low, double prev_close, bool has_prev) {
  double tr = high - low;
  if (has_prev) tr = std::max({tr, std::fabs(high - prev_close), std::fabs(low - prev_close)});
  ++count_;
  value_ = count_ == 1 ? tr : value_ + (tr - value_) / std::min(count_, period_);
}

double Window::max() const {
  return *std::max_element(v_.begin(), v_.end());
}
double Window::min() const {
  return *std::min_element(v_.begin(), v_.end());
}
double Window::mean() const {
  double s = 0;
  for (double x : v_) s += x;
  return v_.empty() ? 0 : s / v_.size();
}

}  // namespace aitrapp
