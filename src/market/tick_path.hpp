#pragma once
// Deterministic bar -> tick path: open, the nearer extreme, the other extreme, close, at fixed
// offsets inside the minute, each quoted with a spread that widens when the bar is thin. The
// three ticks after the open are `continuous`: the bar's price passed through every level between
// consecutive path points, which is what lets the venue fill a stop at its trigger (see SimVenue).
// Pure; thread-safe.
#include <vector>

#include "core/instrument.hpp"
#include "market/bar.hpp"

namespace aitrapp {

inline constexpr TimeMs kTickOffsetsMs[4] = {0, 15'000, 30'000, 59'000};

// Spread in ticks for a bar of the given volume: base * clamp(ref_volume / volume, 1, 20).
int64_t spread_ticks_for(const Instrument& inst, int64_t bar_volume);
void quote_around(const Instrument& inst, Price last, int64_t spread_ticks, Price& bid, Price& ask);
std::vector<Tick> bar_to_ticks(const Bar& bar, const Instrument& inst);

}  // namespace aitrapp
