// The Bitget simulator's account settings and positions: leverage, margin mode and position
// mode (each refused while they would change the terms of open positions or orders), and the
// one-way positions as all-position and single-position report them.
#include <algorithm>
#include <cstdlib>

#include "venue/bitget_sim/bitget_exchange.hpp"

namespace aitrapp::bitget {

using nlohmann::json;

namespace {

std::optional<int> leverage_value(const std::string& text, int max) {
  if (text.empty() || text.size() > 4 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  const int v = std::stoi(text);
  if (v < 1 || v > max) return std::nullopt;
  return v;
}

}  // namespace

json BitgetExchange::position_json(const Market& m, const PerpAccount::Position& p) const {
  const Qty total{std::llabs(p.net.units)};
  const int64_t upw = m.instrument.units_per_whole;
  const Money value = notional(m.mark(), total, upw);
  const Money upl = unrealized(p, m.mark(), upw);
  Qty reducing, opening;
  for (const auto& [_, o] : orders_) {
    if (!o.open() || o.symbol != m.rules.symbol) continue;
    (o.reduce_only ? reducing : opening) += o.size - o.filled;
  }
  const bool long_ = p.net.units > 0;
  // Cross margin: the position is liquidated where the account's equity falls to the
  // maintenance margin; the rest of the account stands behind it.
  const double q = static_cast<double>(total.units) / static_cast<double>(upw);
  const double eq = static_cast<double>(equity().raw) / kScale;
  const double mark = static_cast<double>(m.mark().raw) / kScale, keep = 0.004;
  const double liq =
      long_ ? (mark * q - eq) / (q * (1 - keep)) : (mark * q + eq) / (q * (1 + keep));
  const int64_t tick = m.instrument.tick.raw;
  const Price liq_price =
      Price::from_raw(std::max<int64_t>(0, static_cast<int64_t>(liq * kScale) / tick * tick));
  const std::string margin_ratio =
      equity().raw > 0 ? format_fixed(mul_div(value.raw, 40, equity().raw)) : std::string("0");
  return {{"symbol", m.rules.symbol},
          {"marginCoin", "USDT"},
          {"holdSide", long_ ? "long" : "short"},
          {"openDelegateSize", format_size(m.rules, opening)},
          {"marginSize", to_string(Money::from_raw(value.raw / m.leverage))},
          {"available", format_size(m.rules, total - std::min(total, reducing))},
          {"locked", format_size(m.rules, std::min(total, reducing))},
          {"total", format_size(m.rules, total)},
          {"leverage", std::to_string(m.leverage)},
          {"achievedProfits", to_string(p.realized)},
          {"openPriceAvg", to_string(p.avg)},
          {"marginMode", m.margin_mode},
          {"posMode", pos_mode_},
          {"unrealizedPL", to_string(upl)},
          {"liquidationPrice", liq_price.raw > 0 ? to_string(liq_price) : std::string("0")},
          {"keepMarginRate", "0.004"},
          {"markPrice", to_string(m.mark())},
          {"marginRatio", margin_ratio},
          {"breakEvenPrice", to_string(p.avg)},
          {"totalFee", to_string(p.funding)},
          {"deductedFee", to_string(p.fees)},
          {"cTime", std::to_string(p.opened)},
          {"uTime", std::to_string(p.updated)},
          {"assetMode", "single"},
          {"autoMargin", "off"},
          {"takeProfit", ""},
          {"stopLoss", ""},
          {"takeProfitId", ""},
          {"stopLossId", ""}};
}

net::HttpResponse BitgetExchange::all_positions(const Params& p) {
  const auto product = p.get("productType");
  if (product.empty()) return fail(api_error(ErrorKind::ParameterEmpty, "productType"));
  if (p.has("marginCoin"))
    if (const auto e = check_margin_coin(p)) return fail(*e);
  json list = json::array();
  if (upper(product) == "USDT-FUTURES")
    for (const auto& [symbol, pos] : account_book_.positions())
      if (pos.net.units != 0) list.push_back(position_json(markets_.at(symbol), pos));
  return ok(list);
}

net::HttpResponse BitgetExchange::single_position(const Params& p) {
  auto found = market_of(p);
  if (const auto* e = std::get_if<ApiError>(&found)) return fail(*e);
  if (const auto e = check_margin_coin(p)) return fail(*e);
  const Market& m = *std::get<Market*>(found);
  json list = json::array();
  if (const auto* pos = account_book_.position(m.rules.symbol); pos && pos->net.units != 0)
    list.push_back(position_json(m, *pos));
  return ok(list);
}

net::HttpResponse BitgetExchange::set_leverage(const Params& p) {
  auto found = market_of(p);
  if (const auto* e = std::get_if<ApiError>(&found)) return fail(*e);
  if (const auto e = check_margin_coin(p)) return fail(*e);
  Market& m = *std::get<Market*>(found);
  // One-way cross: one leverage for both sides; longLeverage / shortLeverage must agree.
  std::string text = p.get("leverage");
  if (text.empty()) text = p.get("longLeverage");
  if (text.empty()) text = p.get("shortLeverage");
  if (text.empty()) return fail(api_error(ErrorKind::ParameterEmpty, "leverage"));
  const auto lever = leverage_value(text, m.rules.max_lever);
  if (!lever)
    return fail(api_error(ErrorKind::ParameterInvalid,
                          "leverage \"" + text + "\" is not a whole number from 1 to maxLever " +
                              std::to_string(m.rules.max_lever)));
  for (const char* side : {"longLeverage", "shortLeverage"})
    if (p.has(side) && p.get(side) != text)
      return fail(api_error(ErrorKind::ParameterInvalid,
                            std::string(side) + " differs: one-way mode has one leverage"));
  m.leverage = *lever;
  const std::string v = std::to_string(m.leverage);
  return ok({{"symbol", m.rules.symbol},
             {"marginCoin", "USDT"},
             {"longLeverage", v},
             {"shortLeverage", v},
             {"crossMarginLeverage", v},
             {"marginMode", m.margin_mode}});
}

net::HttpResponse BitgetExchange::set_margin_mode(const Params& p) {
  auto found = market_of(p);
  if (const auto* e = std::get_if<ApiError>(&found)) return fail(*e);
  if (const auto e = check_margin_coin(p)) return fail(*e);
  Market& m = *std::get<Market*>(found);
  const std::string mode = lower(p.get("marginMode"));
  if (mode.empty()) return fail(api_error(ErrorKind::ParameterEmpty, "marginMode"));
  if (mode != "crossed" && mode != "isolated")
    return fail(api_error(ErrorKind::ParameterInvalid,
                          "marginMode \"" + p.get("marginMode") + "\" (crossed or isolated)"));
  const auto* pos = account_book_.position(m.rules.symbol);
  const bool busy = (pos && pos->net.units != 0) ||
                    std::any_of(orders_.begin(), orders_.end(), [&](const auto& kv) {
                      return kv.second.open() && kv.second.symbol == m.rules.symbol;
                    });
  if (busy && mode != m.margin_mode)
    return fail(api_error(
        ErrorKind::ParameterInvalid,
        "marginMode cannot change while " + m.rules.symbol + " has a position or open orders"));
  m.margin_mode = mode;
  const std::string v = std::to_string(m.leverage);
  return ok({{"symbol", m.rules.symbol},
             {"marginCoin", "USDT"},
             {"longLeverage", v},
             {"shortLeverage", v},
             {"marginMode", m.margin_mode}});
}

net::HttpResponse BitgetExchange::set_position_mode(const Params& p) {
  const std::string product = p.get("productType");
  if (product.empty()) return fail(api_error(ErrorKind::ParameterEmpty, "productType"));
  if (upper(product) != "USDT-FUTURES")
    return fail(api_error(ErrorKind::ParameterInvalid, "productType \"" + product + "\""));
  const std::string mode = lower(p.get("posMode"));
  if (mode.empty()) return fail(api_error(ErrorKind::ParameterEmpty, "posMode"));
  if (mode != "one_way_mode" && mode != "hedge_mode")
    return fail(api_error(ErrorKind::ParameterInvalid,
                          "posMode \"" + p.get("posMode") + "\" (one_way_mode or hedge_mode)"));
  const bool busy =
      std::any_of(account_book_.positions().begin(), account_book_.positions().end(),
                  [](const auto& kv) { return kv.second.net.units != 0; }) ||
      std::any_of(orders_.begin(), orders_.end(), [](const auto& kv) { return kv.second.open(); });
  if (busy && mode != pos_mode_)
    return fail(api_error(ErrorKind::ParameterInvalid,
                          "posMode cannot change while USDT-FUTURES has positions or open orders"));
  pos_mode_ = mode;
  return ok({{"posMode", pos_mode_}});
}

}  // namespace aitrapp::bitget
