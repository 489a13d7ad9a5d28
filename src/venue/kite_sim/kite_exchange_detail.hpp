#pragma once
// The Kite simulator's own reply and parsing helpers, shared by its files (kite_exchange.cpp:
// routing, sessions, market data; kite_exchange_orders.cpp: the order book). Not a public API.
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/decimal.hpp"
#include "venue/kite_sim/kite_exchange.hpp"

namespace aitrapp::kite::exchange_detail {

using nlohmann::json;

inline double num(Price p) {
  return static_cast<double>(p.raw) / kScale;
}
inline double num(Money m) {
  return static_cast<double>(m.raw) / kScale;
}
// Rupee amounts derived in floating point, to the paisa (no 3.27e-10 from a difference of sums).
inline double paise(double rupees) {
  return std::round(rupees * 100.0) / 100.0;
}

// The simulated user (GET /user/profile, and the body of a new session).
inline json profile_json() {
  return {{"user_id", "AB1234"},
          {"user_type", "individual"},
          {"user_name", "AITRAPP Simulator"},
          {"user_shortname", "AITRAPP"},
          {"email", "sim@example.invalid"},
          {"broker", "ZERODHA"},
          {"exchanges", {"NSE", "NFO"}},
          {"products", {"CNC", "NRML", "MIS"}},
          {"order_types", {"MARKET", "LIMIT", "SL", "SL-M"}},
          {"avatar_url", nullptr},
          {"meta", {{"demat_consent", "physical"}}}};
}
inline SimReply input_error(const std::string& message) {
  return error_reply(400, "InputException", message);
}
inline SimReply success(json data) {
  SimReply r;
  r.body = json{{"status", "success"}, {"data", std::move(data)}}.dump();
  return r;
}

inline std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < path.size()) {
    const size_t j = path.find('/', i);
    if (j != i) parts.push_back(path.substr(i, j == std::string::npos ? j : j - i));
    if (j == std::string::npos) break;
    i = j + 1;
  }
  return parts;
}

inline std::optional<int64_t> parse_int(const std::string& s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}
inline std::optional<Price> parse_price(const std::string& s) {
  auto v = parse_fixed(s);
  if (!v) return std::nullopt;
  return Price::from_raw(*v);
}

inline const std::set<std::string> kOpenStatuses = {"OPEN", "TRIGGER PENDING"};

}  // namespace aitrapp::kite::exchange_detail
