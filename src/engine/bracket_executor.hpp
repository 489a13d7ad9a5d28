#pragma once
// The bracket execution algorithm: an entry, then a stop-loss and a take-profit sized to what
// filled (OCO: one child's fill cancels its sibling and the entry's remainder), and an exit at
// market once nothing of the bracket can still trade. It decides what to place, resize and
// cancel; the orders themselves, their ids and their store rows are its port's. One algorithm
// instance serves every bracket; the state of each is its BracketGroup.
//
// Deterministic: no clock (the port's now()), no I/O. Owned by the engine, one thread.
#include <string>

#include "core/time.hpp"
#include "oms/bracket.hpp"
#include "oms/order.hpp"

namespace aitrapp {

// What the algorithm may do. Implemented by the engine over its order manager, store and log.
class BracketPort {
 public:
  virtual ~BracketPort() = default;
  virtual TimeMs now() const = 0;
  // A new order of the bracket (a new client_order_id, stored, queued for the venue).
  virtual Order& place(BracketGroup& g, LegRole role, OrderType type, Side side, Qty qty,
                       Price limit, Price trigger) = 0;
  virtual Order& order(const std::string& client_order_id) = 0;
  virtual void cancel(Order& o) = 0;
  virtual void modify(Order& o, Qty qty, Price limit, Price trigger) = 0;
  virtual void save(const Order& o) = 0;
  virtual void save(BracketGroup& g) = 0;
  // True while an order of the bracket is live, or closed by the engine alone and not yet
  // confirmed by the venue: either could still fill.
  virtual bool may_trade(const BracketGroup& g) const = 0;
  virtual void risk_event(const std::string& check, const std::string& reason,
                          const BracketGroup& g) = 0;
  virtual void exiting(const BracketGroup& g, const std::string& reason) = 0;
  // The bracket closed (flat, nothing left that can trade), or a closed one re-opened by a late
  // fill.
  virtual void closed(BracketGroup& g) = 0;
  virtual void reopened(BracketGroup& g) = 0;
};

class BracketExecutor {
 public:
  // `port` must outlive the executor; `max_retries`: new attempts per child before the bracket
  // gives up protecting and exits.
  BracketExecutor(BracketPort& port, int max_retries) : port_(port), max_retries_(max_retries) {}

  // The children cover the position: placed, resized or re-placed as needed.
  void ensure_protection(BracketGroup& g);
  // Leave the position: cancel what is open, then exit at market once nothing else can trade.
  void begin_exit(BracketGroup& g, const std::string& reason);
  // Before a fill of `o` is applied: a bracket already closed is re-opened (the fill came after
  // the order's cancel), so that its exit closes what the fill opened.
  void before_fill(BracketGroup& g, const Order& o, const std::string& fill_id);
  // A fill of `o` (already applied to the order and the portfolio): the bracket's quantities and
  // cash, then what it calls for (children, sibling cancel, exit, close).
  void on_fill(BracketGroup& g, const Order& o, Qty qty, Price price, int64_t units_per_whole);
  // `o` ended without filling (cancelled, rejected, gone).
  void on_order_terminal(BracketGroup& g, const Order& o);

 private:
  void sync_child(BracketGroup& g, LegRole role);
  void try_exit(BracketGroup& g);
  void maybe_close(BracketGroup& g);

  BracketPort& port_;
  int max_retries_;
};

}  // namespace aitrapp
