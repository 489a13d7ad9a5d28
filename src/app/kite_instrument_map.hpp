#pragma once
// The configuration's instruments matched against Kite's instrument master, shared by
// `run --venue kite` (which trades with the rows) and `verify --mode LIVE` (which only checks
// that every instrument maps). Talks to Kite once over REST; thread-compatible.
#include <map>
#include <string>
#include <vector>

#include "core/instrument.hpp"
#include "core/result.hpp"
#include "venue/kite/kite_instruments.hpp"

namespace aitrapp {

struct KiteInstrumentMap {
  std::map<std::string, kite::InstrumentRow> rows;  // engine symbol -> Kite's row
  std::vector<std::string> notes;                   // tick or lot taken from the master
};

// Fetches GET /instruments from `rest_root` and maps every instrument on a Kite exchange by
// `exchange:venue_symbol` (the symbol when unset). Tradable instruments take Kite's tick and lot
// into `instruments`. The error names the first instrument that does not map.
Result<KiteInstrumentMap> map_kite_instruments(const std::string& rest_root,
                                               const std::string& api_key,
                                               const std::string& access_token,
                                               std::map<std::string, Instrument>& instruments);

}  // namespace aitrapp
