#pragma once
// An order as the engine tracks it, from durable creation to a terminal state.
#include <string>

#include "core/time.hpp"
#include "venue/messages.hpp"

namespace aitrapp {

enum class OrderStatus {
  Pending,  // persisted and queued in the throttle, not yet sent
  Sent,     // request sent, no ack yet
  Working,  // acknowledged by the venue (possibly partially filled)
  Filled,
  Cancelled,
  Rejected,
};
const char* to_string(OrderStatus s);
bool is_terminal(OrderStatus s);
OrderStatus order_status_from_string(const std::string& s);
// The order status machine: whether `to` may follow `from`. Staying put is always allowed (a
// partial fill of a working order, an overfill of a filled one). Terminal states are final, with
// one exception: a fill completes a cancelled or rejected order, because fills are the venue's
// truth (a cancel can race a fill, and an order the engine gave up on may still have reached the
// venue). An acknowledged order never goes back to Pending or Sent: placing it again could
// double it.
bool transition_allowed(OrderStatus from, OrderStatus to);

struct Order {
  OrderSpec spec;
  std::string plan_id;
  LegRole role = LegRole::Entry;
  int attempt = 0;
  std::string parent_id;  // children: the entry's client_order_id
  OrderStatus status = OrderStatus::Pending;
  std::string venue_order_id;
  Qty filled;
  Money filled_notional;  // sum of fill price x qty, for the average fill price
  std::string reason;     // last reject/cancel reason
  TimeMs created = 0, sent = 0, acked = 0, updated = 0;
  int send_count = 0;  // times the place request went out (ack-timeout resends reuse the id)
  bool cancel_requested = false;
  bool modify_in_flight = false;
  TimeMs request_sent = 0;     // last cancel/modify request, for its answer timeout (not persisted)
  ModifyRequest modify;        // the modification in flight: only its echo confirms it
  int refusals = 0;            // refused modifies; past the retry budget the child is replaced
  bool query_pending = false;  // only the answer to a query in flight may say "unknown" or "open"
  TimeMs query_sent = 0;
  uint64_t query_seq = 0;  // the query whose answer counts
  // Requests for it still waiting in the throttle, and since when (not persisted). No answer is
  // awaited before its request has left: the answer deadlines restart when the last one goes.
  int queued = 0;
  TimeMs queued_at = 0;
  // Terminal by the engine's own decision (ack timeout, cancelled before any ack): the venue may
  // still hold it, so it is queried until the venue confirms, and cancelled if seen alive.
  bool unconfirmed = false;
  std::string config_sha;

  const std::string& id() const { return spec.client_order_id; }
  Qty open_qty() const { return spec.qty - filled; }
  bool live() const { return !is_terminal(status); }
  // Live, or closed by the engine alone: either way the venue may still fill it.
  bool active() const { return live() || unconfirmed; }
};

struct Fill {
  std::string fill_id, client_order_id, plan_id, symbol;
  Side side = Side::Buy;
  LegRole role = LegRole::Entry;
  Qty qty;
  Price price;
  TimeMs time = 0;
  std::string config_sha;
};

}  // namespace aitrapp
