// The OCO bracket inside the engine: protection sized to the filled quantity, the sibling
// cancelled when a child fills, exits, and the bookkeeping of a fill.
#include "engine/engine.hpp"
#include "engine/engine_rules.hpp"

namespace aitrapp {

using engine_rules::role_index;

void Engine::ensure_protection(BracketGroup& g) {
  if (g.state != BracketState::Entering && g.state != BracketState::Open) return;
  if (g.net.units <= 0) return;
  sync_child(g, LegRole::StopLoss);
  if (g.state == BracketState::Entering || g.state == BracketState::Open)
    sync_child(g, LegRole::TakeProfit);
}

void Engine::sync_child(BracketGroup& g, LegRole role) {
  std::string& id = role == LegRole::StopLoss ? g.sl_id : g.tp_id;
  Order* child = id.empty() ? nullptr : &oms_.at(id);
  if (!child || !child->live()) {
    if (g.attempts[role_index(role)] > cfg_.oms.max_retries) {
      risk_event("ORDER", "PROTECTION_FAILED",
                 std::string("cannot place ") + std::string(to_string(role)) + " child", g.symbol,
                 g.plan_id);
      begin_exit(g, "protection failed");
      return;
    }
    const bool sl = role == LegRole::StopLoss;
    Order& c = new_order(g, role, sl ? OrderType::StopMarket : OrderType::Limit, opposite(g.side),
                         g.net, sl ? Price{} : g.target, sl ? g.stop : Price{});
    id = c.id();
    save(g);
    return;
  }
  if (child->cancel_requested || child->modify_in_flight) return;
  const Qty desired = child->filled + g.net;
  const Price trigger = role == LegRole::StopLoss ? g.stop : child->spec.trigger;
  if (child->spec.qty == desired && child->spec.trigger == trigger) return;
  if (child->status == OrderStatus::Pending) {  // not sent yet: the release sends the new size
    child->spec.qty = desired;
    child->spec.trigger = trigger;
    save(*child);
    return;
  }
  oms_.send_modify(*child, desired, child->spec.limit, trigger);
}

void Engine::begin_exit(BracketGroup& g, const std::string& reason) {
  if (g.state == BracketState::Closed) return;
  if (g.state != BracketState::Exiting) {
    g.state = BracketState::Exiting;
    log("info", "bracket_exit",
        {{"plan_id", g.plan_id}, {"reason", reason}, {"net", std::to_string(g.net.units)}});
  }
  for (const std::string* id : {&g.entry_id, &g.sl_id, &g.tp_id})
    if (!id->empty()) oms_.request_cancel(oms_.at(*id));
  save(g);
  try_exit(g);
}

void Engine::try_exit(BracketGroup& g) {
  if (g.state != BracketState::Exiting) return;
  if (g.net.units == 0) {
    maybe_close(g);
    return;
  }
  // Wait until nothing else of the bracket can still trade, so the exit cannot overfill.
  if (may_trade(g)) return;
  const Side side = g.net.units > 0 ? opposite(g.side) : g.side;
  Order& x = new_order(g, LegRole::Exit, OrderType::Market, side, Qty{std::llabs(g.net.units)},
                       Price{}, Price{});
  g.exit_id = x.id();
  save(g);
}

// True while an order of the bracket is live, or closed only by the engine's own decision and
// not yet confirmed by the venue: either could still fill.
bool Engine::may_trade(const BracketGroup& g) const {
  for (const Order* o : plans_.at(g.plan_id).orders)
    if (o->active()) return true;
  return false;
}

void Engine::maybe_close(BracketGroup& g) {
  if (g.state == BracketState::Closed || g.net.units != 0) return;
  if (g.state != BracketState::Exiting || may_trade(g)) return;
  g.state = BracketState::Closed;
  g.closed = now_;
  open_groups_.erase(&g);
  if (g.entry_filled.units > 0) {
    ++stats_.trades_closed;
    log("info", "trade_closed",
        {{"plan_id", g.plan_id},
         {"symbol", g.symbol},
         {"realized", to_string(g.realized)},
         {"mae", to_string(g.mae)},
         {"mfe", to_string(g.mfe)}});
  }
  save(g);
}

void Engine::on_fill(Order& o, const OrderFilled& f) {
  BracketGroup& g = groups_.at(o.plan_id);
  const Instrument& in = inst(o.spec.symbol);
  if (g.state == BracketState::Closed) {
    // The stream delivered this fill after the order's cancel: whatever it opened is closed again.
    risk_event("ORDER", "LATE_FILL", "fill " + f.fill_id + " after " + o.id() + " was closed",
               g.symbol, g.plan_id);
    g.state = BracketState::Exiting;
    open_groups_.insert(&g);
    if (g.entry_filled.units > 0) --stats_.trades_closed;
  }
  o.filled += f.qty;
  o.filled_notional += Money::from_raw(f.price.raw * f.qty.units);
  // With a modify outstanding the venue's size is unknown: its echo or a query decides.
  if (o.filled >= o.spec.qty && !o.modify_in_flight)
    oms_.set_status(o, OrderStatus::Filled);
  else if (o.live())
    oms_.set_status(o, OrderStatus::Working);  // a fill implies the ack; a terminal order stays so
  o.updated = now_;
  save(o);
  ++stats_.fills;
  persist(Fill{f.fill_id, o.id(), o.plan_id, o.spec.symbol, o.spec.side, o.role, f.qty, f.price,
               now_, cfg_.config_sha});
  portfolio_.apply_fill(o.spec.symbol, in.units_per_whole, o.spec.side, f.qty, f.price);
  persist(portfolio_.positions().at(o.spec.symbol));

  // Cash flow of the bracket: it equals its realized P&L once the bracket is flat.
  const Money cash = notional(f.price, f.qty, in.units_per_whole);
  g.realized += o.spec.side == Side::Sell ? cash : -cash;
  if (o.spec.side == g.side) {
    g.net += f.qty;
    if (o.role == LegRole::Entry) {
      g.entry_filled += f.qty;
      g.entry_notional += Money::from_raw(f.price.raw * f.qty.units);
      if (g.opened == 0) g.opened = now_;
      if (g.state == BracketState::Entering) g.state = BracketState::Open;
    }
  } else {
    g.net -= f.qty;
    g.exit_filled += f.qty;
    g.exit_notional += Money::from_raw(f.price.raw * f.qty.units);
  }
  save(g);

  if (g.net.units < 0 && o.spec.side != g.side)
    risk_event("ORDER", "OVERFILL", "exit fills exceed the position; closing the excess", g.symbol,
               g.plan_id);
  if (g.state == BracketState::Exiting) {
    try_exit(g);
  } else if (g.net.units < 0) {
    begin_exit(g, "overfill");
  } else if (o.role == LegRole::Entry) {
    ensure_protection(g);  // children for the filled quantity, exactly once per fill id
  } else if (g.net.units == 0) {
    begin_exit(g,
               std::string(to_string(o.role)) + " filled");  // cancels sibling and entry remainder
  } else {
    ensure_protection(g);  // resize the sibling to what is left
  }
  maybe_close(g);
}

void Engine::on_order_terminal(Order& o) {
  BracketGroup& g = groups_.at(o.plan_id);
  if (g.state == BracketState::Exiting || g.state == BracketState::Closed) {
    try_exit(g);
  } else if (o.role == LegRole::Entry) {
    if (g.entry_filled.units == 0) begin_exit(g, "entry not filled");
  } else if (g.net.units > 0) {
    ensure_protection(g);  // a child died without filling: protect again
  }
  maybe_close(g);
}

}  // namespace aitrapp
