#pragma once
// Normalized market data: one-minute bars from replay files and the ticks derived from them.
#include <cstdint>
#include <string>

#include "core/decimal.hpp"
#include "core/time.hpp"

namespace aitrapp {

struct Bar {
  std::string symbol;
  TimeMs start = 0;  // bar label taken as the bar's start (Kite's candle convention)
  Price open, high, low, close;
  int64_t volume_raw = 0;  // fixed-point, kScale: BTC files carry fractional volume
  int64_t oi = 0;
  int source_line = 0;
};

struct Tick {
  std::string symbol;
  TimeMs time = 0;
  Price last, bid, ask;
  int64_t volume = 0;      // whole units traded at this tick (share of the bar's volume)
  bool bar_close = false;  // last tick of its bar
  // The price travelled continuously from the previous tick of the same bar to this one, through
  // every price between (a bar's path after its open). False for a bar's open and for live ticks:
  // what lies between them and the previous print is unknown, so the gap is taken as printed.
  bool continuous = false;
};

}  // namespace aitrapp
