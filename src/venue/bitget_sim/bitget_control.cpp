#include "venue/bitget_sim/bitget_control.hpp"

#include <sstream>

#include "venue/sim/fault_control.hpp"

namespace aitrapp::bitget {

namespace {

std::string query(const net::HttpRequest& r, const char* name) {
  const auto it = r.query.find(name);
  return it == r.query.end() ? "" : it->second;
}

net::HttpResponse answer(const Result<nlohmann::json>& done) {
  if (!done) return control_reply(400, {{"error", done.error()}});
  return control_reply(200, done.value());
}

std::optional<net::HttpResponse> route(BitgetExchange& exchange, std::mutex& exchange_mutex,
                                       BitgetSimServer& server, const net::HttpRequest& r) {
  const std::string fault = r.path.substr(8);
  const std::string symbol = query(r, "symbol");
  const bool needs_symbol =
      fault == "funding_rate" || fault == "mark" || fault == "contract" || fault == "ui_order";
  if (needs_symbol && symbol.empty())
    return control_reply(400, {{"error", "missing parameter 'symbol' (a contract, e.g. BTCUSDT)"}});
  if (fault == "settle_funding") {
    std::lock_guard lock(exchange_mutex);
    return control_reply(200, exchange.settle_funding_now());
  }
  if (fault == "funding_rate" || fault == "mark") {
    const bool rate = fault == "funding_rate";
    auto v = rate ? int_param(r, "ppm", -3000, 3000) : int_param(r, "bps", -5000, 5000);
    if (!v) return control_reply(400, {{"error", v.error()}});
    std::lock_guard lock(exchange_mutex);
    return answer(rate ? exchange.set_funding_rate(symbol, v.value())
                       : exchange.move_mark(symbol, v.value()));
  }
  if (fault == "contract") {
    std::map<std::string, std::string> fields(r.query.begin(), r.query.end());
    fields.erase("symbol");
    if (fields.empty())
      return control_reply(400, {{"error", "no contract field to change was given"}});
    std::lock_guard lock(exchange_mutex);
    return answer(exchange.change_contract(symbol, fields));
  }
  if (fault == "ui_order") {
    const std::string side = query(r, "side"), size = query(r, "size");
    if (side != "buy" && side != "sell")
      return control_reply(400, {{"error", "parameter 'side' must be buy or sell"}});
    if (size.empty()) return control_reply(400, {{"error", "missing parameter 'size'"}});
    std::lock_guard lock(exchange_mutex);
    return answer(exchange.place_ui_order(symbol, side == "buy" ? Side::Buy : Side::Sell, size,
                                          query(r, "price")));
  }
  if (fault == "fee_rate") {
    std::lock_guard lock(exchange_mutex);
    return answer(exchange.set_fee_rates(symbol, query(r, "maker"), query(r, "taker")));
  }
  if (fault == "stale_book") {
    auto v = int_param(r, "seconds", 1, 3600);
    if (!v) return control_reply(400, {{"error", v.error()}});
    server.stale_book(v.value() * 1000);
    return control_reply(200, {{"stale_seconds", v.value()}});
  }
  if (fault == "api_key") {
    std::vector<std::string> authorities;
    std::stringstream list(query(r, "authorities"));
    for (std::string a; std::getline(list, a, ',');)
      if (!a.empty()) authorities.push_back(a);
    std::lock_guard lock(exchange_mutex);
    exchange.set_api_key(authorities, query(r, "ips"));
    return control_reply(200, {{"authorities", authorities}, {"ips", query(r, "ips")}});
  }
  return std::nullopt;
}

}  // namespace

std::optional<net::HttpResponse> bitget_control_route(BitgetExchange& exchange,
                                                      std::mutex& exchange_mutex,
                                                      BitgetSimServer& server,
                                                      const net::HttpRequest& r) {
  if (r.method == "GET" && r.path == "/orders") {
    std::lock_guard lock(exchange_mutex);
    return control_reply(200, {{"orders", exchange.order_ledger()}});
  }
  if (r.method != "POST" || !r.path.starts_with("/faults/")) return std::nullopt;
  auto answer = route(exchange, exchange_mutex, server, r);
  std::vector<BitgetExchange::WsPush> pushes;
  {
    std::lock_guard lock(exchange_mutex);
    pushes = exchange.take_pushes();
  }
  server.publish(pushes);
  return answer;
}

}  // namespace aitrapp::bitget
