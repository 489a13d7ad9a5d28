// The engine's side of the brackets: a fill applied to its order, the portfolio and the store,
// then handed to the bracket algorithm (engine/bracket_executor.hpp), and the port through which
// that algorithm places, resizes and cancels orders and reports what it did.
#include "engine/engine.hpp"

namespace aitrapp {

void Engine::on_fill(Order& o, const OrderFilled& f) {
  BracketGroup& g = groups_.at(o.plan_id);
  const Instrument& in = inst(o.spec.symbol);
  brackets_.before_fill(g, o, f.fill_id);
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
  brackets_.on_fill(g, o, f.qty, f.price, in.units_per_whole);
}

void Engine::on_order_terminal(Order& o) {
  brackets_.on_order_terminal(groups_.at(o.plan_id), o);
}

// ---------------------------------------------------------------------------------------------
// The bracket algorithm's port.

TimeMs Engine::BracketEvents::now() const {
  return engine.now_;
}

Order& Engine::BracketEvents::place(BracketGroup& g, LegRole role, OrderType type, Side side,
                                    Qty qty, Price limit, Price trigger) {
  return engine.new_order(g, role, type, side, qty, limit, trigger);
}

Order& Engine::BracketEvents::order(const std::string& client_order_id) {
  return engine.oms_.at(client_order_id);
}

void Engine::BracketEvents::cancel(Order& o) {
  engine.oms_.request_cancel(o);
}

void Engine::BracketEvents::modify(Order& o, Qty qty, Price limit, Price trigger) {
  engine.oms_.send_modify(o, qty, limit, trigger);
}

bool Engine::BracketEvents::may_trade(const BracketGroup& g) const {
  for (const Order* o : engine.plans_.at(g.plan_id).orders)
    if (o->active()) return true;
  return false;
}

void Engine::BracketEvents::risk_event(const std::string& check, const std::string& reason,
                                       const BracketGroup& g) {
  engine.risk_event("ORDER", check, reason, g.symbol, g.plan_id);
}

void Engine::BracketEvents::exiting(const BracketGroup& g, const std::string& reason) {
  engine.log("info", "bracket_exit", [&] {
    return LogFields{
        {"plan_id", g.plan_id}, {"reason", reason}, {"net", std::to_string(g.net.units)}};
  });
}

void Engine::BracketEvents::closed(BracketGroup& g) {
  engine.open_groups_.erase(&g);
  if (g.entry_filled.units == 0) return;
  ++engine.stats_.trades_closed;
  engine.log("info", "trade_closed", [&] {
    return LogFields{{"plan_id", g.plan_id},
                     {"symbol", g.symbol},
                     {"realized", to_string(g.realized)},
                     {"mae", to_string(g.mae)},
                     {"mfe", to_string(g.mfe)}};
  });
}

void Engine::BracketEvents::reopened(BracketGroup& g) {
  engine.open_groups_.insert(&g);
  if (g.entry_filled.units > 0) --engine.stats_.trades_closed;
}

}  // namespace aitrapp
