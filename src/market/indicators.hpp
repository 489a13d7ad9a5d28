#pragma once
// Streaming indicators for strategies. Scores are dimensionless doubles; prices stay fixed-point
// until the strategy proposes a bracket, which is then quantized. Not thread-safe (engine-owned).
#include <cstddef>
#include <deque>

namespace aitrapp {

class Ema {
 public:
  explicit Ema(int period) : alpha_(2.0 / (period + 1)) {}
  void update(double x) {
    value_ = seeded_ ? value_ + alpha_ * (x - value_) : x;
    seeded_ = true;
  }
  double value() const { return value_; }
  bool ready() const { return seeded_; }

 private:
  double alpha_;
  double value_ = 0;
  bool seeded_ = false;
};

// Wilder's average true range.
class Atr {
 public:
  explicit Atr(int period) : period_(period) {}
  void update(double high, double low, double prev_close, bool has_prev);
  double value() const { return value_; }
  bool ready() const { return count_ >= period_; }

 private:
  int period_;
  int count_ = 0;
  double value_ = 0;
};

// Fixed-size window of recent values.
class Window {
 public:
  explicit Window(size_t n) : n_(n) {}
  void push(double x) {
    v_.push_back(x);
    if (v_.size() > n_) v_.pop_front();
  }
  bool full() const { return v_.size() == n_; }
  size_t size() const { return v_.size(); }
  double max() const;
  double min() const;
  double mean() const;
  double oldest() const { return v_.front(); }

 private:
  size_t n_;
  std::deque<double> v_;
};

}  // namespace aitrapp
