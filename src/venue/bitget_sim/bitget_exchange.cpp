#include "venue/bitget_sim/bitget_exchange.hpp"

#include <algorithm>
#include <array>
#include <variant>

#include "venue/bitget/bitget_envelope.hpp"

namespace aitrapp::bitget {

using nlohmann::json;

namespace {

constexpr TimeMs kDayMs = 24 * 3'600'000;
constexpr const char* kOurProduct = "USDT-FUTURES";
// Every product type a client may ask for (ccxt's loadMarkets asks for all six); only ours lists
// contracts.
constexpr std::array<const char*, 6> kProductTypes = {"USDT-FUTURES",  "COIN-FUTURES",
                                                      "USDC-FUTURES",  "SUSDT-FUTURES",
                                                      "SCOIN-FUTURES", "SUSDC-FUTURES"};

std::string upper(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  return s;
}

std::string param(const net::HttpRequest& r, const char* name) {
  const auto it = r.query.find(name);
  return it == r.query.end() ? "" : it->second;
}

// The request's productType, upper-cased (Bitget takes either case), or the error when it is
// missing or not one Bitget has.
std::variant<std::string, ApiError> product_type(const net::HttpRequest& r) {
  const std::string raw = param(r, "productType");
  if (raw.empty()) return api_error(ErrorKind::ParameterEmpty, "productType");
  const std::string p = upper(raw);
  if (std::find(kProductTypes.begin(), kProductTypes.end(), p) == kProductTypes.end())
    return api_error(ErrorKind::ParameterInvalid, "productType \"" + raw + "\"");
  return p;
}

}  // namespace

BitgetExchange::BitgetExchange(const std::map<std::string, Instrument>& instruments, Money capital,
                               Credentials account, const Clock& clock)
    : capital_(capital), account_(std::move(account)), clock_(clock) {
  for (const auto& [_, in] : instruments) {
    if (!in.tradable) continue;
    Market m;
    m.rules = rules_of(in);
    m.instrument = in;
    markets_.emplace(m.rules.symbol, std::move(m));
  }
}

void BitgetExchange::on_tick(const Tick& t) {
  for (auto& [_, m] : markets_) {
    if (m.instrument.symbol != t.symbol) continue;
    m.last = t;
    m.quoted = true;
    m.day.emplace_back(t.time, t.last);
    while (!m.day.empty() && m.day.front().first <= t.time - kDayMs) m.day.pop_front();
  }
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

std::variant<const BitgetExchange::Market*, ApiError> BitgetExchange::market_of(
    const net::HttpRequest& r) const {
  const auto product = product_type(r);
  if (const auto* e = std::get_if<ApiError>(&product)) return *e;
  const std::string symbol = upper(param(r, "symbol"));
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

json BitgetExchange::account_json() const {
  const std::string cash = to_string(capital_);
  return {{"marginCoin", "USDT"},
          {"locked", "0"},
          {"available", cash},
          {"crossedMaxAvailable", cash},
          {"isolatedMaxAvailable", cash},
          {"maxTransferOut", cash},
          {"accountEquity", cash},
          {"usdtEquity", cash},
          {"unrealizedPL", "0"},
          {"crossedUnrealizedPL", "0"},
          {"isolatedUnrealizedPL", "0"},
          {"crossedRiskRate", "0"},
          {"marginMode", "crossed"},
          {"posMode", "one_way_mode"},
          {"assetMode", "single"}};
}

net::HttpResponse BitgetExchange::server_time(const net::HttpRequest&) {
  return ok({{"serverTime", std::to_string(clock_.now())}});
}

net::HttpResponse BitgetExchange::contracts(const net::HttpRequest& r) {
  const auto product = product_type(r);
  if (const auto* e = std::get_if<ApiError>(&product)) return fail(*e);
  const std::string symbol = upper(param(r, "symbol"));
  json list = json::array();
  if (std::get<std::string>(product) == kOurProduct)
    for (const auto& [name, m] : markets_)
      if (symbol.empty() || symbol == name) list.push_back(contract_json(m.rules));
  return ok(list);
}

net::HttpResponse BitgetExchange::ticker(const net::HttpRequest& r) {
  const auto m = market_of(r);
  if (const auto* e = std::get_if<ApiError>(&m)) return fail(*e);
  return ok(json::array({ticker_json(*std::get<const Market*>(m))}));
}

net::HttpResponse BitgetExchange::tickers(const net::HttpRequest& r) {
  const auto product = product_type(r);
  if (const auto* e = std::get_if<ApiError>(&product)) return fail(*e);
  json list = json::array();
  if (std::get<std::string>(product) == kOurProduct)
    for (const auto& [_, m] : markets_) list.push_back(ticker_json(m));
  return ok(list);
}

net::HttpResponse BitgetExchange::merge_depth(const net::HttpRequest& r) {
  const auto found = market_of(r);
  if (const auto* e = std::get_if<ApiError>(&found)) return fail(*e);
  const Market* m = std::get<const Market*>(found);
  const std::string limit = param(r, "limit");
  if (limit == "1") return ok(depth_json(*m, 1));
  if (!limit.empty() && limit != "5" && limit != "15" && limit != "50" && limit != "max")
    return fail(api_error(ErrorKind::ParameterInvalid,
                          "limit \"" + limit + "\" is not one of 1, 5, 15, 50, max"));
  return ok(depth_json(*m, kBookLevels));
}

net::HttpResponse BitgetExchange::accounts(const net::HttpRequest& r) {
  const auto product = product_type(r);
  if (const auto* e = std::get_if<ApiError>(&product)) return fail(*e);
  return ok(std::get<std::string>(product) == kOurProduct ? json::array({account_json()})
                                                          : json::array());
}

net::HttpResponse BitgetExchange::account(const net::HttpRequest& r) {
  const auto m = market_of(r);
  if (const auto* e = std::get_if<ApiError>(&m)) return fail(*e);
  if (upper(param(r, "marginCoin")) != "USDT")
    return fail(api_error(ErrorKind::ParameterInvalid, "marginCoin must be USDT"));
  return ok(account_json());
}

// The account's own rate; here the contract's base tier.
net::HttpResponse BitgetExchange::trade_rate(const net::HttpRequest& r) {
  const std::string business = param(r, "businessType");
  if (business != "mix" && business != "contract")
    return fail(
        api_error(ErrorKind::ParameterInvalid, "businessType \"" + business + "\" (futures: mix)"));
  const auto it = markets_.find(upper(param(r, "symbol")));
  if (it == markets_.end())
    return fail(api_error(ErrorKind::ParameterInvalid, "symbol \"" + param(r, "symbol") + "\""));
  return ok({{"makerFeeRate", it->second.rules.maker_fee_rate},
             {"takerFeeRate", it->second.rules.taker_fee_rate}});
}

net::HttpResponse BitgetExchange::handle(const net::HttpRequest& r) {
  struct Route {
    const char* method;
    const char* path;
    bool signed_;
    net::HttpResponse (BitgetExchange::*answer)(const net::HttpRequest&);
  };
  static constexpr Route kRoutes[] = {
      {"GET", "/api/v2/public/time", false, &BitgetExchange::server_time},
      {"GET", "/api/v2/mix/market/contracts", false, &BitgetExchange::contracts},
      {"GET", "/api/v2/mix/market/ticker", false, &BitgetExchange::ticker},
      {"GET", "/api/v2/mix/market/tickers", false, &BitgetExchange::tickers},
      {"GET", "/api/v2/mix/market/merge-depth", false, &BitgetExchange::merge_depth},
      {"GET", "/api/v2/mix/account/accounts", true, &BitgetExchange::accounts},
      {"GET", "/api/v2/mix/account/account", true, &BitgetExchange::account},
      {"GET", "/api/v2/common/trade-rate", true, &BitgetExchange::trade_rate},
  };
  ++requests_;
  const auto route = std::find_if(std::begin(kRoutes), std::end(kRoutes), [&](const Route& x) {
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
  return (this->*route->answer)(r);
}

json BitgetExchange::stats() const {
  json quotes = json::object();
  for (const auto& [name, m] : markets_)
    if (m.quoted) quotes[name] = to_string(m.last.last);
  return {{"requests", requests_}, {"refused_signatures", refused_}, {"last", quotes}};
}

}  // namespace aitrapp::bitget
