#pragma once
// The queue a live venue adapter keeps between the engine and its worker thread, whatever the
// venue: two lanes with exits before entries (the request carries its lane), one queued query or
// cancel per order (the engine asks again when an answer is late; repeats would pile up behind a
// venue's 429s), a queued placement the engine cancels withdrawn before it is sent, and each
// job's backoff after a transient failure. A plain value, not thread-safe: the adapter's own
// lock guards it, so one condition variable can wait on it and on the adapter's other inputs.
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "venue/messages.hpp"

namespace aitrapp {

class RequestLanes {
 public:
  struct Job {
    VenueRequest req;
    int attempts = 0;
    int64_t not_before = 0;     // steady ms
    bool lookup_first = false;  // the venue may hold it already: look before placing again
  };

  // Queues `r` at the back of its lane; a query or cancel for an order that has one queued
  // already is merged into it (a query keeps the newest sequence number).
  void push(const VenueRequest& r);
  // Takes a queued placement of `client_order_id` out of the queue; false: none was queued.
  bool withdraw_place(const std::string& client_order_id);
  // Whether a job may go at `now` (its backoff over), and the first such, exits first: a job
  // waiting out its backoff does not hold up the others behind it.
  bool ready(int64_t now) const;
  std::optional<Job> take_ready(int64_t now);
  // A job that could not go yet returns to the front of its lane.
  void put_back(Job job);
  size_t depth(Lane lane) const { return lane == Lane::Exit ? exits_.size() : entries_.size(); }

  // The next attempt of `job` after a transient failure: 250 ms, doubling to at most `max`.
  static void back_off(Job& job, int64_t now, std::chrono::milliseconds max);

 private:
  std::deque<Job>& lane(const VenueRequest& r) {
    return lane_of(r) == Lane::Exit ? exits_ : entries_;
  }
  std::deque<Job> exits_, entries_;
};

}  // namespace aitrapp
