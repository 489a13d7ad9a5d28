#include "portfolio/portfolio.hpp"

#include <algorithm>
#include <cstdlib>

namespace aitrapp {

Money Position::unrealized() const {
  if (qty.units == 0) return Money{};
  return pnl_of(last - avg_price, qty, units_per_whole);
}

void Portfolio::leave_totals(const Position& p) {
  realized_ -= p.realized;
  unrealized_ -= p.unrealized();
  if (p.qty.units != 0) --open_;
}

void Portfolio::join_totals(const Position& p) {
  realized_ += p.realized;
  unrealized_ += p.unrealized();
  if (p.qty.units != 0) ++open_;
}

void Portfolio::restore(Position p) {
  Position& slot = positions_[p.symbol];
  leave_totals(slot);
  slot = std::move(p);
  join_totals(slot);
}

void Portfolio::start_day() {
  for (auto& [_, p] : positions_) {
    leave_totals(p);
    p.realized = Money{};
    join_totals(p);
  }
  peak_ = Money{};
}

Money Portfolio::apply_fill(const std::string& symbol, int64_t upw, Side side, Qty qty,
                            Price price) {
  Position& p = positions_[symbol];
  leave_totals(p);
  p.symbol = symbol;
  p.units_per_whole = upw;
  if (p.last.raw == 0) p.last = price;
  const int64_t signed_qty = sign(side) * qty.units;
  Money realized{};
  if (p.qty.units == 0 || (p.qty.units > 0) == (signed_qty > 0)) {
    // Adding: new average price weighted by quantity.
    const int64_t total = std::llabs(p.qty.units) + qty.units;
    const __int128 notional = static_cast<__int128>(p.avg_price.raw) * std::llabs(p.qty.units) +
                              static_cast<__int128>(price.raw) * qty.units;
    p.avg_price = Price::from_raw(static_cast<int64_t>(notional / total));
    p.qty.units += signed_qty;
  } else {
    // Reducing (and possibly flipping).
    const int64_t closing = std::min<int64_t>(std::llabs(p.qty.units), qty.units);
    const int64_t dir = p.qty.units > 0 ? 1 : -1;
    realized = pnl_of(Price::from_raw((price - p.avg_price).raw * dir), Qty{closing}, upw);
    p.realized += realized;
    p.qty.units += signed_qty;
    if (p.qty.units == 0) {
      p.avg_price = Price{};
    } else if ((p.qty.units > 0) != (dir > 0)) {
      p.avg_price = price;  // flipped: the remainder opened at this fill
    }
  }
  join_totals(p);
  return realized;
}

void Portfolio::mark(const std::string& symbol, Price last) {
  auto it = positions_.find(symbol);
  if (it == positions_.end()) return;
  leave_totals(it->second);
  it->second.last = last;
  join_totals(it->second);
}

Money Portfolio::update_drawdown() {
  Money now = day_pnl();
  if (now > peak_) peak_ = now;
  return peak_ - now;
}

void update_excursions(Side side, Price avg_entry, Price price, Price& mae, Price& mfe) {
  const Price move = Price::from_raw((price - avg_entry).raw * sign(side));
  if (move > mfe) mfe = move;
  if (-move > mae) mae = -move;
}

}  // namespace aitrapp
