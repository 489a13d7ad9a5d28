#pragma once
// The time-ordered queue a session driver steps through: events by time, then by kind (the
// order of the Kind enumerators), then by arrival, plus the engine's own wake-ups, each instant
// queued once. Shared by SimRuntime and LiveSession. Not thread-safe (the engine thread's).
#include <functional>
#include <queue>
#include <set>
#include <vector>

#include "engine/engine.hpp"

namespace aitrapp {

template <class Kind>
class EventSchedule {
 public:
  struct Item {
    TimeMs time;
    Kind kind;
    uint64_t seq;
    size_t index;  // into the driver's own Slots of that kind
    bool operator>(const Item& o) const {
      if (time != o.time) return time > o.time;
      if (kind != o.kind) return kind > o.kind;
      return seq > o.seq;
    }
  };

  void push(TimeMs t, Kind k, size_t index) { queue_.push(Item{t, k, seq_++, index}); }
  bool empty() const { return queue_.empty(); }
  const Item& top() const { return queue_.top(); }
  Item pop() {
    Item it = queue_.top();
    queue_.pop();
    if (it.kind == timer_kind_) timers_.erase(it.time);
    return it;
  }
  // Queues the engine's next wake-up as a `timer` event unless that instant is already queued.
  void schedule_timer(const Engine& engine) {
    const TimeMs w = engine.next_wakeup();
    if (w >= 0 && timers_.insert(w).second) push(w, timer_kind_, 0);
  }

  explicit EventSchedule(Kind timer) : timer_kind_(timer) {}

 private:
  Kind timer_kind_;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> queue_;
  uint64_t seq_ = 0;
  std::set<TimeMs> timers_;
};

}  // namespace aitrapp
