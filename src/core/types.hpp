#pragma once
// Small enums shared by every room of the engine, with their wire/store spellings.
#include <initializer_list>
#include <optional>
#include <string_view>

namespace aitrapp {

enum class Side { Buy, Sell };
inline Side side_from_string(std::string_view s) {
  return s == "SELL" ? Side::Sell : Side::Buy;
}
inline Side opposite(Side s) {
  return s == Side::Buy ? Side::Sell : Side::Buy;
}
inline int sign(Side s) {
  return s == Side::Buy ? 1 : -1;
}
inline std::string_view to_string(Side s) {
  return s == Side::Buy ? "BUY" : "SELL";
}

// Kite's order types: MARKET, LIMIT, SL (stop-limit), SL-M (stop-market).
enum class OrderType { Market, Limit, StopLimit, StopMarket };
inline std::string_view to_string(OrderType t) {
  switch (t) {
    case OrderType::Market:
      return "MARKET";
    case OrderType::Limit:
      return "LIMIT";
    case OrderType::StopLimit:
      return "SL";
    case OrderType::StopMarket:
      return "SL-M";
  }
  return "?";
}

inline std::optional<OrderType> order_type_from_string(std::string_view s) {
  for (auto t : {OrderType::Market, OrderType::Limit, OrderType::StopLimit, OrderType::StopMarket})
    if (s == to_string(t)) return t;
  return std::nullopt;
}

// The role of an order inside its bracket; part of the client_order_id.
enum class LegRole { Entry, StopLoss, TakeProfit, Exit };
inline char leg_code(LegRole r) {
  switch (r) {
    case LegRole::Entry:
      return 'E';
    case LegRole::StopLoss:
      return 'S';
    case LegRole::TakeProfit:
      return 'T';
    case LegRole::Exit:
      return 'X';
  }
  return '?';
}
inline std::string_view to_string(LegRole r) {
  switch (r) {
    case LegRole::Entry:
      return "ENTRY";
    case LegRole::StopLoss:
      return "SL";
    case LegRole::TakeProfit:
      return "TP";
    case LegRole::Exit:
      return "EXIT";
  }
  return "?";
}
inline std::optional<LegRole> leg_role_from_string(std::string_view s) {
  for (auto r : {LegRole::Entry, LegRole::StopLoss, LegRole::TakeProfit, LegRole::Exit})
    if (s == to_string(r)) return r;
  return std::nullopt;
}
inline bool is_exit_role(LegRole r) {
  return r != LegRole::Entry;
}

}  // namespace aitrapp
