#pragma once
// Reads replay files and validates every row. Two formats are detected from the header:
//   NSE one-minute:  symbol,date,time,open,high,low,close,volume,oi   (local exchange time)
//   BTC perpetual:   timestamp,open,high,low,close,volume              (UTC)
// Errors name the file and line. Stateless; thread-safe.
#include <istream>
#include <string>
#include <vector>

#include "core/calendar.hpp"
#include "core/result.hpp"
#include "market/bar.hpp"

namespace aitrapp {

enum class BarFormat { Nse, BtcPerp };

struct LoadedFile {
  std::string path;
  BarFormat format;
  std::vector<Bar> bars;
};

// `perp_symbol` names the instrument of a BTC perpetual file, which has no symbol column.
Result<LoadedFile> load_bar_file(const std::string& path, const TradingCalendar& cal,
                                 const std::string& perp_symbol);
// The same from a stream; `path` names it in errors.
Result<LoadedFile> load_bars(std::istream& in, const std::string& path, const TradingCalendar& cal,
                             const std::string& perp_symbol);
// PATH is a CSV file, a directory of them, or a directory of day directories holding them (read
// in name order).
Result<std::vector<LoadedFile>> load_bar_paths(const std::vector<std::string>& paths,
                                               const TradingCalendar& cal,
                                               const std::string& perp_symbol);

}  // namespace aitrapp
