#include "venue/bitget_sim/bitget_exchange.hpp"

#include <algorithm>
#include <array>
#include <variant>

#include "venue/bitget/bitget_envelope.hpp"

namespace aitrapp::bitget {

using nlohmann::json;

namespace {

constexpr TimeMs kDayMs = 24 * 3'600'000;
// The first tier's maintenance margin rate (0.4 %), on Money's scale.
constexpr int64_t kKeepMarginRateRaw = 40;
constexpr const char* kOurProduct = "USDT-FUTURES";
// Every product type a client may ask for (ccxt's loadMarkets asks for all six); only ours lists
// contracts.
constexpr std::array<const char*, 6> kProductTypes = {"USDT-FUTURES",  "COIN-FUTURES",
                                                      "USDC-FUTURES",  "SUSDT-FUTURES",
                                                      "SCOIN-FUTURES", "SUSDC-FUTURES"};

// The request's productType, upper-cased (Bitget takes either case), or the error when it is
// missing or not one Bitget has.
std::variant<std::string, ApiError> product_type(const Params& r) {
  const std::string raw = r.get("productType");
  if (raw.empty()) return api_error(ErrorKind::ParameterEmpty, "productType");
  const std::string p = upper(raw);
  if (std::find(kProductTypes.begin(), kProductTypes.end(), p) == kProductTypes.end())
    return api_error(ErrorKind::ParameterInvalid, "productType \"" + raw + "\"");
  return p;
}

}  // namespace

BitgetExchange::BitgetExchange(const std::map<std::string, Instrument>& instruments, Money capital,
                               Credentials account, const Clock& clock)
    : account_book_(capital),
      account_(std::move(account)),
      clock_(clock),
      venue_(instruments, SimVenueParams{0, 10'000},
             [this](VenueEvent e) { venue_events_.push_back(std::move(e)); }) {
  for (const auto& [_, in] : instruments) {
    if (!in.tradable) continue;
    Market m;
    m.rules = rules_of(in);
    m.instrument = in;
    m.maker_rate = parse_fixed(m.rules.maker_fee_rate).value_or(0);
    m.taker_rate = parse_fixed(m.rules.taker_fee_rate).value_or(0);
    engine_to_bitget_[in.symbol] = m.rules.symbol;
    markets_.emplace(m.rules.symbol, std::move(m));
  }
}

void BitgetExchange::on_tick(const Tick& t) {
  const auto name = engine_to_bitget_.find(t.symbol);
  if (name == engine_to_bitget_.end()) return;
  Market& m = markets_.at(name->second);
  m.last = t;
  m.quoted = true;
  m.day.emplace_back(t.time, t.last);
  while (!m.day.empty() && m.day.front().first <= t.time - kDayMs) m.day.pop_front();
  venue_.on_tick(t);
  drain_venue_events(false);
}

net::HttpResponse BitgetExchange::ok(const json& data) const {
  net::HttpResponse res;
  res.body = ok_body(data, clock_.now());
  return res;
}

net::HttpResponse BitgetExchange::fail(const ApiError& e) const {
  net::HttpResponse res;
  res.status = e.http_status;
  res.body = error_body(e, clock_.now());
  return res;
}

std::variant<BitgetExchange::Market*, ApiError> BitgetExchange::market_of(const Params& r) {
  const auto product = product_type(r);
  if (const auto* e = std::get_if<ApiError>(&product)) return *e;
  const std::string symbol = upper(r.get("symbol"));
  if (symbol.empty()) return api_error(ErrorKind::ParameterEmpty, "symbol");
  const auto it = markets_.find(symbol);
  if (std::get<std::string>(product) != kOurProduct || it == markets_.end())
    return api_error(ErrorKind::ParameterInvalid, "symbol " + symbol + " is not a contract of " +
                                                      std::get<std::string>(product));
  return &it->second;
}

json BitgetExchange::ticker_json(const Market& m) const {
  const ContractRules& r = m.rules;
  const Qty touch{kTouchLots * m.instrument.lot.units};
  json t = {{"symbol", r.symbol}, {"ts", std::to_string(clock_.now())}};
  if (!m.quoted) return t;
  Price high = m.last.last, low = m.last.last;
  for (const auto& [_, p] : m.day) {
    high = std::max(high, p);
    low = std::min(low, p);
  }
  const Price open = m.day.front().second;
  t["lastPr"] = format_price(r, m.last.last);
  t["bidPr"] = format_price(r, m.last.bid);
  t["askPr"] = format_price(r, m.last.ask);
  t["bidSz"] = t["askSz"] = format_size(r, touch);
  t["high24h"] = format_price(r, high);
  t["low24h"] = format_price(r, low);
  t["open24h"] = format_price(r, open);
  t["change24h"] = format_fixed(mul_div(m.last.last.raw - open.raw, kScale, open.raw));
  t["markPrice"] = t["indexPrice"] = t["lastPr"];
  t["ts"] = std::to_string(m.last.time);
  return t;
}

json BitgetExchange::depth_json(const Market& m, int levels) const {
  json bids = json::array(), asks = json::array();
  if (m.quoted)
    for (int i = 0; i < levels; ++i) {
      const Price step = Price::from_raw(m.instrument.tick.raw * i);
      const std::string size =
          format_size(m.rules, Qty{(i + 1) * kTouchLots * m.instrument.lot.units});
      if (m.last.bid - step > Price{})
        bids.push_back({format_price(m.rules, m.last.bid - step), size});
      asks.push_back({format_price(m.rules, m.last.ask + step), size});
    }
  return {{"bids", bids},
          {"asks", asks},
          {"ts", std::to_string(m.quoted ? m.last.time : clock_.now())},
          {"scale", format_fixed(m.instrument.tick.raw)},
          {"precision", "scale0"},
          {"isMaxPrecision", "NO"}};
}

std::optional<ApiError> BitgetExchange::check_margin_coin(const Params& p) const {
  const std::string coin = p.get("marginCoin");
  if (coin.empty()) return api_error(ErrorKind::ParameterEmpty, "marginCoin");
  if (upper(coin) != "USDT")
    return api_error(ErrorKind::ParameterInvalid, "marginCoin \"" + coin +
                                                      "\" (the account is "
                                                      "in USDT)");
  return std::nullopt;
}

Money BitgetExchange::position_margin() const {
  Money sum;
  for (const auto& [symbol, p] : account_book_.positions()) {
    const Market& m = markets_.at(symbol);
    const Money value =
        notional(m.mark(), Qty{std::llabs(p.net.units)}, m.instrument.units_per_whole);
    sum += Money::from_raw(value.raw / m.leverage);
  }
  return sum;
}

// What an open order holds: the margin of its unfilled part at its price (a market order's at
// the mark), unless it is reduce-only.
Money BitgetExchange::order_margin() const {
  Money sum;
  for (const auto& [_, o] : orders_) {
    if (!o.open() || o.reduce_only) continue;
    const Market& m = markets_.at(o.symbol);
    const Price at = o.market ? m.mark() : o.price;
    sum += Money::from_raw(notional(at, o.size - o.filled, m.instrument.units_per_whole).raw /
                           o.leverage);
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
    maintenance += Money::from_raw(
        mul_div(notional(m.mark(), Qty{std::llabs(p.net.units)}, m.instrument.units_per_whole).raw,
                kKeepMarginRateRaw, kScale));
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

net::HttpResponse BitgetExchange::server_time(const Params&) {
  return ok({{"serverTime", std::to_string(clock_.now())}});
}

net::HttpResponse BitgetExchange::contracts(const Params& r) {
  const auto product = product_type(r);
  if (const auto* e = std::get_if<ApiError>(&product)) return fail(*e);
  const std::string symbol = upper(r.get("symbol"));
  json list = json::array();
  if (std::get<std::string>(product) == kOurProduct)
    for (const auto& [name, m] : markets_)
      if (symbol.empty() || symbol == name) list.push_back(contract_json(m.rules));
  return ok(list);
}

net::HttpResponse BitgetExchange::ticker(const Params& r) {
  const auto m = market_of(r);
  if (const auto* e = std::get_if<ApiError>(&m)) return fail(*e);
  return ok(json::array({ticker_json(*std::get<Market*>(m))}));
}

net::HttpResponse BitgetExchange::tickers(const Params& r) {
  const auto product = product_type(r);
  if (const auto* e = std::get_if<ApiError>(&product)) return fail(*e);
  json list = json::array();
  if (std::get<std::string>(product) == kOurProduct)
    for (const auto& [_, m] : markets_) list.push_back(ticker_json(m));
  return ok(list);
}

net::HttpResponse BitgetExchange::merge_depth(const Params& r) {
  const auto found = market_of(r);
  if (const auto* e = std::get_if<ApiError>(&found)) return fail(*e);
  const Market* m = std::get<Market*>(found);
  const std::string limit = r.get("limit");
  if (limit == "1") return ok(depth_json(*m, 1));
  if (!limit.empty() && limit != "5" && limit != "15" && limit != "50" && limit != "max")
    return fail(api_error(ErrorKind::ParameterInvalid,
                          "limit \"" + limit + "\" is not one of 1, 5, 15, 50, max"));
  return ok(depth_json(*m, kBookLevels));
}

net::HttpResponse BitgetExchange::accounts(const Params& r) {
  const auto product = product_type(r);
  if (const auto* e = std::get_if<ApiError>(&product)) return fail(*e);
  return ok(std::get<std::string>(product) == kOurProduct ? json::array({account_json()})
                                                          : json::array());
}

net::HttpResponse BitgetExchange::account(const Params& r) {
  const auto m = market_of(r);
  if (const auto* e = std::get_if<ApiError>(&m)) return fail(*e);
  if (const auto e = check_margin_coin(r)) return fail(*e);
  return ok(account_json());
}

// The account's own rate; here the contract's base tier.
net::HttpResponse BitgetExchange::trade_rate(const Params& r) {
  const std::string business = r.get("businessType");
  if (business != "mix" && business != "contract")
    return fail(
        api_error(ErrorKind::ParameterInvalid, "businessType \"" + business + "\" (futures: mix)"));
  const auto it = markets_.find(upper(r.get("symbol")));
  if (it == markets_.end())
    return fail(api_error(ErrorKind::ParameterInvalid, "symbol \"" + r.get("symbol") + "\""));
  return ok({{"makerFeeRate", it->second.rules.maker_fee_rate},
             {"takerFeeRate", it->second.rules.taker_fee_rate}});
}

net::HttpResponse BitgetExchange::handle(const net::HttpRequest& r) {
  struct Entry {
    const char* method;
    const char* path;
    bool signed_;
    Route answer;
  };
  static constexpr Entry kRoutes[] = {
      {"GET", "/api/v2/public/time", false, &BitgetExchange::server_time},
      {"GET", "/api/v2/mix/market/contracts", false, &BitgetExchange::contracts},
      {"GET", "/api/v2/mix/market/ticker", false, &BitgetExchange::ticker},
      {"GET", "/api/v2/mix/market/tickers", false, &BitgetExchange::tickers},
      {"GET", "/api/v2/mix/market/merge-depth", false, &BitgetExchange::merge_depth},
      {"GET", "/api/v2/mix/account/accounts", true, &BitgetExchange::accounts},
      {"GET", "/api/v2/mix/account/account", true, &BitgetExchange::account},
      {"GET", "/api/v2/common/trade-rate", true, &BitgetExchange::trade_rate},
      {"POST", "/api/v2/mix/account/set-leverage", true, &BitgetExchange::set_leverage},
      {"POST", "/api/v2/mix/account/set-margin-mode", true, &BitgetExchange::set_margin_mode},
      {"POST", "/api/v2/mix/account/set-position-mode", true, &BitgetExchange::set_position_mode},
      {"GET", "/api/v2/mix/position/all-position", true, &BitgetExchange::all_positions},
      {"GET", "/api/v2/mix/position/single-position", true, &BitgetExchange::single_position},
      {"POST", "/api/v2/mix/order/place-order", true, &BitgetExchange::place_order},
      {"POST", "/api/v2/mix/order/batch-place-order", true, &BitgetExchange::batch_place_order},
      {"POST", "/api/v2/mix/order/modify-order", true, &BitgetExchange::modify_order},
      {"POST", "/api/v2/mix/order/cancel-order", true, &BitgetExchange::cancel_order},
      {"POST", "/api/v2/mix/order/batch-cancel-orders", true, &BitgetExchange::batch_cancel_orders},
      {"POST", "/api/v2/mix/order/cancel-all-orders", true, &BitgetExchange::cancel_all_orders},
      {"GET", "/api/v2/mix/order/detail", true, &BitgetExchange::order_detail},
      {"GET", "/api/v2/mix/order/orders-pending", true, &BitgetExchange::orders_pending},
      {"GET", "/api/v2/mix/order/orders-history", true, &BitgetExchange::orders_history},
      {"GET", "/api/v2/mix/order/fills", true, &BitgetExchange::order_fills},
  };
  ++requests_;
  const auto route = std::find_if(std::begin(kRoutes), std::end(kRoutes), [&](const Entry& x) {
    return r.method == x.method && r.path == x.path;
  });
  if (route == std::end(kRoutes))
    return fail(api_error(ErrorKind::NotFound, r.method + " " + r.path));
  if (route->signed_) {
    const auto refused = check_signed_request(
        account_,
        [&](std::string_view name) -> std::optional<std::string> {
          std::string v = r.header(name);
          if (v.empty()) return std::nullopt;
          return v;
        },
        clock_.now(), r.method, r.path, r.raw_query, r.body);
    if (refused) {
      ++refused_;
      return fail(*refused);
    }
  }
  auto params = Params::of(r);
  if (const auto* e = std::get_if<ApiError>(&params)) return fail(*e);
  return (this->*route->answer)(std::get<Params>(params));
}

json BitgetExchange::stats() const {
  json quotes = json::object();
  for (const auto& [name, m] : markets_)
    if (m.quoted) quotes[name] = to_string(m.last.last);
  size_t open = 0;
  for (const auto& [_, o] : orders_) open += o.open() ? 1 : 0;
  return {{"requests", requests_},           {"refused_signatures", refused_},
          {"orders_placed", orders_placed_}, {"open_orders", open},
          {"fills", fills_.size()},          {"venue_rejects", venue_rejects_},
          {"equity", to_string(equity())},   {"last", quotes}};
}

}  // namespace aitrapp::bitget
