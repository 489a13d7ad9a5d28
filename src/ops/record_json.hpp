#pragma once
// JSON views of the engine's records, shared by the API's GET bodies and the event bus, so a
// record looks the same wherever an operator meets it. Times are local to the exchange.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/calendar.hpp"
#include "store/store.hpp"

namespace aitrapp::ops {

nlohmann::json signal_json(const Signal& s, const TradingCalendar& cal);
nlohmann::json order_json(const Order& o, const TradingCalendar& cal);
// The bus channel and payload of a durable write, or nothing for writes not published
// (checkpoints, configuration snapshots, positions, bracket bookkeeping).
std::optional<std::pair<const char*, nlohmann::json>> bus_event(const StoreWrite& w,
                                                                const TradingCalendar& cal);

}  // namespace aitrapp::ops
