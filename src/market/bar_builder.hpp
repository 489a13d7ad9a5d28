#pragma once
// One-minute bars built from a live feed's ticks, by each tick's exchange time. The caller owns
// the schedule: add() says when a minute's first tick arrived, and the caller closes the minute
// later (its close time plus a grace for ticks still in flight). A tick of a minute already
// closed is counted as late and leaves that bar as it was handed on: the engine has acted on it.
// Venue-neutral (a Kite or Bitget session feeds it); one thread, not thread-safe.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "market/bar.hpp"

namespace aitrapp {

class BarBuilder {
 public:
  struct Added {
    int64_t volume = 0;  // whole units traded since the symbol's previous tick
    // The minute this tick opened, the first time a tick of it arrives: schedule its close.
    std::optional<TimeMs> opened;
    bool late = false;  // its minute was already closed; no bar changed
  };

  // `cumulative_volume` is the day's traded volume as the venue reports it (Kite's ticks carry
  // a running total); nullopt for instruments without volume (an index).
  Added add(const std::string& symbol, TimeMs exchange_time, Price last,
            std::optional<int64_t> cumulative_volume);
  // The minute's bars, in symbol order, handed over once; later ticks of it are late.
  std::vector<Bar> close(TimeMs minute);

  int64_t late_ticks() const { return late_ticks_; }
  size_t open_bars() const { return building_.size(); }

 private:
  std::map<std::string, int64_t> cum_volume_;
  std::map<std::pair<TimeMs, std::string>, Bar> building_;  // open bars by (minute, symbol)
  std::set<TimeMs> opened_;     // minutes whose close is scheduled and not yet run
  TimeMs closed_through_ = -1;  // bars of minutes up to here were handed on
  int64_t late_ticks_ = 0;
};

}  // namespace aitrapp
