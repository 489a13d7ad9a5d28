#pragma once
// Faults a venue simulator injects into its requests and market data, set by its control API
// (venue/sim/fault_control.hpp) and read by the venue's own exchange model, which decides how
// each looks in its protocol (Kite's NetworkException, Bitget's code 429...). Times are steady
// wall milliseconds (the server's clock), counts are requests. Not thread-safe: the simulator's
// exchange lock guards it.
#include <cstdint>
#include <utility>

namespace aitrapp {

struct RequestFaults {
  int error_status = 0;  // 429, 500, 502, 503 ...
  int error_count = 0;   // for this many requests
  int64_t ack_delay_ms = 0;
  bool lose_next_order_response = false;
  bool reject_next_limit = false;  // the next limit order is rejected as outside the price band
  int64_t partial_next_qty = 0;    // the next order fills at most this quantity until modified
  int64_t spread_factor = 1;
  int64_t spread_until_wall_ms = 0;

  // The error status this request gets from a burst (one of the burst used), or 0.
  int take_error() {
    if (error_count <= 0) return 0;
    --error_count;
    return error_status;
  }
  bool take_lost_response() { return std::exchange(lose_next_order_response, false); }
  bool take_reject_next_limit() { return std::exchange(reject_next_limit, false); }
  int64_t take_partial_qty() { return std::exchange(partial_next_qty, 0); }
  // The factor the book's spread is widened by at `wall_ms` (1: not widened).
  int64_t spread_factor_at(int64_t wall_ms) const {
    return spread_factor > 1 && wall_ms < spread_until_wall_ms ? spread_factor : 1;
  }
};

}  // namespace aitrapp
