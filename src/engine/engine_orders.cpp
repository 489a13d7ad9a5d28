// The order lifecycle inside the engine: creating orders, the requests that go through the
// throttle, the status machine applied to venue answers, and the deadlines (ack, unconfirmed,
// request, entry reprice and cancel) with the wake-up they ask for.
#include <algorithm>

#include "core/ids.hpp"
#include "core/overloaded.hpp"
#include "engine/engine.hpp"
#include "engine/engine_rules.hpp"

namespace aitrapp {

using engine_rules::lane_of;
using engine_rules::role_index;

Order& Engine::new_order(BracketGroup& g, LegRole role, OrderType type, Side side, Qty qty,
                         Price limit, Price trigger) {
  const int attempt = g.attempts[role_index(role)]++;
  Order o;
  o.spec = OrderSpec{
      make_client_order_id(g.plan_id, role, attempt), g.symbol, side, type, qty, limit, trigger};
  if (orders_.count(o.id())) throw std::logic_error("client_order_id reused: " + o.id());
  o.plan_id = g.plan_id;
  o.role = role;
  o.attempt = attempt;
  o.parent_id = role == LegRole::Entry ? std::string() : g.entry_id;
  o.created = o.updated = now_;
  o.config_sha = cfg_.config_sha;
  Order& ref = orders_[o.id()] = o;
  index_order(ref);
  ++stats_.orders;
  save(ref);
  enqueue(ref, PlaceRequest{ref.spec, lane_of(role)});
  return ref;
}

void Engine::enqueue(Order& o, VenueRequest r) {
  if (o.queued++ == 0) o.queued_at = now_;
  throttle_.push(std::move(r));
}

void Engine::left_throttle(Order& o) {
  if (o.queued == 0 || --o.queued > 0) return;
  // Stamped while it waited: the deadlines run from now, when the venue can first see it.
  for (TimeMs* t : {&o.sent, &o.request_sent, &o.query_sent})
    if (*t >= o.queued_at) *t = now_;
}

void Engine::query(Order& o) {
  o.query_pending = true;
  o.query_sent = now_;
  o.query_seq = ++query_seq_;
  enqueue(o, QueryRequest{o.id(), o.query_seq, Lane::Exit});
}

void Engine::request_cancel(Order& o) {
  if (!o.live() || o.cancel_requested) return;
  o.cancel_requested = true;
  o.updated = o.request_sent = now_;
  save(o);
  if (o.status != OrderStatus::Pending) enqueue(o, CancelRequest{o.id()});
}

// One modification at a time; it is settled only by its echo or by a query answer.
void Engine::send_modify(Order& o, Qty qty, Price limit, Price trigger) {
  o.modify_in_flight = true;
  o.request_sent = now_;
  o.modify = ModifyRequest{o.id(), qty, limit, trigger, lane_of(o.role)};
  save(o);
  enqueue(o, o.modify);
}

bool Engine::set_status(Order& o, OrderStatus to) {
  if (!transition_allowed(o.status, to)) {
    risk_event("ORDER", "ILLEGAL_TRANSITION",
               o.id() + ": " + to_string(o.status) + " -> " + to_string(to) + " refused",
               o.spec.symbol, o.plan_id);
    return false;
  }
  o.status = to;
  o.updated = now_;
  return true;
}

void Engine::handle_reject(Order& o, const std::string& reason, bool retryable) {
  set_status(o, OrderStatus::Rejected);
  o.reason = reason;
  save(o);
  risk_event("ORDER", "REJECT", o.id() + ": " + reason, o.spec.symbol, o.plan_id);
  BracketGroup& g = groups_.at(o.plan_id);
  if (retryable && o.role == LegRole::Entry && g.state == BracketState::Entering &&
      g.entry_filled.units == 0 && g.attempts[role_index(LegRole::Entry)] <= cfg_.oms.max_retries &&
      risk_.entries_allowed()) {
    ++stats_.retries["entry_attempt"];
    Order& e = new_order(g, LegRole::Entry, o.spec.type, o.spec.side, o.spec.qty, o.spec.limit,
                         o.spec.trigger);
    g.entry_id = e.id();
    save(g);
    return;
  }
  on_order_terminal(o);
}

void Engine::settle_cancelled(Order& o, std::string reason) {
  set_status(o, OrderStatus::Cancelled);
  o.reason = std::move(reason);
  save(o);
  on_order_terminal(o);
}

void Engine::reconcile_unconfirmed(Order& o, const VenueEvent::Body& body) {
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
    risk_event("ORDER", "ZOMBIE_ORDER",
               o.id() + " is alive at the venue after the engine closed it", o.spec.symbol,
               o.plan_id);
    o.request_sent = now_;
    enqueue(o, CancelRequest{o.id()});
  } else if (gone) {
    o.unconfirmed = false;  // the venue does not hold it (any more)
    save(o);
    on_order_terminal(o);  // the bracket may have been waiting for exactly this
  }
}

void Engine::apply_venue_event(const VenueEvent& ev) {
  auto it = orders_.find(event_client_id(ev));
  if (it == orders_.end()) {
    log("warn", "venue_event_unknown_order", {{"client_order_id", event_client_id(ev)}});
    return;
  }
  Order& o = it->second;
  if (o.unconfirmed) reconcile_unconfirmed(o, ev.body);
  std::visit(
      overloaded{
          [&](const OrderAcked& a) {
            if (o.status == OrderStatus::Pending || o.status == OrderStatus::Sent) {
              if (o.status == OrderStatus::Sent) {
                stats_.ack_latency_ms.observe(now_ - o.sent);
                risk_.observe_ack(now_, now_ - o.sent);
              }
              set_status(o, OrderStatus::Working);
              o.venue_order_id = a.venue_order_id;
              o.acked = now_;
              save(o);
            }
          },
          [&](const OrderRejected& r) {
            if (!o.live()) return;
            if (r.price_band) {
              ++stats_.band_rejects;
              risk_.observe_band_reject(now_);
            }
            handle_reject(o, r.reason, r.retryable);
          },
          [&](const OrderFilled& f) {
            // Fills are the venue's truth: applied whatever we believed, but once per id.
            if (!fill_ids_.insert(f.fill_id).second) {
              ++stats_.duplicate_fills_ignored;
              return;
            }
            plans_[o.plan_id].fill_ids.push_back(f.fill_id);
            on_fill(o, f);
          },
          [&](const OrderCancelled&) {
            if (!o.live()) return;
            set_status(o, OrderStatus::Cancelled);
            save(o);
            on_order_terminal(o);
          },
          [&](const OrderModified& m) {
            // Only the echo of the modification in flight confirms it; anything else is a stale
            // or replayed update and must not resize the order.
            const ModifyRequest& want = o.modify;
            if (!o.modify_in_flight || m.qty != want.qty || m.limit != want.limit ||
                m.trigger != want.trigger) {
              log("warn", "stale_modify_ignored", {{"client_order_id", o.id()}});
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
              save(o);
              on_order_terminal(o);
              return;
            }
            save(o);
            ensure_protection(groups_.at(o.plan_id));
          },
          [&](const RequestRefused& r) {
            log("warn", "request_refused", {{"client_order_id", o.id()}, {"reason", r.reason}});
            // A refused cancel means the venue sees the order differently: ask what it sees.
            if (o.cancel_requested && o.live()) query(o);
            if (!o.modify_in_flight || !o.live()) return;
            // The refusal may be stale: the order's state decides. A child refused too often is
            // replaced outright.
            if (++o.refusals > cfg_.oms.max_retries && o.role != LegRole::Entry) request_cancel(o);
            if (!o.query_pending) query(o);
          },
          [&](const OrderState& st) {
            // A state that disagrees with the fills applied is in flight or stale: not final.
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
              save(o);
              ensure_protection(groups_.at(o.plan_id));
              return;
            }
            o.modify_in_flight = false;
            o.spec.qty = st.qty;
            set_status(o, o.filled >= st.qty ? OrderStatus::Filled : OrderStatus::Cancelled);
            save(o);
            on_order_terminal(o);
          },
          [&](const OrderUnknown& u) {
            // Only the answer to the query in flight counts.
            if (!o.live() || !o.query_pending || u.seq != o.query_seq) return;
            o.query_pending = false;
            if (o.status == OrderStatus::Working) {
              // Acknowledged once, unknown now (a venue restarted without its book, or state
              // recovered against another venue session): nothing there can fill, and sending it
              // again could double it. Settle it as gone and let the bracket re-protect or exit.
              risk_event("ORDER", "VENUE_LOST_ORDER",
                         o.id() +
                             " was acknowledged but the venue no longer knows it; settled "
                             "as cancelled",
                         o.spec.symbol, o.plan_id);
              o.modify_in_flight = false;
              return settle_cancelled(o, "unknown at the venue after its acknowledgement");
            }
            if (o.cancel_requested) {
              o.unconfirmed = true;
              o.request_sent = now_;
              return settle_cancelled(o, "cancelled before reaching the venue");
            }
            set_status(o, OrderStatus::Pending);
            save(o);
            ++stats_.retries["place_unknown"];
            enqueue(o, PlaceRequest{o.spec, lane_of(o.role)});
          },
      },
      ev.body);
}

// ---------------------------------------------------------------------------------------------
// Deadlines.

// The deadlines an order waits on, in the order check_timeouts acts on them. check_timeouts and
// next_wakeup both read them here, so a deadline the engine asks to be woken for is always one it
// acts on (a disagreement would wake it at the same instant forever).
template <class Visit>
void Engine::for_each_deadline(const Order& o, Visit&& visit) const {
  const TimeMs ack = cfg_.oms.ack_timeout_ms;
  // A request still in the throttle has no answer to wait for: repeating it would only lengthen
  // the queue (a flatten at 10 orders/s once sent each cancel three times over).
  if (o.queued == 0) {
    if (o.status == OrderStatus::Sent && visit(Deadline::Ack, o.sent + ack)) return;
    if (o.unconfirmed && visit(Deadline::Unconfirmed, o.request_sent + ack)) return;
    if (o.live() && o.status != OrderStatus::Pending &&
        (o.cancel_requested || o.modify_in_flight) &&
        visit(Deadline::Request, o.request_sent + ack))
      return;
  }
  if (o.role != LegRole::Entry || o.status != OrderStatus::Working || o.cancel_requested) return;
  const TimeMs entry = cfg_.oms.entry_timeout_ms;
  if (!groups_.at(o.plan_id).repriced && !o.modify_in_flight)
    visit(Deadline::EntryReprice, o.created + entry);
  else
    visit(Deadline::EntryCancel, o.created + 2 * entry);
}

void Engine::check_timeouts() {
  for (auto it = active_orders_.begin(); it != active_orders_.end();) {
    Order& o = **it;
    if (!o.active()) {  // settled for good: no deadline any more
      it = active_orders_.erase(it);
      continue;
    }
    ++it;  // the handlers below may add orders to the set, never remove them
    const std::string& id = o.id();
    Deadline due = Deadline::None;
    for_each_deadline(o, [&](Deadline kind, TimeMs at) {
      if (at > now_) return false;
      due = kind;
      return true;
    });
    switch (due) {
      case Deadline::None:
        break;
      case Deadline::Ack:
        if (o.send_count > cfg_.oms.max_retries) {
          o.unconfirmed = true;
          o.request_sent = now_;
          handle_reject(o, "ACK_TIMEOUT", false);
          enqueue(o, CancelRequest{id});  // in case it did arrive
          break;
        }
        ++stats_.retries["ack_timeout"];
        o.sent = now_;
        ++o.send_count;
        query(o);
        break;
      case Deadline::Unconfirmed:
        ++stats_.retries["unconfirmed_query"];
        o.request_sent = now_;
        query(o);
        break;
      case Deadline::Request:
        // An unanswered cancel is sent again (cancels are idempotent); an unanswered modify is
        // resolved by asking the venue for the order's state, never by guessing.
        ++stats_.retries[o.cancel_requested ? "cancel" : "modify_query"];
        o.request_sent = now_;
        if (o.cancel_requested)
          enqueue(o, CancelRequest{id});
        else
          query(o);
        break;
      case Deadline::EntryReprice: {
        BracketGroup& g = groups_.at(o.plan_id);
        g.repriced = true;
        save(g);
        if (!reprice_remainder(o, g) && now_ - o.created >= 2 * cfg_.oms.entry_timeout_ms)
          request_cancel(o);
        break;
      }
      case Deadline::EntryCancel:
        request_cancel(o);
        break;
    }
  }
}

// Moves a resting entry's remainder to the touch, shrunk to what the per-trade and heat caps
// still allow after the filled part. False when no lot fits or the price is not acceptable.
bool Engine::reprice_remainder(Order& o, BracketGroup& g) {
  if (!cfg_.oms.reprice_entries) return false;
  const Quote& q = quotes_[o.spec.symbol];
  const Instrument& in = inst(o.spec.symbol);
  const bool buy = o.spec.side == Side::Buy;
  const Price px = buy ? q.ask : q.bid;
  if (!q.valid || px == o.spec.limit || !is_on_tick(px, in.tick) ||
      !within_band(px, q.last, in.band_bps) || !(buy ? g.stop < px : g.stop > px))
    return false;
  const Money filled_risk = bracket_risk(in, g.avg_entry(), g.stop, g.net);
  const Money per_trade_left =
      pct_of(cfg_.limits.capital, cfg_.limits.per_trade_risk_bps) - filled_risk;
  const Money heat_left =
      pct_of(cfg_.limits.capital, cfg_.limits.heat_bps) - (heat() - group_risk(g)) - filled_risk;
  const Money budget = std::min(per_trade_left, heat_left);
  const Money per_lot = bracket_risk(in, px, g.stop, in.lot);
  const int64_t lots = per_lot.raw > 0 && budget.raw > 0 ? budget.raw / per_lot.raw : 0;
  const Qty open{std::min(o.open_qty().units, lots * in.lot.units)};
  if (open.units == 0) {
    risk_event("BLOCK", "REPRICE_RISK",
               "no lot of " + o.id() + " fits the caps at " + to_string(px), o.spec.symbol,
               o.plan_id);
    return false;
  }
  send_modify(o, o.filled + open, px, o.spec.trigger);
  return true;
}

TimeMs Engine::next_wakeup() const {
  TimeMs best = -1;
  auto consider = [&](TimeMs t) {
    if (t >= 0 && (best < 0 || t < best)) best = t;
  };
  consider(throttle_.next_release(now_));
  for (const Order* o : active_orders_)
    for_each_deadline(*o, [&](Deadline, TimeMs at) {
      consider(at);
      return false;
    });
  if (!day_.empty() && !tightened_) consider(tighten_at_);
  if (!day_.empty() && !flattened_) consider(flat_at_);
  if (best >= 0 && best < now_) best = now_;
  return best;
}

}  // namespace aitrapp
