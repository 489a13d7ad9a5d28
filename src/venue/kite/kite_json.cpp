#include "venue/kite/kite_json.hpp"

#include <cmath>

namespace aitrapp::kite {

using nlohmann::json;

namespace {
const json* field(const json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}
}  // namespace

std::optional<std::string> text_field(const json& j, std::string_view key) {
  const json* f = field(j, key);
  if (!f || !f->is_string()) return std::nullopt;
  return f->get<std::string>();
}

std::optional<int64_t> int_field(const json& j, std::string_view key) {
  const json* f = field(j, key);
  if (!f || !f->is_number_integer()) return std::nullopt;
  if (f->is_number_unsigned() && f->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
    return std::nullopt;
  return f->get<int64_t>();
}

std::optional<Price> price_field(const json& j, std::string_view key) {
  const json* f = field(j, key);
  if (!f || !f->is_number()) return std::nullopt;
  const double rupees = f->get<double>();
  // Beyond 1e12 rupees the fixed-point value would overflow; no Kite price comes near it.
  if (!std::isfinite(rupees) || rupees <= 0 || rupees > 1e12) return std::nullopt;
  return Price::from_raw(static_cast<int64_t>(std::llround(rupees * kScale)));
}

std::optional<json> order_update_of(std::string_view frame) {
  json j = json::parse(frame, nullptr, false);
  if (j.is_discarded() || text_field(j, "type") != "order") return std::nullopt;
  const json* data = field(j, "data");
  if (!data || !data->is_object()) return std::nullopt;
  return *data;
}

std::optional<TradeRow> trade_row(const json& j) {
  TradeRow t;
  auto oid = text_field(j, "order_id");
  auto tid = text_field(j, "trade_id");
  auto qty = int_field(j, "quantity");
  auto px = price_field(j, "average_price");
  if (!oid || !tid || tid->empty() || !qty || *qty <= 0 || !px) return std::nullopt;
  t.order_id = std::move(*oid);
  t.trade_id = std::move(*tid);
  t.quantity = *qty;
  t.average_price = *px;
  return t;
}

}  // namespace aitrapp::kite
