#pragma once
// Typed reads of Kite's JSON answers and postbacks. A field of the wrong type (or a body that is
// not an object) reads as absent: nlohmann's value() and operator[] would throw instead, on the
// order worker's or the ticker's thread, and end the process mid-session. Pure functions.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/decimal.hpp"

namespace aitrapp::kite {

std::optional<std::string> text_field(const nlohmann::json& j, std::string_view key);
std::optional<int64_t> int_field(const nlohmann::json& j, std::string_view key);
// A price in rupees (a JSON number) as a fixed-point Price; absent unless finite and > 0.
std::optional<Price> price_field(const nlohmann::json& j, std::string_view key);

// The "data" of a ticker text frame of type "order" (an order postback); nullopt for any other
// frame, including one that is not JSON.
std::optional<nlohmann::json> order_update_of(std::string_view frame);

// One row of GET /trades, complete or not at all (a fill is never booked at price 0).
struct TradeRow {
  std::string order_id, trade_id;
  int64_t quantity = 0;
  Price average_price;
};
std::optional<TradeRow> trade_row(const nlohmann::json& j);

}  // namespace aitrapp::kite
