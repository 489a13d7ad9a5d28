#include "oms/order_manager.hpp"

#include <stdexcept>

#include "core/overloaded.hpp"

namespace aitrapp {

OrderManager::OrderManager(const OmsParams& params, OrderListener& listener, LogSink& log,
                           OrderCounters& counters)
    : params_(params),
      listener_(listener),
      log_(log),
      counters_(counters),
      throttle_(params.orders_per_second, params.orders_per_minute) {}

Order& OrderManager::add(Order o) {
  auto [it, inserted] = orders_.try_emplace(o.id(), std::move(o));
  if (!inserted) throw std::logic_error("client_order_id reused: " + it->first);
  Order& ref = it->second;
  if (ref.active()) active_.insert(&ref);
  ++counters_.orders;
  return ref;
}

int OrderManager::restore(const std::vector<Order>& orders, const std::set<std::string>& fill_ids) {
  for (const Order& o : orders) orders_[o.id()] = o;
  for (auto& [_, o] : orders_)
    if (o.active()) active_.insert(&o);
  fill_ids_ = fill_ids;
  int live = 0;
  for (auto& [_, o] : orders_) {
    if (!o.live()) continue;
    ++live;
    o.modify_in_flight = false;
    o.request_sent = now_;
    query(o);
    if (o.status == OrderStatus::Sent || o.status == OrderStatus::Working) o.sent = now_;
  }
  return live;
}

void OrderManager::forget(const std::string& client_order_id) {
  auto it = orders_.find(client_order_id);
  if (it == orders_.end()) return;
  active_.erase(&it->second);
  orders_.erase(it);
}

Order* OrderManager::find(const std::string& client_order_id) {
  auto it = orders_.find(client_order_id);
  return it == orders_.end() ? nullptr : &it->second;
}

// ---------------------------------------------------------------------------------------------
// Requests.

void OrderManager::enqueue(Order& o, VenueRequest r) {
  if (o.queued++ == 0) o.queued_at = now_;
  throttle_.push(std::move(r));
}

void OrderManager::left_throttle(Order& o) {
  if (o.queued == 0 || --o.queued > 0) return;
  // Stamped while it waited: the deadlines run from now, when the venue can first see it.
  for (TimeMs* t : {&o.sent, &o.request_sent, &o.query_sent})
    if (*t >= o.queued_at) *t = now_;
}

void OrderManager::place(Order& o) {
  enqueue(o, PlaceRequest{o.spec, lane_of(o.role)});
}

void OrderManager::query(Order& o) {
  o.query_pending = true;
  o.query_sent = now_;
  o.query_seq = ++query_seq_;
  enqueue(o, QueryRequest{o.id(), o.query_seq, Lane::Exit});
}

void OrderManager::request_cancel(Order& o) {
  if (!o.live() || o.cancel_requested) return;
  o.cancel_requested = true;
  o.updated = o.request_sent = now_;
  listener_.save(o);
  if (o.status != OrderStatus::Pending) enqueue(o, CancelRequest{o.id()});
}

void OrderManager::send_modify(Order& o, Qty qty, Price limit, Price trigger) {
  o.modify_in_flight = true;
  o.request_sent = now_;
  o.modify = ModifyRequest{o.id(), qty, limit, trigger, lane_of(o.role)};
  listener_.save(o);
  enqueue(o, o.modify);
}

void OrderManager::release(std::vector<VenueRequest>& out) {
  for (auto& r : throttle_.release(now_)) {
    Order* o = find(request_client_id(r));
    if (o) left_throttle(*o);
    if (auto* place = std::get_if<PlaceRequest>(&r)) {
      if (!o) continue;
      if (o->status != OrderStatus::Pending) continue;  // answered meanwhile (e.g. by a query)
      if (o->cancel_requested) {  // cancelled while queued: it never reaches the venue
        settle_cancelled(*o, "cancelled before send");
        continue;
      }
      place->spec = o->spec;  // the queued copy may predate a resize
      set_status(*o, OrderStatus::Sent);
      o->sent = now_;
      if (++o->send_count == 1) ++counters_.orders_placed;
      listener_.save(*o);
    }
    out.push_back(std::move(r));
  }
}

// ---------------------------------------------------------------------------------------------
// Status.

bool OrderManager::set_status(Order& o, OrderStatus to) {
  if (!transition_allowed(o.status, to)) {
    listener_.order_event("ILLEGAL_TRANSITION",
                          o.id() + ": " + to_string(o.status) + " -> " + to_string(to) + " refused",
                          o);
    return false;
  }
  o.status = to;
  o.updated = now_;
  return true;
}

void OrderManager::reject(Order& o, const std::string& reason, bool retryable) {
  set_status(o, OrderStatus::Rejected);
  o.reason = reason;
  listener_.save(o);
  listener_.order_event("REJECT", o.id() + ": " + reason, o);
  listener_.on_rejected(o, retryable);
}

void OrderManager::settle_cancelled(Order& o, std::string reason) {
  set_status(o, OrderStatus::Cancelled);
  o.reason = std::move(reason);
  listener_.save(o);
  listener_.on_terminal(o);
}

// ---------------------------------------------------------------------------------------------
// Venue answers.

void OrderManager::reconcile_unconfirmed(Order& o, const VenueEvent::Body& body) {
  const auto* state = std::get_if<OrderState>(&body);
  const auto* unknown = std::get_if<OrderUnknown>(&body);
  const bool alive = std::holds_alternative<OrderAcked>(body) ||
                     std::holds_alternative<OrderFilled>(body) || (state && state->open);
  // Gone for good: cancelled, rejected, a closed state, or "unknown" in answer to the current
  // query.
  const bool gone = std::holds_alternative<OrderCancelled>(body) ||
                    std::holds_alternative<OrderRejected>(body) || (state && !state->open) ||
                    (unknown && unknown->seq == o.query_seq);
  if (alive) {
    listener_.order_event("ZOMBIE_ORDER",
                          o.id() + " is alive at the venue after the engine closed it", o);
    o.request_sent = now_;
    enqueue(o, CancelRequest{o.id()});
  } else if (gone) {
    o.unconfirmed = false;  // the venue does not hold it (any more)
    listener_.save(o);
    listener_.on_terminal(o);  // the bracket may have been waiting for exactly this
  }
}

void OrderManager::apply(const VenueEvent& ev) {
  Order* found = find(event_client_id(ev));
  if (!found) {
    warn("venue_event_unknown_order", event_client_id(ev));
    return;
  }
  Order& o = *found;
  if (o.unconfirmed) reconcile_unconfirmed(o, ev.body);
  std::visit(overloaded{
                 [&](const OrderAcked& a) {
                   if (o.status != OrderStatus::Pending && o.status != OrderStatus::Sent) return;
                   if (o.status == OrderStatus::Sent) {
                     counters_.ack_latency_ms.observe(now_ - o.sent);
                     listener_.on_ack(now_ - o.sent);
                   }
                   set_status(o, OrderStatus::Working);
                   o.venue_order_id = a.venue_order_id;
                   o.acked = now_;
                   listener_.save(o);
                 },
                 [&](const OrderRejected& r) {
                   if (!o.live()) return;
                   if (r.price_band) listener_.on_band_reject();
                   reject(o, r.reason, r.retryable);
                 },
                 [&](const OrderFilled& f) {
                   // Fills are the venue's truth: applied whatever we believed, but once per id.
                   if (!fill_ids_.insert(f.fill_id).second) {
                     ++counters_.duplicate_fills_ignored;
                     return;
                   }
                   listener_.on_fill(o, f);
                 },
                 [&](const OrderCancelled&) {
                   if (!o.live()) return;
                   set_status(o, OrderStatus::Cancelled);
                   listener_.save(o);
                   listener_.on_terminal(o);
                 },
                 [&](const OrderModified& m) {
                   // Only the echo of the modification in flight confirms it; anything else is a
                   // stale or replayed update and must not resize the order.
                   const ModifyRequest& want = o.modify;
                   if (!o.modify_in_flight || m.qty != want.qty || m.limit != want.limit ||
                       m.trigger != want.trigger) {
                     warn("stale_modify_ignored", o.id());
                     return;
                   }
                   o.modify_in_flight = false;
                   o.refusals = 0;
                   if (o.live()) {
                     o.spec.qty = m.qty;
                     o.spec.limit = m.limit;
                     o.spec.trigger = m.trigger;
                   }
                   o.updated = now_;
                   if (o.live() && o.filled >= o.spec.qty) {  // shrunk onto what had already filled
                     set_status(o, OrderStatus::Filled);
                     listener_.save(o);
                     listener_.on_terminal(o);
                     return;
                   }
                   listener_.save(o);
                   listener_.on_resized(o);
                 },
                 [&](const RequestRefused& r) {
                   warn("request_refused", o.id(), r.reason);
                   // A refused cancel means the venue sees the order differently: ask what it sees.
                   if (o.cancel_requested && o.live()) query(o);
                   if (!o.modify_in_flight || !o.live()) return;
                   // The refusal may be stale: the order's state decides. A child refused too often
                   // is replaced outright.
                   if (++o.refusals > params_.max_retries && o.role != LegRole::Entry)
                     request_cancel(o);
                   if (!o.query_pending) query(o);
                 },
                 [&](const OrderState& st) {
                   // A state that disagrees with the fills applied is in flight or stale: not
                   // final.
                   if (!o.live() || o.filled != st.filled) return;
                   if (st.open && (!o.query_pending || st.seq != o.query_seq))
                     return;  // stale; closed is final
                   o.query_pending = false;
                   o.updated = now_;
                   if (st.open) {
                     // A modify sent at or after the query may not be reflected in this answer.
                     if (o.modify_in_flight && o.request_sent >= o.query_sent) return;
                     o.modify_in_flight = false;
                     o.spec.qty = st.qty;
                     set_status(o, OrderStatus::Working);
                     listener_.save(o);
                     listener_.on_resized(o);
                     return;
                   }
                   o.modify_in_flight = false;
                   o.spec.qty = st.qty;
                   set_status(o, o.filled >= st.qty ? OrderStatus::Filled : OrderStatus::Cancelled);
                   listener_.save(o);
                   listener_.on_terminal(o);
                 },
                 [&](const OrderUnknown& u) {
                   // Only the answer to the query in flight counts.
                   if (!o.live() || !o.query_pending || u.seq != o.query_seq) return;
                   o.query_pending = false;
                   if (o.status == OrderStatus::Working) {
                     // Acknowledged once, unknown now (a venue restarted without its book, or state
                     // recovered against another venue session): nothing there can fill, and
                     // sending it again could double it. Settle it as gone and let the bracket
                     // re-protect or exit.
                     listener_.order_event(
                         "VENUE_LOST_ORDER",
                         o.id() +
                             " was acknowledged but the venue no longer knows it; "
                             "settled as cancelled",
                         o);
                     o.modify_in_flight = false;
                     return settle_cancelled(o, "unknown at the venue after its acknowledgement");
                   }
                   if (o.cancel_requested) {
                     o.unconfirmed = true;
                     o.request_sent = now_;
                     return settle_cancelled(o, "cancelled before reaching the venue");
                   }
                   set_status(o, OrderStatus::Pending);
                   listener_.save(o);
                   ++counters_.retries["place_unknown"];
                   place(o);
                 },
             },
             ev.body);
}

// ---------------------------------------------------------------------------------------------
// Deadlines.

// The deadlines an order waits on, in the order act_on_due_deadline acts on them. It and
// next_deadline both read them here, so a deadline the owner is woken for is always one acted on
// (a disagreement would wake it at the same instant forever).
template <class Visit>
void OrderManager::for_each_deadline(const Order& o, Visit&& visit) const {
  // A request still in the throttle has no answer to wait for: repeating it would only lengthen
  // the queue (a flatten at 10 orders/s once sent each cancel three times over).
  if (o.queued > 0) return;
  const TimeMs ack = params_.ack_timeout_ms;
  if (o.status == OrderStatus::Sent && visit(Deadline::Ack, o.sent + ack)) return;
  if (o.unconfirmed && visit(Deadline::Unconfirmed, o.request_sent + ack)) return;
  if (o.live() && o.status != OrderStatus::Pending && (o.cancel_requested || o.modify_in_flight))
    visit(Deadline::Request, o.request_sent + ack);
}

bool OrderManager::act_on_due_deadline(Order& o) {
  Deadline due = Deadline::None;
  for_each_deadline(o, [&](Deadline kind, TimeMs at) {
    if (at > now_) return false;
    due = kind;
    return true;
  });
  switch (due) {
    case Deadline::None:
      return false;
    case Deadline::Ack:
      if (o.send_count > params_.max_retries) {
        o.unconfirmed = true;
        o.request_sent = now_;
        reject(o, "ACK_TIMEOUT", false);
        enqueue(o, CancelRequest{o.id()});  // in case it did arrive
        break;
      }
      ++counters_.retries["ack_timeout"];
      o.sent = now_;
      ++o.send_count;
      query(o);
      break;
    case Deadline::Unconfirmed:
      ++counters_.retries["unconfirmed_query"];
      o.request_sent = now_;
      query(o);
      break;
    case Deadline::Request:
      // An unanswered cancel is sent again (cancels are idempotent); an unanswered modify is
      // resolved by asking the venue for the order's state, never by guessing.
      ++counters_.retries[o.cancel_requested ? "cancel" : "modify_query"];
      o.request_sent = now_;
      if (o.cancel_requested)
        enqueue(o, CancelRequest{o.id()});
      else
        query(o);
      break;
  }
  return true;
}

TimeMs OrderManager::next_deadline(const Order& o) const {
  TimeMs best = -1;
  for_each_deadline(o, [&](Deadline, TimeMs at) {
    if (best < 0 || at < best) best = at;
    return false;
  });
  return best;
}

}  // namespace aitrapp
