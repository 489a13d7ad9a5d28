#include "venue/bitget_sim/perp_account.hpp"

#include <algorithm>
#include <cstdlib>

namespace aitrapp::bitget {

Money PerpAccount::fill(const std::string& symbol, Side side, Qty qty, Price price, Money fee,
                        int64_t units_per_whole, TimeMs now) {
  Position& p = positions_[symbol];
  if (p.opened == 0) p.opened = now;
  p.updated = now;
  const int64_t signed_qty = side == Side::Buy ? qty.units : -qty.units;
  Money realized;
  if (p.net.units == 0 || (p.net.units > 0) == (signed_qty > 0)) {
    // Opening or adding: the average moves to the size-weighted price, rounded toward zero.
    const int64_t held = std::llabs(p.net.units), added = qty.units;
    const __int128 value =
        static_cast<__int128>(p.avg.raw) * held + static_cast<__int128>(price.raw) * added;
    p.avg = Price::from_raw(static_cast<int64_t>(value / (held + added)));
    p.net.units += signed_qty;
  } else {
    const int64_t closed = std::min<int64_t>(std::llabs(p.net.units), qty.units);
    const Price gain = p.net.units > 0 ? price - p.avg : p.avg - price;
    realized = pnl_of(gain, Qty{closed}, units_per_whole);
    p.net.units += signed_qty;
    if (p.net.units == 0)
      p.avg = Price{};
    else if ((p.net.units > 0) == (signed_qty > 0))
      p.avg = price;  // crossed zero: the remainder opened at this fill's price
  }
  p.realized += realized;
  p.fees += fee;
  realized_ += realized;
  fees_ += fee;
  return realized;
}

void PerpAccount::funding(const std::string& symbol, Money amount, TimeMs now) {
  Position& p = positions_[symbol];
  p.funding += amount;
  p.updated = now;
  funding_ += amount;
}

const PerpAccount::Position* PerpAccount::position(const std::string& symbol) const {
  const auto it = positions_.find(symbol);
  return it == positions_.end() ? nullptr : &it->second;
}

const std::vector<PositionTier>& position_tiers() {
  static const std::vector<PositionTier> tiers = {
      {1, 0, 150'000, 125, 40},           {2, 150'000, 750'000, 100, 50},
      {3, 750'000, 1'500'000, 75, 65},    {4, 1'500'000, 3'000'000, 50, 100},
      {5, 3'000'000, 6'000'000, 25, 200}, {6, 6'000'000, 1'000'000'000, 10, 500}};
  return tiers;
}

const PositionTier& tier_of(Money value) {
  for (const PositionTier& t : position_tiers())
    if (value < Money::from_units(t.end_usdt)) return t;
  return position_tiers().back();
}

Money unrealized(const PerpAccount::Position& p, Price mark, int64_t units_per_whole) {
  if (p.net.units == 0) return Money{};
  const Price diff = p.net.units > 0 ? mark - p.avg : p.avg - mark;
  return pnl_of(diff, Qty{std::llabs(p.net.units)}, units_per_whole);
}

}  // namespace aitrapp::bitget
