#include "engine/bracket_executor.hpp"

#include <cstdlib>

#include "engine/engine_rules.hpp"

namespace aitrapp {

using engine_rules::role_index;

void BracketExecutor::ensure_protection(BracketGroup& g) {
  if (g.state != BracketState::Entering && g.state != BracketState::Open) return;
  if (g.net.units <= 0) return;
  sync_child(g, LegRole::StopLoss);
  if (g.state == BracketState::Entering || g.state == BracketState::Open)
    sync_child(g, LegRole::TakeProfit);
}

void BracketExecutor::sync_child(BracketGroup& g, LegRole role) {
  std::string& id = role == LegRole::StopLoss ? g.sl_id : g.tp_id;
  Order* child = id.empty() ? nullptr : &port_.order(id);
  if (!child || !child->live()) {
    if (g.attempts[role_index(role)] > max_retries_) {
      port_.risk_event("PROTECTION_FAILED",
                       std::string("cannot place ") + std::string(to_string(role)) + " child", g);
      begin_exit(g, "protection failed");
      return;
    }
    const bool sl = role == LegRole::StopLoss;
    Order& c = port_.place(g, role, sl ? OrderType::StopMarket : OrderType::Limit, opposite(g.side),
                           g.net, sl ? Price{} : g.target, sl ? g.stop : Price{});
    id = c.id();
    port_.save(g);
    return;
  }
  if (child->cancel_requested || child->modify_in_flight) return;
  const Qty desired = child->filled + g.net;
  const Price trigger = role == LegRole::StopLoss ? g.stop : child->spec.trigger;
  if (child->spec.qty == desired && child->spec.trigger == trigger) return;
  if (child->status == OrderStatus::Pending) {  // not sent yet: the release sends the new size
    child->spec.qty = desired;
    child->spec.trigger = trigger;
    port_.save(*child);
    return;
  }
  port_.modify(*child, desired, child->spec.limit, trigger);
}

void BracketExecutor::begin_exit(BracketGroup& g, const std::string& reason) {
  if (g.state == BracketState::Closed) return;
  if (g.state != BracketState::Exiting) {
    g.state = BracketState::Exiting;
    port_.exiting(g, reason);
  }
  for (const std::string* id : {&g.entry_id, &g.sl_id, &g.tp_id})
    if (!id->empty()) port_.cancel(port_.order(*id));
  port_.save(g);
  try_exit(g);
}

void BracketExecutor::try_exit(BracketGroup& g) {
  if (g.state != BracketState::Exiting) return;
  if (g.net.units == 0) {
    maybe_close(g);
    return;
  }
  // Wait until nothing else of the bracket can still trade, so the exit cannot overfill.
  if (port_.may_trade(g)) return;
  const Side side = g.net.units > 0 ? opposite(g.side) : g.side;
  Order& x = port_.place(g, LegRole::Exit, OrderType::Market, side, Qty{std::llabs(g.net.units)},
                         Price{}, Price{});
  g.exit_id = x.id();
  port_.save(g);
}

void BracketExecutor::maybe_close(BracketGroup& g) {
  if (g.state == BracketState::Closed || g.net.units != 0) return;
  if (g.state != BracketState::Exiting || port_.may_trade(g)) return;
  g.state = BracketState::Closed;
  g.closed = port_.now();
  port_.closed(g);
  port_.save(g);
}

void BracketExecutor::before_fill(BracketGroup& g, const Order& o, const std::string& fill_id) {
  if (g.state != BracketState::Closed) return;
  port_.risk_event("LATE_FILL", "fill " + fill_id + " after " + o.id() + " was closed", g);
  g.state = BracketState::Exiting;
  port_.reopened(g);
}

void BracketExecutor::on_fill(BracketGroup& g, const Order& o, Qty qty, Price price,
                              int64_t units_per_whole) {
  // Cash flow of the bracket: it equals its realized P&L once the bracket is flat.
  const Money cash = notional(price, qty, units_per_whole);
  g.realized += o.spec.side == Side::Sell ? cash : -cash;
  if (o.spec.side == g.side) {
    g.net += qty;
    if (o.role == LegRole::Entry) {
      g.entry_filled += qty;
      g.entry_notional += Money::from_raw(price.raw * qty.units);
      if (g.opened == 0) g.opened = port_.now();
      if (g.state == BracketState::Entering) g.state = BracketState::Open;
    }
  } else {
    g.net -= qty;
    g.exit_filled += qty;
    g.exit_notional += Money::from_raw(price.raw * qty.units);
  }
  port_.save(g);

  if (g.net.units < 0 && o.spec.side != g.side)
    port_.risk_event("OVERFILL", "exit fills exceed the position; closing the excess", g);
  if (g.state == BracketState::Exiting) {
    try_exit(g);
  } else if (g.net.units < 0) {
    begin_exit(g, "overfill");
  } else if (o.role == LegRole::Entry) {
    ensure_protection(g);  // children for the filled quantity, exactly once per fill id
  } else if (g.net.units == 0) {
    begin_exit(g, std::string(to_string(o.role)) + " filled");  // cancels sibling and remainder
  } else {
    ensure_protection(g);  // resize the sibling to what is left
  }
  maybe_close(g);
}

void BracketExecutor::on_order_terminal(BracketGroup& g, const Order& o) {
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
