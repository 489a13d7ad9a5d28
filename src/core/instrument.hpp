#pragma once
// Instrument definition and tick/lot/band quantization. Pure functions; thread-safe.
#include <string>

#include "core/decimal.hpp"
#include "core/result.hpp"
#include "core/types.hpp"

namespace aitrapp {

struct Instrument {
  std::string symbol;                 // e.g. NIFTY_F1
  std::string exchange;               // NFO, NSE, BITGET
  std::string venue_symbol;           // the venue's name (Kite tradingsymbol); empty: symbol
  bool tradable = true;               // index and VIX series are context only
  Price tick = Price::from_raw(500);  // 0.05
  Qty lot{1};                         // minimum and step quantity
  Qty freeze_qty{0};                  // exchange freeze quantity (0 = none)
  int64_t band_bps = 1000;            // max distance of a limit/stop price from last price
  int64_t units_per_whole = 1;        // quantity units per whole base unit
  int64_t base_spread_ticks = 1;
  int64_t ref_volume = 0;  // bar volume at which the spread is base; less widens it
};

enum class Rounding { Down, Up };
Price round_to_tick(Price p, Price tick, Rounding r);
bool is_on_tick(Price p, Price tick);
bool within_band(Price p, Price reference, int64_t band_bps);
Price band_low(Price reference, int64_t band_bps);
Price band_high(Price reference, int64_t band_bps);

// The exchange's circuit limits for an instrument today (they can move during the session): an
// order priced outside them is refused by the venue.
struct PriceBand {
  Price lower, upper;
  constexpr bool operator==(const PriceBand&) const = default;
};

struct Bracket {
  Price entry;
  Price stop;
  Price target;
};

// Quantizes a proposed bracket "the safe way": every leg is rounded toward the entry so that the
// risk never grows (a long's stop rounds up, its target rounds down; mirrored for a short), and
// a buy entry rounds down, a sell entry up. Rejects a bracket that cannot be made valid: stop or
// target on the wrong side of the entry after rounding, or any leg outside the price band.
Result<Bracket> quantize_bracket(const Instrument& inst, Side side, Bracket proposed,
                                 Price last_price);

// Rounds a quantity down to whole lots; zero if less than one lot.
Qty round_to_lots(Qty q, Qty lot);

}  // namespace aitrapp
