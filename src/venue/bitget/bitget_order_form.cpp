#include "venue/bitget/bitget_order_form.hpp"

#include <charconv>

namespace aitrapp::bitget {

using nlohmann::json;

namespace {

constexpr std::string_view kLinkMark = "-m";

std::string field(const json& j, const char* name) {
  const auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Result<Qty> size_field(const json& j, const char* name, const ContractRules& rules,
                       const std::string& what) {
  const std::string text = field(j, name);
  const auto q = parse_size(rules, text);
  if (!q) return Error{what + ": '" + name + "' is '" + text + "', not a size of " + rules.symbol};
  return *q;
}

}  // namespace

std::string link_oid(const std::string& client_order_id, int link) {
  if (link == 0) return client_order_id;
  return client_order_id + std::string(kLinkMark) + std::to_string(link);
}

std::pair<std::string, int> link_of(const std::string& client_oid) {
  const size_t at = client_oid.rfind(kLinkMark);
  if (at == std::string::npos || at == 0) return {client_oid, 0};
  const char* first = client_oid.data() + at + kLinkMark.size();
  const char* last = client_oid.data() + client_oid.size();
  int link = 0;
  const auto [end, ec] = std::from_chars(first, last, link);
  if (ec != std::errc() || end != last || first == last || link <= 0) return {client_oid, 0};
  return {client_oid.substr(0, at), link};
}

json place_body(const ContractRules& rules, const OrderSpec& s, const std::string& margin_mode) {
  json b = {{"symbol", rules.symbol},
            {"productType", kProductType},
            {"marginMode", margin_mode},
            {"marginCoin", rules.quote_coin},
            {"size", format_size(rules, s.qty)},
            {"side", s.side == Side::Buy ? "buy" : "sell"},
            {"orderType", s.type == OrderType::Market ? "market" : "limit"},
            {"clientOid", s.client_order_id},
            {"reduceOnly", "NO"}};
  if (s.type != OrderType::Market) {
    b["price"] = format_price(rules, s.limit);
    b["force"] = "gtc";
  }
  return b;
}

json modify_body(const ContractRules& rules, const std::string& order_id,
                 const std::string& new_oid, Qty qty, Price limit) {
  return {{"symbol", rules.symbol},
          {"productType", kProductType},
          {"marginCoin", rules.quote_coin},
          {"orderId", order_id},
          {"newClientOid", new_oid},
          {"newSize", format_size(rules, qty)},
          {"newPrice", format_price(rules, limit)}};
}

Result<OrderRow> parse_order_row(const json& o, const ContractRules& rules) {
  if (!o.is_object()) return Error{"an order row is not an object"};
  OrderRow r;
  r.order_id = field(o, "orderId");
  r.client_oid = field(o, "clientOid");
  r.state = field(o, "state");
  if (r.state.empty()) r.state = field(o, "status");
  if (r.order_id.empty()) return Error{"an order row has no 'orderId'"};
  if (r.state.empty()) return Error{"order " + r.order_id + " has no 'state' or 'status'"};
  auto size = size_field(o, "size", rules, "order " + r.order_id);
  if (!size) return Error{size.error()};
  auto filled = size_field(o, "baseVolume", rules, "order " + r.order_id);
  if (!filled) return Error{filled.error()};
  r.size = size.value();
  r.filled = filled.value();
  return r;
}

Result<FillRow> parse_fill_row(const json& f, const ContractRules& rules) {
  if (!f.is_object()) return Error{"a fill row is not an object"};
  FillRow r;
  r.trade_id = field(f, "tradeId");
  r.order_id = field(f, "orderId");
  if (r.trade_id.empty() || r.order_id.empty()) return Error{"a fill row has no tradeId/orderId"};
  auto qty = size_field(f, "baseVolume", rules, "fill " + r.trade_id);
  if (!qty) return Error{qty.error()};
  r.qty = qty.value();
  const auto price = parse_fixed(field(f, "price"));
  if (!price || *price <= 0)
    return Error{"fill " + r.trade_id + ": 'price' is '" + field(f, "price") + "'"};
  r.price = Price::from_raw(*price);
  return r;
}

Result<std::map<std::string, int64_t>> parse_net_positions(
    const json& data, const std::map<std::string, ContractRules>& rules_by_symbol) {
  if (!data.is_array()) return Error{"all-position's data is not a list"};
  std::map<std::string, int64_t> net;
  for (const auto& [symbol, _] : rules_by_symbol) net[symbol] = 0;  // flat ones as 0
  for (const json& p : data) {
    if (!p.is_object()) return Error{"a position row is not an object"};
    const std::string symbol = field(p, "symbol"), side = field(p, "holdSide");
    const auto rules = rules_by_symbol.find(symbol);
    if (rules == rules_by_symbol.end()) {
      // A contract the engine does not trade still makes the books disagree: count it whole.
      net[symbol] += 1;
      continue;
    }
    if (side != "long" && side != "short")
      return Error{"position " + symbol + ": 'holdSide' is '" + side + "'"};
    auto total = size_field(p, "total", rules->second, "position " + symbol);
    if (!total) return Error{total.error()};
    net[symbol] += side == "long" ? total.value().units : -total.value().units;
  }
  return net;
}

bool stop_fires(Side side, Price trigger, Price last) {
  return side == Side::Sell ? last <= trigger : last >= trigger;
}

}  // namespace aitrapp::bitget
