#pragma once
// The Kite instrument master: `GET /instruments` serves a gzipped CSV with twelve fixed columns
// (docs/kite-protocol.md 5). The simulator writes it from the configuration; the adapter reads tick
// and lot sizes and the instrument tokens from it. Pure; thread-safe.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/instrument.hpp"
#include "core/result.hpp"

namespace aitrapp::kite {

inline constexpr std::string_view kInstrumentsHeader =
    "instrument_token,exchange_token,tradingsymbol,name,last_price,expiry,strike,tick_size,"
    "lot_size,instrument_type,segment,exchange";

struct InstrumentRow {
  uint32_t instrument_token = 0;
  uint32_t exchange_token = 0;
  std::string tradingsymbol, name;
  Price last_price;
  std::string expiry;  // yyyy-mm-dd or empty
  Price strike, tick_size;
  int64_t lot_size = 1;
  std::string instrument_type, segment, exchange;
  std::string key() const { return exchange + ":" + tradingsymbol; }
};

// The segment byte of an instrument token for an exchange (indices: 9). 0 if unknown.
uint32_t segment_id(std::string_view exchange, bool index);

// Rows for the configured instruments: Kite's real tokens for the three NSE indices, stable
// synthetic exchange tokens for the others (tokens follow exchange_token * 256 + segment).
std::vector<InstrumentRow> rows_for(const std::map<std::string, Instrument>& instruments);

std::string write_instruments_csv(const std::vector<InstrumentRow>& rows);
// Errors name the line and column that could not be read.
Result<std::vector<InstrumentRow>> parse_instruments_csv(std::string_view csv);

}  // namespace aitrapp::kite
