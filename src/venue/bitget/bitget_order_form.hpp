#pragma once
// What the Bitget adapter writes and reads about orders over REST (docs/bitget-protocol.md,
// "Orders"): the place and modify bodies in one-way mode, the clientOid of each link of an order
// Bitget has modified, and the order, fill and position rows of its answers in engine units.
// Every reader names the field that is missing or malformed. Pure; thread-safe.
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "core/result.hpp"
#include "venue/bitget/bitget_contract.hpp"
#include "venue/messages.hpp"

namespace aitrapp::bitget {

inline constexpr const char* kProductType = "USDT-FUTURES";

// Bitget modifies an order by replacing it under a new clientOid, so one engine order is a chain:
// link 0 is the engine's client_order_id itself, link n is "<id>-m<n>". The names follow from
// the id alone: after a restart the adapter finds the newest link by asking for each in turn.
std::string link_oid(const std::string& client_order_id, int link);
// The engine id and link of a clientOid the adapter wrote; a clientOid without the suffix is
// link 0 of itself.
std::pair<std::string, int> link_of(const std::string& client_oid);

// POST /api/v2/mix/order/place-order for a LIMIT (good till cancelled) or MARKET `spec` under
// `client_oid`, one-way mode, cross margin in USDT.
nlohmann::json place_body(const ContractRules& rules, const OrderSpec& spec,
                          const std::string& margin_mode);
// POST /api/v2/mix/order/modify-order: the order `order_id` replaced by `new_oid` at `qty` and
// `limit`.
nlohmann::json modify_body(const ContractRules& rules, const std::string& order_id,
                           const std::string& new_oid, Qty qty, Price limit);

// An order row of detail (`state`) or a pending/history page (`status`).
struct OrderRow {
  std::string order_id, client_oid, state;  // live, partially_filled, filled, canceled
  Qty size, filled;
  bool open() const { return state == "live" || state == "partially_filled"; }
};
Result<OrderRow> parse_order_row(const nlohmann::json& o, const ContractRules& rules);

// One element of GET /api/v2/mix/order/fills' fillList.
struct FillRow {
  std::string trade_id, order_id;
  Qty qty;
  Price price;
};
Result<FillRow> parse_fill_row(const nlohmann::json& f, const ContractRules& rules);

// all-position's rows as the net quantity per symbol (short negative).
Result<std::map<std::string, int64_t>> parse_net_positions(
    const nlohmann::json& data, const std::map<std::string, ContractRules>& rules_by_symbol);

// Whether a stop of `side` with `trigger` fires at the last price `last`: a sell stop at or
// below its trigger, a buy stop at or above.
bool stop_fires(Side side, Price trigger, Price last);

}  // namespace aitrapp::bitget
