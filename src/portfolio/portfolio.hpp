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
  Money realized() const;
  Money unrealized() const;
  Money day_pnl() const { return realized() + unrealized(); }
  // Tracks peak of day P&L; returns current drawdown from it.
  Money update_drawdown();
  Money peak() const { return peak_; }
  int open_positions() const;
  const std::map<std::string, Position>& positions() const { return positions_; }
  void restore(Position p) { positions_[p.symbol] = p; }
  void restore_peak(Money p) { peak_ = p; }

 private:
  std::map<std::string, Position> positions_;
  Money peak_;
};

// Per-unit excursion update for an open trade: adverse and favourable moves from the entry.
void update_excursions(Side side, Price avg_entry, Price price, Price& mae, Price& mfe);

}  // namespace aitrapp
