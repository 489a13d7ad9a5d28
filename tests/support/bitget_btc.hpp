#pragma once
// The Bitget tests' and benchmarks' contract: BTCUSDT as the simulator lists it, and its prints.
#include <map>
#include <string>

#include "core/decimal.hpp"
#include "core/instrument.hpp"
#include "market/bar.hpp"

namespace aitrapp::bitget {

// BTCUSDT (tick 0.1, step 0.001) and an index that is not a contract.
inline std::map<std::string, Instrument> btc_instruments() {
  Instrument in;
  in.symbol = "BTCUSDT";
  in.exchange = "BITGET";
  in.tick = Price::from_raw(1000);
  in.units_per_whole = 1000;
  Instrument index = in;
  index.symbol = "BTCINDEX";
  index.tradable = false;
  return {{in.symbol, in}, {index.symbol, index}};
}

// A BTCUSDT print at `last` with the book one tick each side.
inline Tick btc_tick(TimeMs at, Price last, int64_t volume) {
  Tick t;
  t.symbol = "BTCUSDT";
  t.time = at;
  t.last = last;
  t.bid = t.last - Price::from_raw(1000);
  t.ask = t.last + Price::from_raw(1000);
  t.volume = volume;
  return t;
}

inline Tick btc_tick(TimeMs at, const std::string& last, int64_t volume) {
  return btc_tick(at, Price::from_raw(*parse_fixed(last)), volume);
}

}  // namespace aitrapp::bitget
