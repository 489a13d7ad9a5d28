#pragma once
// One USDT-M perpetual's trading rules as GET /api/v2/mix/market/contracts states them
// (docs/bitget-protocol.md, "Contracts"), the exchange's checks of an order's price and size
// against them, and the mapping to and from the engine's Instrument. Numbers travel as strings;
// every check is exact decimal arithmetic. Pure; thread-safe.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/instrument.hpp"
#include "core/result.hpp"
#include "venue/bitget/bitget_errors.hpp"

namespace aitrapp::bitget {

struct ContractRules {
  std::string symbol;  // BTCUSDT
  std::string base_coin, quote_coin = "USDT";
  int price_place = 1;         // decimals a price may have
  int64_t price_end_step = 1;  // a price is a multiple of price_end_step x 10^-price_place
  int volume_place = 3;        // decimals a size may have
  int64_t size_step = 1;       // sizeMultiplier, in units of 10^-volume_place
  int64_t min_size = 1;        // minTradeNum, in units of 10^-volume_place
  std::string min_trade_usdt = "5";
  int max_lever = 125;
  int fund_interval_hours = 8;
  std::string maker_fee_rate = "0.0002", taker_fee_rate = "0.0006";
  std::string buy_limit_price_ratio = "0.05", sell_limit_price_ratio = "0.05";
};

// The rules an exchange would state for an engine instrument (the simulator serves these).
// Throws std::invalid_argument when the instrument's tick or step has no Bitget form (a tick
// not a power-of-ten multiple, more than 4 decimals).
ContractRules rules_of(const Instrument& in);
// The engine instrument the adapter trades under `rules`; the error names the field the engine
// cannot represent (a price with more than 4 decimals, say).
Result<Instrument> instrument_of(const ContractRules& rules);

nlohmann::json contract_json(const ContractRules& rules);
// One element of the contracts list; the error names the missing or malformed field.
Result<ContractRules> parse_contract(const nlohmann::json& j);

// How the adapter writes an engine price (on the instrument's tick) and quantity: with exactly the
// decimals the contract allows, so that the exchange's checks below pass. Throws
// std::invalid_argument for a price not positive or finer than pricePlace (the engine quantizes
// first).
std::string format_price(const ContractRules& rules, Price p);
std::string format_size(const ContractRules& rules, Qty q);
// What the exchange writes back, read as engine values: a size in units of 10^-volumePlace,
// nullopt when it is not a non-negative decimal with at most volumePlace decimals.
std::optional<Qty> parse_size(const ContractRules& rules, std::string_view size);

// The exchange's checks of an order's `price` (limit orders) and `size`. `price` for the
// notional check is the order's price, or the last price for a market order.
std::optional<ApiError> check_price(const ContractRules& rules, std::string_view price);
std::optional<ApiError> check_size(const ContractRules& rules, std::string_view size,
                                   std::string_view price);

}  // namespace aitrapp::bitget
