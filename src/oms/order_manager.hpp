#pragma once
// The order manager: every order of the day, the throttle its requests wait in, the venue's
// answers applied through the order status machine, and the order-level deadlines (an ack that
// does not come, a cancel or modify left unanswered, an order the engine closed that the venue
// may still hold). It decides nothing about brackets or risk: what an order's change means for
// its bracket goes to the OrderListener, in the same step and in the order the changes happen.
// Deterministic (the step's time is set by its owner); owned by the engine, one thread, not
// thread-safe.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/histogram.hpp"
#include "core/log.hpp"
#include "oms/order.hpp"
#include "oms/throttle.hpp"
#include "venue/messages.hpp"

namespace aitrapp {

struct OmsParams {
  int orders_per_second = 10;     // Kite's order rate limit
  int orders_per_minute = 0;      // 0: none (Kite: 400)
  TimeMs ack_timeout_ms = 5'000;  // resend (same id) when a placed order is not acknowledged
  int max_retries = 3;            // resends per order and new attempts per leg
  TimeMs entry_timeout_ms = 3 * kMinuteMs;  // then reprice the remainder once, then cancel
  bool reprice_entries = true;  // false: a resting entry is only cancelled at twice the timeout
};

// What the manager counts (part of the engine's counters, which the metrics export).
struct OrderCounters {
  int64_t orders = 0;
  int64_t orders_placed = 0;  // place requests sent for the first time
  int64_t duplicate_fills_ignored = 0;
  std::map<std::string, int64_t> retries;  // by kind: ack_timeout, cancel, modify_query, ...
  LatencyHistogramMs ack_latency_ms = make_latency_histogram_ms();
};

// What an order's change means for the rest of the engine. Called synchronously, inside the
// manager's call, so the listener may call back into the manager (place, cancel, modify).
class OrderListener {
 public:
  virtual ~OrderListener() = default;
  // The order changed: persist it (in the step's batch).
  virtual void save(const Order& o) = 0;
  // An ORDER risk event about `o` (`check`: ILLEGAL_TRANSITION, REJECT, ZOMBIE_ORDER, ...).
  virtual void order_event(const std::string& check, const std::string& reason, const Order& o) = 0;
  // `o` reached a terminal state (filled, cancelled, or settled as gone) without a fill.
  virtual void on_terminal(Order& o) = 0;
  // A fill not seen before (the manager drops repeated fill ids).
  virtual void on_fill(Order& o, const OrderFilled& f) = 0;
  // The venue confirmed a new size or price of a live order.
  virtual void on_resized(Order& o) = 0;
  // `o` was rejected (already stored as such); the listener may place a new attempt.
  virtual void on_rejected(Order& o, bool retryable) = 0;
  // Acknowledgement latency of a sent order, and a reject for the exchange's price band.
  virtual void on_ack(TimeMs latency_ms) = 0;
  virtual void on_band_reject() = 0;
};

class OrderManager {
 public:
  // Live or unconfirmed orders in id order; the pointers point into the manager's map, whose
  // elements never move.
  struct ById {
    bool operator()(const Order* a, const Order* b) const { return a->id() < b->id(); }
  };
  using ActiveSet = std::set<Order*, ById>;

  // `listener`, `log` and `counters` must outlive the manager.
  OrderManager(const OmsParams& params, OrderListener& listener, LogSink& log,
               OrderCounters& counters);

  // The step's time; every change made until the next call is stamped with it.
  void set_now(TimeMs now) { now_ = now; }

  // Takes a new order (logic_error when its client_order_id was ever used: ids are never
  // reused). It is not sent here: place() queues it.
  Order& add(Order o);
  // The orders of the store after a restart, and the fill ids already applied to them. Every
  // live order is queried: the venue answers with what it holds, and an order it never saw is
  // placed again under the same id. Returns the number of live orders.
  int restore(const std::vector<Order>& orders, const std::set<std::string>& fill_ids);
  // Drops a settled order and a fill id from memory (a new day keeps only what is open).
  void forget(const std::string& client_order_id);
  void forget_fill(const std::string& fill_id) { fill_ids_.erase(fill_id); }

  Order* find(const std::string& client_order_id);
  Order& at(const std::string& client_order_id) { return orders_.at(client_order_id); }
  const Order& at(const std::string& client_order_id) const { return orders_.at(client_order_id); }
  const std::map<std::string, Order>& all() const { return orders_; }
  const ActiveSet& active() const { return active_; }
  size_t throttle_depth(Lane lane) const { return throttle_.depth(lane); }

  // Requests. Each goes through the throttle in its lane; none leaves before release().
  void place(Order& o);
  void request_cancel(Order& o);  // once; an unsent order is settled when its place is released
  void query(Order& o);           // ask the venue what it holds (the answer supersedes older ones)
  // One modification at a time; it is settled only by its echo or by a query answer.
  void send_modify(Order& o, Qty qty, Price limit, Price trigger);

  // The only place an order's status changes (with its `updated` time). A change the status
  // machine refuses is a bug: the order keeps its status and an ILLEGAL_TRANSITION event names
  // both, so it shows in the events, the store and the property test.
  bool set_status(Order& o, OrderStatus to);
  // Rejected with `reason`, stored, reported, then the listener's on_rejected.
  void reject(Order& o, const std::string& reason, bool retryable);
  // An order the venue does not (or no longer) hold: cancelled with `reason`, stored, and the
  // listener told.
  void settle_cancelled(Order& o, std::string reason);

  // Applies one venue answer; an answer for an order the manager does not know is logged.
  void apply(const VenueEvent& ev);

  // The requests the throttle lets go now, appended to `out` (the orders they place are Sent
  // from here on). An order cancelled while its place waited never reaches the venue.
  void release(std::vector<VenueRequest>& out);

  // Visits each active order in id order (pruning settled ones); `visit` may add orders, which
  // it may or may not see in this pass.
  template <class Visit>
  void for_each_active(Visit&& visit) {
    for (auto it = active_.begin(); it != active_.end();) {
      Order& o = **it;
      if (!o.active()) {
        it = active_.erase(it);
        continue;
      }
      ++it;
      visit(o);
    }
  }
  // Acts on the order-level deadline of `o` that is due, if any; true when one was.
  bool act_on_due_deadline(Order& o);
  // The earliest order-level deadline of `o`, or -1.
  TimeMs next_deadline(const Order& o) const;
  // When the throttle can next release a request, or -1 if none waits.
  TimeMs next_release() const { return throttle_.next_release(now_); }

 private:
  enum class Deadline { None, Ack, Unconfirmed, Request };
  template <class Visit>  // Visit(Deadline, TimeMs at) -> true to stop
  void for_each_deadline(const Order& o, Visit&& visit) const;
  void enqueue(Order& o, VenueRequest r);
  void left_throttle(Order& o);  // one of its requests was released to the venue
  void reconcile_unconfirmed(Order& o, const VenueEvent::Body& body);
  // Warnings about one order; the fields are built only when the log sink writes.
  void warn(const char* event, const std::string& client_order_id) {
    log_event(log_, now_, "warn", event, [&] {
      return LogFields{{"client_order_id", client_order_id}};
    });
  }
  void warn(const char* event, const std::string& client_order_id, const std::string& reason) {
    log_event(log_, now_, "warn", event, [&] {
      return LogFields{{"client_order_id", client_order_id}, {"reason", reason}};
    });
  }

  OmsParams params_;
  OrderListener& listener_;
  LogSink& log_;
  OrderCounters& counters_;
  TimeMs now_ = 0;
  PriorityThrottle throttle_;
  std::map<std::string, Order> orders_;
  // An order leaves when it is neither live nor unconfirmed, which is final, so the set is
  // pruned lazily as it is walked.
  ActiveSet active_;
  std::set<std::string> fill_ids_;
  uint64_t query_seq_ = 0;
};

// Exits, stops and targets wait in the exit lane; entries in the entry lane.
inline Lane lane_of(LegRole r) {
  return is_exit_role(r) ? Lane::Exit : Lane::Entry;
}

}  // namespace aitrapp
