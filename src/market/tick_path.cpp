#include "market/tick_path.hpp"

#include <algorithm>

namespace aitrapp {

int64_t spread_ticks_for(const Instrument& inst, int64_t bar_volume) {
  int64_t mult = 1;
  if (inst.ref_volume > 0)
    mult = std::clamp<int64_t>(inst.ref_volume / std::max<int64_t>(bar_volume, 1), 1, 20);
  return std::max<int64_t>(inst.base_spread_ticks, 1) * mult;
}

void quote_around(const Instrument& inst, Price last, int64_t spread_ticks, Price& bid,
                  Price& ask) {
  Price half = Price::from_raw(inst.tick.raw * spread_ticks / 2);
  bid = round_to_tick(last - half, inst.tick, Rounding::Down);
  ask = bid + Price::from_raw(inst.tick.raw * spread_ticks);
  if (ask < last) ask = round_to_tick(last, inst.tick, Rounding::Up);
}

std::vector<Tick> bar_to_ticks(const Bar& bar, const Instrument& inst) {
  const bool high_first = (bar.high - bar.open) <= (bar.open - bar.low);
  const Price path[4] = {bar.open, high_first ? bar.high : bar.low, high_first ? bar.low : bar.high,
                         bar.close};
  const int64_t volume = bar.volume_raw / kScale;
  const int64_t spread = spread_ticks_for(inst, volume);
  std::vector<Tick> ticks;
  ticks.reserve(4);
  int64_t given = 0;
  for (int i = 0; i < 4; ++i) {
    Tick t;
    t.symbol = bar.symbol;
    t.time = bar.start + kTickOffsetsMs[i];
    t.last = path[i];
    quote_around(inst, t.last, spread, t.bid, t.ask);
    t.volume = i < 3 ? volume / 4 : volume - given;
    given += t.volume;
    t.bar_close = i == 3;
    t.continuous = i > 0;
    ticks.push_back(std::move(t));
  }
  return ticks;
}

}  // namespace aitrapp
