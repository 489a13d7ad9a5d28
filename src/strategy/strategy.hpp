#pragma once
// What the engine asks of a strategy: closed bars in, at most one candidate trade out per bar.
// The engine owns its strategy and calls it from the engine thread only; implementations need not
// be thread-safe and must be deterministic (same bars, same signals).
#include <optional>

#include "market/bar.hpp"
#include "strategy/signal.hpp"

namespace aitrapp {

class Strategy {
 public:
  virtual ~Strategy() = default;
  // Bars of instruments that are not traded (e.g. an index or INDIAVIX) as context.
  virtual void on_context_bar(const Bar& bar) = 0;
  // A tradable instrument's closed bar; a signal proposes entry, stop and target.
  virtual std::optional<Signal> on_bar(const Bar& bar) = 0;
};

}  // namespace aitrapp
