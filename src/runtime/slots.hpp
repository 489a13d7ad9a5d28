#pragma once
// Values parked until the event that names them is handled. An index stays valid until it is
// released; released indexes are reused, so a session that runs for weeks holds only what is still
// pending, not everything it ever scheduled. Not thread-safe (the driving thread's).
#include <cstddef>
#include <utility>
#include <vector>

namespace aitrapp {

template <class T>
class Slots {
 public:
  size_t put(T v) {
    if (free_.empty()) {
      items_.push_back(std::move(v));
      return items_.size() - 1;
    }
    const size_t i = free_.back();
    free_.pop_back();
    items_[i] = std::move(v);
    return i;
  }
  T& operator[](size_t i) { return items_[i]; }
  const T& operator[](size_t i) const { return items_[i]; }
  void release(size_t i) { free_.push_back(i); }
  T take(size_t i) {
    T v = std::move(items_[i]);
    release(i);
    return v;
  }
  size_t pending() const { return items_.size() - free_.size(); }

 private:
  std::vector<T> items_;
  std::vector<size_t> free_;
};

}  // namespace aitrapp
