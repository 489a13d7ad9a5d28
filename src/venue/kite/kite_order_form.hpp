#pragma once
// The body of Kite's POST /orders/regular for an engine order (docs/kite-protocol.md 3): what the
// adapter sends and what the tick-to-intent benchmark encodes. Pure; thread-safe.
#include <string>
#include <string_view>

#include "net/form.hpp"
#include "venue/messages.hpp"

namespace aitrapp::kite {

// An intraday (MIS, DAY) order tagged with the client_order_id; MARKET and SL-M orders carry
// the market protection SEBI requires.
net::Form place_order_form(const OrderSpec& s, const std::string& tradingsymbol,
                           const std::string& exchange);

// Kite's rule for an order's `tag`: 1 to 20 ASCII letters and digits.
bool is_valid_tag(std::string_view tag);

}  // namespace aitrapp::kite
