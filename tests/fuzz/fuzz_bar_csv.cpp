// Fuzz target: market data files (NSE one-minute and BTC perpetual CSV) as the replay loader
// reads them. Every row is validated; a bad one is an error naming its line, never a crash.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "core/calendar.hpp"
#include "market/csv_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace aitrapp;
  static const TradingCalendar cal("Asia/Kolkata", SessionTimes{});
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  auto loaded = load_bars(in, "fuzz.csv", cal, "BTCUSDT");
  if (!loaded.ok() && loaded.error().find("fuzz.csv") != 0) __builtin_trap();  // unnamed error
  return 0;
}
