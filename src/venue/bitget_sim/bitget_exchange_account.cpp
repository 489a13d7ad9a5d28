// The Bitget simulator's account: equity and margin, the balance and fee-rate routes, the account
// statement (bills), the API key's permissions, the settings (leverage, margin mode and position
// mode, each refused while it would change the terms of open positions or orders), and the
// one-way positions as all-position and single-position report them.
#include <algorithm>
#include <cstdlib>
#include <tuple>

#include "venue/bitget_sim/bitget_exchange.hpp"

namespace aitrapp::bitget {

using nlohmann::json;

Money BitgetExchange::margin_of(const Market& m, Price price, Qty qty, int leverage) {
  return Money::from_raw(notional(price, qty, m.instrument.units_per_whole).raw / leverage);
}

std::optional<ApiError> BitgetExchange::check_margin(Money needed, Money freed) const {
  const Money available = equity() - position_margin() - order_margin() + freed;
  if (needed <= available) return std::nullopt;
  return api_error(ErrorKind::InsufficientBalance,
                   "the order needs " + to_string(needed) + " USDT of margin, " +
                       to_string(std::max(available, Money{})) + " is available");
}

Money BitgetExchange::position_margin() const {
  Money sum;
  for (const auto& [symbol, p] : account_book_.positions()) {
    const Market& m = markets_.at(symbol);
    sum += margin_of(m, m.mark(), Qty{std::llabs(p.net.units)}, m.leverage);
  }
  return sum;
}

// In one-way mode an order against the position closes it first: only what it would open
// beyond the position needs margin.
Qty BitgetExchange::opening_part(Side side, Qty size, int64_t net) {
  const bool closes = side == Side::Buy ? net < 0 : net > 0;
  if (!closes) return size;
  return Qty{std::max<int64_t>(0, size.units - std::llabs(net))};
}

// What an open order holds: the margin of the unfilled part it would open at its price (a
// market order's at the mark), unless it is reduce-only.
Money BitgetExchange::order_margin() const {
  Money sum;
  for (const auto& [_, o] : orders_) {
    if (!o.open() || o.reduce_only) continue;
    const Market& m = markets_.at(o.symbol);
    const auto* pos = account_book_.position(o.symbol);
    const Qty opening = opening_part(o.side, o.size - o.filled, pos ? pos->net.units : 0);
    sum += margin_of(m, o.market ? m.mark() : o.price, opening, o.leverage);
  }
  return sum;
}

Money BitgetExchange::equity() const {
  Money e = account_book_.cash();
  for (const auto& [symbol, p] : account_book_.positions()) {
    const Market& m = markets_.at(symbol);
    e += unrealized(p, m.mark(), m.instrument.units_per_whole);
  }
  return e;
}

json BitgetExchange::account_json() const {
  const Money eq = equity();
  Money upl;
  Money maintenance;
  for (const auto& [symbol, p] : account_book_.positions()) {
    const Market& m = markets_.at(symbol);
    upl += unrealized(p, m.mark(), m.instrument.units_per_whole);
    const Money value =
        notional(m.mark(), Qty{std::llabs(p.net.units)}, m.instrument.units_per_whole);
    maintenance += Money::from_raw(mul_div(value.raw, tier_of(value).keep_margin_rate_raw, kScale));
  }
  const Money locked = order_margin();
  const Money available = eq - position_margin() - locked;
  const std::string avail = to_string(std::max(available, Money{}));
  const std::string risk =
      eq.raw > 0 ? format_fixed(mul_div(maintenance.raw, kScale, eq.raw)) : std::string("0");
  const int lever = markets_.empty() ? kDefaultLeverage : markets_.begin()->second.leverage;
  const std::string mode = markets_.empty() ? "crossed" : markets_.begin()->second.margin_mode;
  return {{"marginCoin", "USDT"},
          {"locked", to_string(locked)},
          {"available", avail},
          {"crossedMaxAvailable", avail},
          {"isolatedMaxAvailable", avail},
          {"maxTransferOut", avail},
          {"accountEquity", to_string(eq)},
          {"usdtEquity", to_string(eq)},
          {"unrealizedPL", to_string(upl)},
          {"crossedUnrealizedPL", to_string(upl)},
          {"isolatedUnrealizedPL", "0"},
          {"crossedRiskRate", risk},
          {"crossedMarginLeverage", std::to_string(lever)},
          {"isolatedLongLever", std::to_string(lever)},
          {"isolatedShortLever", std::to_string(lever)},
          {"marginMode", mode},
          {"posMode", pos_mode_},
          {"assetMode", "single"}};
}

net::HttpResponse BitgetExchange::accounts(const Params& r) {
  const auto product = product_type(r);
  if (const auto* e = std::get_if<ApiError>(&product)) return fail(*e);
  return ok(std::get<std::string>(product) == kUsdtFutures ? json::array({account_json()})
                                                           : json::array());
}

net::HttpResponse BitgetExchange::account(const Params& r) {
  const auto m = market_of(r);
  if (const auto* e = std::get_if<ApiError>(&m)) return fail(*e);
  if (const auto e = check_margin_coin(r)) return fail(*e);
  return ok(account_json());
}

// The account's own rate: the contract's base tier unless the control API set another.
net::HttpResponse BitgetExchange::trade_rate(const Params& r) {
  const std::string business = r.get("businessType");
  if (business != "mix" && business != "contract")
    return fail(
        api_error(ErrorKind::ParameterInvalid, "businessType \"" + business + "\" (futures: mix)"));
  const auto it = markets_.find(upper(r.get("symbol")));
  if (it == markets_.end())
    return fail(api_error(ErrorKind::ParameterInvalid, "symbol \"" + r.get("symbol") + "\""));
  // Written as Bitget writes rates here: "0.0002", trailing zeros dropped.
  auto rate = [](int64_t ppm) {
    std::string t = ppm_text(ppm);
    while (t.back() == '0' && t[t.size() - 2] != '.') t.pop_back();
    return t;
  };
  return ok(
      {{"makerFeeRate", rate(it->second.maker_ppm)}, {"takerFeeRate", rate(it->second.taker_ppm)}});
}

// The account statement, newest first: funding settlements (contract_settle_fee) and each fill
// (open_long, close_long, open_short, close_short), narrowed by symbol, businessType and time,
// paged by idLessThan and limit (1-100).
net::HttpResponse BitgetExchange::bills(const Params& p) {
  const auto product = product_type(p);
  if (const auto* e = std::get_if<ApiError>(&product)) return fail(*e);
  if (p.has("marginCoin"))
    if (const auto e = check_margin_coin(p)) return fail(*e);
  const std::string symbol = upper(p.get("symbol")), type = p.get("businessType"),
                    before = p.get("idLessThan");
  int64_t from = 0, to = INT64_MAX / 2, limit = 100;
  for (const auto& [name, into, lo, hi] :
       {std::tuple<const char*, int64_t*, int64_t, int64_t>{"startTime", &from, 0, INT64_MAX / 2},
        {"endTime", &to, 0, INT64_MAX / 2},
        {"limit", &limit, 1, 100}})
    if (p.has(name)) {
      const auto v = p.whole(name, lo, hi);
      if (const auto* e = std::get_if<ApiError>(&v)) return fail(*e);
      *into = std::get<int64_t>(v);
    }
  json rows = json::array();
  if (std::get<std::string>(product) == kUsdtFutures)
    for (auto it = bills_.rbegin(); it != bills_.rend() && rows.size() < static_cast<size_t>(limit);
         ++it) {
      if ((!symbol.empty() && it->symbol != symbol) ||
          (!type.empty() && it->business_type != type) || it->time < from || it->time > to ||
          (!before.empty() && it->bill_id >= before))
        continue;
      rows.push_back({{"billId", it->bill_id},
                      {"symbol", it->symbol},
                      {"amount", to_string(it->amount)},
                      {"fee", to_string(it->fee)},
                      {"feeByCoupon", ""},
                      {"businessType", it->business_type},
                      {"coin", "USDT"},
                      {"balance", to_string(it->balance)},
                      {"cTime", std::to_string(it->time)}});
    }
  const json end = rows.empty() ? json(nullptr) : rows.back()["billId"];
  return ok({{"bills", rows}, {"endId", end}});
}

// What the API key may do: Bitget's authority codes (coor/coow futures orders read/write,
// cpor/cpow futures holdings read/write, wwow withdraw...) and its IP allowlist.
net::HttpResponse BitgetExchange::api_key_info(const Params&) {
  return ok({{"userId", "8800000001"},
             {"inviterId", ""},
             {"ips", key_ips_},
             {"authorities", key_authorities_},
             {"parentId", "8800000001"},
             {"traderType", ""},
             {"channelCode", ""},
             {"channel", ""},
             {"regisTime", "1609459200000"}});
}

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
  const int64_t keep_raw = tier_of(value).keep_margin_rate_raw;
  const double mark = static_cast<double>(m.mark().raw) / kScale,
               keep = static_cast<double>(keep_raw) / kScale;
  const double liq =
      long_ ? (mark * q - eq) / (q * (1 - keep)) : (mark * q + eq) / (q * (1 + keep));
  const int64_t tick = m.instrument.tick.raw;
  const Price liq_price =
      Price::from_raw(std::max<int64_t>(0, static_cast<int64_t>(liq * kScale) / tick * tick));
  const std::string margin_ratio = equity().raw > 0
                                       ? format_fixed(mul_div(value.raw, keep_raw, equity().raw))
                                       : std::string("0");
  return {{"symbol", m.rules.symbol},
          {"marginCoin", "USDT"},
          {"holdSide", long_ ? "long" : "short"},
          {"openDelegateSize", format_size(m.rules, opening)},
          {"marginSize", to_string(margin_of(m, m.mark(), total, m.leverage))},
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
          {"keepMarginRate", format_fixed(keep_raw)},
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
  const auto product = product_type(p);
  if (const auto* e = std::get_if<ApiError>(&product)) return fail(*e);
  if (p.has("marginCoin"))
    if (const auto e = check_margin_coin(p)) return fail(*e);
  json list = json::array();
  if (std::get<std::string>(product) == kUsdtFutures)
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
  const char* name = p.has("leverage")       ? "leverage"
                     : p.has("longLeverage") ? "longLeverage"
                                             : "shortLeverage";
  if (!p.has(name)) return fail(api_error(ErrorKind::ParameterEmpty, "leverage"));
  const std::string text = p.get(name);
  const auto lever = p.whole(name, 1, m.rules.max_lever);  // maxLever bounds it
  if (const auto* e = std::get_if<ApiError>(&lever)) return fail(*e);
  for (const char* side : {"longLeverage", "shortLeverage"})
    if (p.has(side) && p.get(side) != text)
      return fail(api_error(ErrorKind::ParameterInvalid,
                            std::string(side) + " differs: one-way mode has one leverage"));
  m.leverage = static_cast<int>(std::get<int64_t>(lever));
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
  const auto product = product_type(p);
  if (const auto* e = std::get_if<ApiError>(&product)) return fail(*e);
  if (std::get<std::string>(product) != kUsdtFutures)
    return fail(
        api_error(ErrorKind::ParameterInvalid,
                  "productType " + std::get<std::string>(product) + " has no account here"));
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
