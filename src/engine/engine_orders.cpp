// The engine's side of the order lifecycle: creating a bracket's orders, what an order's change
// means for its bracket (the OrderEvents listener), the entry's reprice-then-cancel deadlines
// and the wake-up the step asks for. The orders themselves, their requests, the status machine
// and the order-level deadlines are the order manager's (oms/order_manager.hpp).
#include <algorithm>

#include "core/ids.hpp"
#include "engine/engine.hpp"
#include "engine/engine_rules.hpp"

namespace aitrapp {

using engine_rules::role_index;

Order& Engine::new_order(BracketGroup& g, LegRole role, OrderType type, Side side, Qty qty,
                         Price limit, Price trigger) {
  const int attempt = g.attempts[role_index(role)]++;
  Order o;
  o.spec = OrderSpec{
      make_client_order_id(g.plan_id, role, attempt), g.symbol, side, type, qty, limit, trigger};
  o.plan_id = g.plan_id;
  o.role = role;
  o.attempt = attempt;
  o.parent_id = role == LegRole::Entry ? std::string() : g.entry_id;
  o.created = o.updated = now_;
  o.config_sha = cfg_.config_sha;
  Order& ref = oms_.add(std::move(o));
  plans_[ref.plan_id].orders.push_back(&ref);
  save(ref);
  oms_.place(ref);
  return ref;
}

void Engine::on_rejected(Order& o, bool retryable) {
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

void Engine::OrderEvents::order_event(const std::string& check, const std::string& reason,
                                      const Order& o) {
  engine.risk_event("ORDER", check, reason, o.spec.symbol, o.plan_id);
}

void Engine::OrderEvents::on_fill(Order& o, const OrderFilled& f) {
  engine.plans_[o.plan_id].fill_ids.push_back(f.fill_id);
  engine.on_fill(o, f);
}

void Engine::OrderEvents::on_resized(Order& o) {
  engine.brackets_.ensure_protection(engine.groups_.at(o.plan_id));
}

void Engine::OrderEvents::on_ack(TimeMs latency_ms) {
  engine.risk_.observe_ack(engine.now_, latency_ms);
}

void Engine::OrderEvents::on_band_reject() {
  ++engine.stats_.band_rejects;
  engine.risk_.observe_band_reject(engine.now_);
}

// ---------------------------------------------------------------------------------------------
// Deadlines.

// check_timeouts and next_wakeup both read the entry's deadline here, so a deadline the engine
// asks to be woken for is always one it acts on (a disagreement would wake it at the same
// instant forever).
Engine::EntryDeadline Engine::entry_deadline(const Order& o, TimeMs& at) const {
  if (o.role != LegRole::Entry || o.status != OrderStatus::Working || o.cancel_requested)
    return EntryDeadline::None;
  const TimeMs entry = cfg_.oms.entry_timeout_ms;
  if (!groups_.at(o.plan_id).repriced && !o.modify_in_flight) {
    at = o.created + entry;
    return EntryDeadline::Reprice;
  }
  at = o.created + 2 * entry;
  return EntryDeadline::Cancel;
}

void Engine::check_timeouts() {
  // The handlers below may add orders to the active set, never remove them.
  oms_.for_each_active([&](Order& o) {
    if (oms_.act_on_due_deadline(o)) return;
    TimeMs at = 0;
    const EntryDeadline due = entry_deadline(o, at);
    if (due == EntryDeadline::None || at > now_) return;
    if (due == EntryDeadline::Reprice) {
      BracketGroup& g = groups_.at(o.plan_id);
      g.repriced = true;
      save(g);
      if (!reprice_remainder(o, g) && now_ - o.created >= 2 * cfg_.oms.entry_timeout_ms)
        oms_.request_cancel(o);
      return;
    }
    oms_.request_cancel(o);
  });
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
  oms_.send_modify(o, o.filled + open, px, o.spec.trigger);
  return true;
}

TimeMs Engine::next_wakeup() const {
  TimeMs best = -1;
  auto consider = [&](TimeMs t) {
    if (t >= 0 && (best < 0 || t < best)) best = t;
  };
  consider(oms_.next_release());
  for (const Order* o : oms_.active()) {
    consider(oms_.next_deadline(*o));
    TimeMs at = -1;
    if (entry_deadline(*o, at) != EntryDeadline::None) consider(at);
  }
  if (!day_.empty() && !tightened_) consider(tighten_at_);
  if (!day_.empty() && !flattened_) consider(flat_at_);
  if (best >= 0 && best < now_) best = now_;
  return best;
}

}  // namespace aitrapp
