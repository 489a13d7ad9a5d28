// The Bitget simulator's public market data: server time, contracts, tickers, the merged book,
// candles built from the replayed ticks, mark and index prices, and the position tiers.
#include <algorithm>
#include <array>
#include <tuple>

#include "venue/bitget_sim/bitget_exchange.hpp"

namespace aitrapp::bitget {

using nlohmann::json;

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
  t["indexPrice"] = t["lastPr"];
  t["markPrice"] = format_price(r, m.mark());
  t["fundingRate"] = ppm_text(m.funding_rate_ppm);
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

net::HttpResponse BitgetExchange::server_time(const Params&) {
  return ok({{"serverTime", std::to_string(clock_.now())}});
}

net::HttpResponse BitgetExchange::contracts(const Params& r) {
  const auto product = product_type(r);
  if (const auto* e = std::get_if<ApiError>(&product)) return fail(*e);
  const std::string symbol = upper(r.get("symbol"));
  json list = json::array();
  if (std::get<std::string>(product) == kUsdtFutures)
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
  if (std::get<std::string>(product) == kUsdtFutures)
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

namespace {

struct Granularity {
  const char* name;
  TimeMs ms;
};
constexpr std::array<Granularity, 10> kGranularities = {{{"1m", 60'000},
                                                         {"3m", 180'000},
                                                         {"5m", 300'000},
                                                         {"15m", 900'000},
                                                         {"30m", 1'800'000},
                                                         {"1H", 3'600'000},
                                                         {"4H", 14'400'000},
                                                         {"6H", 21'600'000},
                                                         {"12H", 43'200'000},
                                                         {"1D", 86'400'000}}};

}  // namespace

// Candles from the one-minute candles the ticks built (the last kCandleDays days), aggregated to
// `granularity`, oldest first: [start, open, high, low, close, base volume, quote volume]. The
// page is the last `limit` candles ending at endTime (default now) and starting at startTime.
net::HttpResponse BitgetExchange::candles(const Params& p) {
  auto found = market_of(p);
  if (const auto* e = std::get_if<ApiError>(&found)) return fail(*e);
  const Market& m = *std::get<Market*>(found);
  const std::string g = p.get("granularity");
  if (g.empty()) return fail(api_error(ErrorKind::ParameterEmpty, "granularity"));
  const auto gran = std::find_if(kGranularities.begin(), kGranularities.end(),
                                 [&](const Granularity& x) { return g == x.name; });
  if (gran == kGranularities.end())
    return fail(api_error(ErrorKind::ParameterInvalid,
                          "granularity \"" + g + "\" (1m 3m 5m 15m 30m 1H 4H 6H 12H 1D)"));
  int64_t limit = 100;
  TimeMs start = 0, end = clock_.now();
  for (const auto& [name, into, hi] :
       {std::tuple<const char*, int64_t*, int64_t>{"limit", &limit, 1000},
        {"startTime", &start, INT64_MAX / 2},
        {"endTime", &end, INT64_MAX / 2}})
    if (p.has(name)) {
      const auto v = p.whole(name, name == std::string("limit") ? 1 : 0, hi);
      if (const auto* e = std::get_if<ApiError>(&v)) return fail(*e);
      *into = std::get<int64_t>(v);
    }
  std::vector<Market::Candle> out;
  for (const Market::Candle& c : m.candles) {
    const TimeMs bucket = c.start / gran->ms * gran->ms;
    if (bucket < start || bucket > end) continue;
    if (out.empty() || out.back().start != bucket) {
      out.push_back({bucket, c.open, c.high, c.low, c.close, c.volume});
      continue;
    }
    Market::Candle& b = out.back();
    b.high = std::max(b.high, c.high);
    b.low = std::min(b.low, c.low);
    b.close = c.close;
    b.volume += c.volume;
  }
  if (out.size() > static_cast<size_t>(limit))
    out.erase(out.begin(), out.end() - static_cast<ptrdiff_t>(limit));
  json rows = json::array();
  const int64_t upw = m.instrument.units_per_whole;
  for (const Market::Candle& c : out) {
    const Qty base{c.volume * upw};
    rows.push_back({std::to_string(c.start), format_price(m.rules, c.open),
                    format_price(m.rules, c.high), format_price(m.rules, c.low),
                    format_price(m.rules, c.close), format_size(m.rules, base),
                    to_string(notional(c.close, base, upw))});
  }
  return ok(rows);
}

net::HttpResponse BitgetExchange::symbol_price(const Params& p) {
  auto found = market_of(p);
  if (const auto* e = std::get_if<ApiError>(&found)) return fail(*e);
  const Market& m = *std::get<Market*>(found);
  if (!m.quoted) return ok(json::array());
  const std::string last = format_price(m.rules, m.last.last);
  return ok(json::array({{{"symbol", m.rules.symbol},
                          {"price", last},
                          {"indexPrice", last},
                          {"markPrice", format_price(m.rules, m.mark())},
                          {"ts", std::to_string(m.last.time)}}}));
}

net::HttpResponse BitgetExchange::leverage_tiers(const Params& p) {
  auto found = market_of(p);
  if (const auto* e = std::get_if<ApiError>(&found)) return fail(*e);
  const Market& m = *std::get<Market*>(found);
  json rows = json::array();
  for (const PositionTier& t : position_tiers())
    if (t.max_leverage <= m.rules.max_lever || t.level == 1)
      rows.push_back({{"symbol", m.rules.symbol},
                      {"level", std::to_string(t.level)},
                      {"startUnit", std::to_string(t.start_usdt)},
                      {"endUnit", std::to_string(t.end_usdt)},
                      {"leverage", std::to_string(std::min(t.max_leverage, m.rules.max_lever))},
                      {"keepMarginRate", format_fixed(t.keep_margin_rate_raw)}});
  return ok(rows);
}

}  // namespace aitrapp::bitget
