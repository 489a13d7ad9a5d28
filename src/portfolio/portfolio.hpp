#pragma once
// Net positions per instrument with average price, realized and unrealized P&L, and the
// session's equity curve for the drawdown stop. Engine-owned; not thread-safe.
#include <map>
#include <string>

#include "core/decimal.hpp"
#include "core/types.hpp"

namespace aitrapp {

struct Position {
  std::string symbol;
  int64_t units_per_whole = 1;
  Qty qty;          // signed: > 0 long, < 0 short
  Price avg_price;  // of the open quantity
  Money realized;
  Price last;
  Money unrealized() const;
};

class Portfolio {
 public:
  // Applies a fill; returns the P&L it realized.
  Money apply_fill(const std::string& symbol, int64_t units_per_whole, Side side, Qty qty,
                   Price price);
  void mark(const std::string& symbol, Price last);
  Money realized() const { return realized_; }
  Money unrealized() const { return unrealized_; }
  Money day_pnl() const { return realized() + unrealized(); }
  // Tracks peak of day P&L; returns current drawdown from it.
  Money update_drawdown();
  Money peak() const { return peak_; }
  int open_positions() const { return open_; }
  const std::map<std::string, Position>& positions() const { return positions_; }
  void restore(Position p);
  void restore_peak(Money p) { peak_ = p; }
  // A new trading day on the same book: positions keep quantity and average price, the day's
  // realized P&L and its drawdown peak start at zero.
  void start_day();

 private:
  // Takes `p`'s share out of the totals before it changes, and puts it back after: the totals
  // stay exact sums (integer money) while a tick costs O(1) however many symbols are held.
  void leave_totals(const Position& p);
  void join_totals(const Position& p);

  std::map<std::string, Position> positions_;
  Money realized_, unrealized_;  // over positions_
  int open_ = 0;                 // positions with a quantity
  Money peak_;
};

// Per-unit excursion update for an open trade: adverse and favourable moves from the entry.
void update_excursions(Side side, Price avg_entry, Price price, Price& mae, Price& mfe);

}  // namespace aitrapp
