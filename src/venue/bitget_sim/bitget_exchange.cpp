// The Bitget simulator's exchange: construction, the market data tick, the route table with the
// signature check and the injected request faults, the envelope, and the control API's changes.
#include "venue/bitget_sim/bitget_exchange.hpp"

#include <algorithm>
#include <variant>

#include "venue/bitget/bitget_envelope.hpp"

namespace aitrapp::bitget {

using nlohmann::json;

namespace {

constexpr TimeMs kDayMs = 24 * 3'600'000;

}  // namespace

BitgetExchange::BitgetExchange(const std::map<std::string, Instrument>& instruments, Money capital,
                               Credentials account, const Clock& clock, bool request_limits)
    : account_book_(capital),
      account_(std::move(account)),
      clock_(clock),
      venue_(instruments, SimVenueParams{0, 10'000},
             [this](VenueEvent e) { venue_events_.push_back(std::move(e)); }),
      request_limits_(request_limits) {
  for (const auto& [_, in] : instruments) {
    if (!in.tradable) continue;
    Market m;
    m.rules = rules_of(in);
    m.instrument = in;
    m.maker_ppm = parse_ppm(m.rules.maker_fee_rate).value_or(0);
    m.taker_ppm = parse_ppm(m.rules.taker_fee_rate).value_or(0);
    const TimeMs interval = m.rules.fund_interval_hours * 3'600'000LL;
    m.next_funding = (clock_.now() / interval + 1) * interval;
    engine_to_bitget_[in.symbol] = m.rules.symbol;
    markets_.emplace(m.rules.symbol, std::move(m));
  }
}

Price BitgetExchange::Market::mark() const {
  if (mark_offset_bps == 0) return last.last;
  const int64_t tick = instrument.tick.raw;
  const int64_t moved = last.last.raw + mul_div(last.last.raw, mark_offset_bps, 10'000);
  return Price::from_raw(std::max(tick, moved / tick * tick));
}

void BitgetExchange::on_tick(const Tick& tick, int64_t wall_ms) {
  const auto name = engine_to_bitget_.find(tick.symbol);
  if (name == engine_to_bitget_.end()) return;
  settle_due(tick.time);
  Tick t = tick;
  Market& m = markets_.at(name->second);
  // The replayed bars come from a venue with another grid (0.25 steps where Bitget's BTCUSDT
  // has 0.1): the exchange quotes and prints on its own tick, the print on the nearest one,
  // inside the quote.
  t.bid = round_to_tick(t.bid, m.instrument.tick, Rounding::Down);
  t.ask = round_to_tick(t.ask, m.instrument.tick, Rounding::Up);
  const Price down = round_to_tick(t.last, m.instrument.tick, Rounding::Down);
  t.last = t.last.raw - down.raw >= m.instrument.tick.raw - (t.last.raw - down.raw)
               ? down + m.instrument.tick
               : down;
  t.last = std::clamp(t.last, t.bid, t.ask);
  if (const int64_t factor = faults_.spread_factor_at(wall_ms); factor > 1) {
    // Widened by whole ticks each side, so the quote stays on the grid.
    const int64_t tick = m.instrument.tick.raw, spread_ticks = (t.ask.raw - t.bid.raw) / tick;
    const Price half = Price::from_raw((spread_ticks * (factor - 1) + 1) / 2 * tick);
    t.bid = t.bid - half;
    t.ask = t.ask + half;
  }
  m.last = t;
  m.quoted = true;
  m.day.emplace_back(t.time, t.last);
  while (!m.day.empty() && m.day.front().first <= t.time - kDayMs) m.day.pop_front();
  const TimeMs minute = t.time / 60'000 * 60'000;
  if (m.candles.empty() || m.candles.back().start != minute) {
    m.candles.push_back({minute, t.last, t.last, t.last, t.last, 0});
    while (m.candles.front().start <= minute - kCandleDays * kDayMs) m.candles.pop_front();
  }
  auto& c = m.candles.back();
  c.high = std::max(c.high, t.last);
  c.low = std::min(c.low, t.last);
  c.close = t.last;
  c.volume += t.volume;
  push_market(m);
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

std::variant<BitgetExchange::Market*, ApiError> BitgetExchange::market_named(
    const std::string& symbol) {
  const auto it = markets_.find(upper(symbol));
  if (it == markets_.end())
    return api_error(ErrorKind::ParameterInvalid,
                     "symbol " + upper(symbol) + " is not a contract of " + kUsdtFutures);
  return &it->second;
}

std::variant<BitgetExchange::Market*, ApiError> BitgetExchange::market_of(const Params& r) {
  const auto product = product_type(r);
  if (const auto* e = std::get_if<ApiError>(&product)) return *e;
  const std::string symbol = upper(r.get("symbol"));
  if (symbol.empty()) return api_error(ErrorKind::ParameterEmpty, "symbol");
  if (std::get<std::string>(product) != kUsdtFutures)
    return api_error(ErrorKind::ParameterInvalid, "symbol " + symbol + " is not a contract of " +
                                                      std::get<std::string>(product));
  return market_named(symbol);
}

std::optional<ApiError> BitgetExchange::check_margin_coin(const Params& p) const {
  const std::string coin = p.get("marginCoin");
  if (coin.empty()) return api_error(ErrorKind::ParameterEmpty, "marginCoin");
  if (upper(coin) != "USDT")
    return api_error(ErrorKind::ParameterInvalid,
                     "marginCoin \"" + coin + "\" (the account is in USDT)");
  return std::nullopt;
}

net::HttpResponse BitgetExchange::handle(const net::HttpRequest& r, int64_t wall_ms) {
  struct Entry {
    const char* method;
    const char* path;
    bool signed_, order;  // order: an order-entry route (the ack delay and lost answer apply)
    int per_second;       // Bitget's limit: per UID for a private route, per IP for a public one
    Route answer;
  };
  static constexpr Entry kRoutes[] = {
      {"GET", "/api/v2/public/time", false, false, 20, &BitgetExchange::server_time},
      {"GET", "/api/v2/mix/market/contracts", false, false, 20, &BitgetExchange::contracts},
      {"GET", "/api/v2/mix/market/ticker", false, false, 20, &BitgetExchange::ticker},
      {"GET", "/api/v2/mix/market/tickers", false, false, 20, &BitgetExchange::tickers},
      {"GET", "/api/v2/mix/market/merge-depth", false, false, 20, &BitgetExchange::merge_depth},
      {"GET", "/api/v2/mix/market/candles", false, false, 20, &BitgetExchange::candles},
      {"GET", "/api/v2/mix/market/history-candles", false, false, 20, &BitgetExchange::candles},
      {"GET", "/api/v2/mix/market/symbol-price", false, false, 20, &BitgetExchange::symbol_price},
      {"GET", "/api/v2/mix/market/query-position-lever", false, false, 20,
       &BitgetExchange::leverage_tiers},
      {"GET", "/api/v2/mix/market/current-fund-rate", false, false, 20,
       &BitgetExchange::current_funding_rate},
      {"GET", "/api/v2/mix/market/funding-time", false, false, 20, &BitgetExchange::funding_time},
      {"GET", "/api/v2/mix/market/history-fund-rate", false, false, 20,
       &BitgetExchange::funding_history},
      {"GET", "/api/v2/mix/account/accounts", true, false, 10, &BitgetExchange::accounts},
      {"GET", "/api/v2/mix/account/account", true, false, 10, &BitgetExchange::account},
      {"GET", "/api/v2/mix/account/bill", true, false, 10, &BitgetExchange::bills},
      {"GET", "/api/v2/common/trade-rate", true, false, 10, &BitgetExchange::trade_rate},
      {"GET", "/api/v2/spot/account/info", true, false, 1, &BitgetExchange::api_key_info},
      {"POST", "/api/v2/mix/account/set-leverage", true, false, 5, &BitgetExchange::set_leverage},
      {"POST", "/api/v2/mix/account/set-margin-mode", true, false, 5,
       &BitgetExchange::set_margin_mode},
      {"POST", "/api/v2/mix/account/set-position-mode", true, false, 5,
       &BitgetExchange::set_position_mode},
      {"GET", "/api/v2/mix/position/all-position", true, false, 5, &BitgetExchange::all_positions},
      {"GET", "/api/v2/mix/position/single-position", true, false, 10,
       &BitgetExchange::single_position},
      {"POST", "/api/v2/mix/order/place-order", true, true, 10, &BitgetExchange::place_order},
      {"POST", "/api/v2/mix/order/batch-place-order", true, true, 5,
       &BitgetExchange::batch_place_order},
      {"POST", "/api/v2/mix/order/modify-order", true, true, 10, &BitgetExchange::modify_order},
      {"POST", "/api/v2/mix/order/cancel-order", true, true, 10, &BitgetExchange::cancel_order},
      {"POST", "/api/v2/mix/order/batch-cancel-orders", true, true, 10,
       &BitgetExchange::batch_cancel_orders},
      {"POST", "/api/v2/mix/order/cancel-all-orders", true, true, 10,
       &BitgetExchange::cancel_all_orders},
      {"GET", "/api/v2/mix/order/detail", true, false, 10, &BitgetExchange::order_detail},
      {"GET", "/api/v2/mix/order/orders-pending", true, false, 10, &BitgetExchange::orders_pending},
      {"GET", "/api/v2/mix/order/orders-history", true, false, 10, &BitgetExchange::orders_history},
      {"GET", "/api/v2/mix/order/fills", true, false, 10, &BitgetExchange::order_fills},
  };
  ++requests_;
  settle_due(clock_.now());
  const auto route = std::find_if(std::begin(kRoutes), std::end(kRoutes), [&](const Entry& x) {
    return r.method == x.method && r.path == x.path;
  });
  if (route == std::end(kRoutes))
    return fail(api_error(ErrorKind::NotFound, r.method + " " + r.path));
  // Bitget's limits, counted on the wall clock (real requests a second; one account and, the
  // clients being on loopback, one IP): past one, 429 until the window has room again.
  auto [window, added] = route_windows_.try_emplace(route->path, route->per_second, 1000);
  if (request_limits_ && (!window->second.allows(wall_ms) || !overall_.allows(wall_ms))) {
    ++rate_limited_;
    return fail(api_error(ErrorKind::TooManyRequests, r.method + " " + r.path + " is limited to " +
                                                          std::to_string(route->per_second) +
                                                          " requests a second"));
  }
  window->second.record(wall_ms);
  overall_.record(wall_ms);
  // An injected error burst answers before anything is looked at, as an overloaded gateway does.
  if (const int status = faults_.take_error()) {
    ++injected_errors_;
    ApiError e = api_error(status == 429 ? ErrorKind::TooManyRequests : ErrorKind::SystemError);
    e.http_status = status;
    return fail(e);
  }
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
  net::HttpResponse res = (this->*route->answer)(std::get<Params>(params));
  if (route->order) {
    res.delay_ms = faults_.ack_delay_ms;
    // The order went in; only its answer is lost (a client must look it up by clientOid).
    if (res.status == 200) res.drop = faults_.take_lost_response();
  }
  return res;
}

json BitgetExchange::stats() const {
  json quotes = json::object(), marks = json::object();
  for (const auto& [name, m] : markets_)
    if (m.quoted) {
      quotes[name] = to_string(m.last.last);
      marks[name] = to_string(m.mark());
    }
  size_t open = 0;
  for (const auto& [_, o] : orders_) open += o.open() ? 1 : 0;
  json positions = json::object();  // net, short negative
  for (const auto& [symbol, p] : account_book_.positions()) positions[symbol] = p.net.units;
  return {{"requests", requests_},
          {"refused_signatures", refused_},
          {"injected_errors", injected_errors_},
          {"rate_limited", rate_limited_},
          {"orders_placed", orders_placed_},
          {"open_orders", open},
          {"positions", positions},
          {"fills", fills_.size()},
          {"venue_rejects", venue_rejects_},
          {"duplicate_client_oids", duplicate_client_oids_},
          {"funding_settlements", funding_settlements_},
          {"equity", to_string(equity())},
          {"funding_total", to_string(account_book_.funding_total())},
          {"last", quotes},
          {"mark", marks}};
}

// ---- the control API's changes ----

Result<json> BitgetExchange::move_mark(const std::string& symbol, int64_t bps) {
  auto found = market_named(symbol);
  if (const auto* e = std::get_if<ApiError>(&found)) return Error{e->msg};
  Market& m = *std::get<Market*>(found);
  m.mark_offset_bps = bps;
  return json{{"symbol", m.rules.symbol},
              {"last", to_string(m.last.last)},
              {"mark", to_string(m.mark())},
              {"offset_bps", bps}};
}

Result<json> BitgetExchange::change_contract(const std::string& symbol,
                                             const std::map<std::string, std::string>& fields) {
  auto found = market_named(symbol);
  if (const auto* e = std::get_if<ApiError>(&found)) return Error{e->msg};
  Market& m = *std::get<Market*>(found);
  static const char* kChangeable[] = {"priceEndStep",       "sizeMultiplier", "minTradeNum",
                                      "minTradeUSDT",       "maxLever",       "buyLimitPriceRatio",
                                      "sellLimitPriceRatio"};
  json j = contract_json(m.rules);
  for (const auto& [k, v] : fields) {
    if (std::find_if(std::begin(kChangeable), std::end(kChangeable),
                     [&](const char* c) { return k == c; }) == std::end(kChangeable))
      return Error{"'" + k +
                   "' is not a contract field the simulator changes (priceEndStep, "
                   "sizeMultiplier, minTradeNum, minTradeUSDT, maxLever, buyLimitPriceRatio, "
                   "sellLimitPriceRatio)"};
    j[k] = v;
  }
  auto rules = parse_contract(j);
  if (!rules) return Error{rules.error()};
  // The matching engine keeps the instrument's tick and step: a coarser grid is still on them.
  const ContractRules& r = rules.value();
  const int64_t tick_raw = r.price_end_step * [&] {
    int64_t p = 1;
    for (int i = r.price_place; i < kDecimals; ++i) p *= 10;
    return p;
  }();
  if (r.price_place != m.rules.price_place || r.volume_place != m.rules.volume_place ||
      tick_raw % m.instrument.tick.raw != 0 || r.size_step % m.instrument.lot.units != 0)
    return Error{
        "the new tick and size step must be multiples of the old ones, with the same "
        "pricePlace and volumePlace"};
  m.rules = r;
  return contract_json(m.rules);
}

Result<json> BitgetExchange::place_ui_order(const std::string& symbol, Side side,
                                            const std::string& size, const std::string& price) {
  auto found = market_named(symbol);
  if (const auto* e = std::get_if<ApiError>(&found)) return Error{e->msg};
  Market& m = *std::get<Market*>(found);
  if (!m.quoted) return Error{m.rules.symbol + " has no market price yet"};
  std::string at = price;
  if (at.empty()) {
    const Price touch = side == Side::Buy ? m.last.bid : m.last.ask;
    const int64_t tick = m.instrument.tick.raw;
    const int64_t away = touch.raw + (side == Side::Buy ? -1 : 1) * (touch.raw / 100);
    at = format_price(m.rules, Price::from_raw(away / tick * tick));
  }
  const std::string oid = "web-" + std::to_string(next_order_ + 1);
  const Params p(json{{"symbol", m.rules.symbol},
                      {"productType", kUsdtFutures},
                      {"marginCoin", "USDT"},
                      {"marginMode", m.margin_mode},
                      {"side", side == Side::Buy ? "buy" : "sell"},
                      {"orderType", "limit"},
                      {"size", size},
                      {"price", at},
                      {"clientOid", oid}});
  auto placed = place_one(p);
  if (const auto* e = std::get_if<ApiError>(&placed)) return Error{e->code + " " + e->msg};
  Order& o = orders_.at(std::get<const Order*>(placed)->order_id);
  o.source = "WEB";
  return order_json(o, "state");
}

Result<json> BitgetExchange::set_fee_rates(const std::string& symbol, const std::string& maker,
                                           const std::string& taker) {
  auto found = market_named(symbol);
  if (const auto* e = std::get_if<ApiError>(&found)) return Error{e->msg};
  const auto mk = parse_ppm(maker), tk = parse_ppm(taker);
  if (!mk) return Error{"maker rate '" + maker + "' is not a decimal with at most 6 decimals"};
  if (!tk) return Error{"taker rate '" + taker + "' is not a decimal with at most 6 decimals"};
  if (*tk < 0) return Error{"taker rate '" + taker + "' is negative: only a maker earns a rebate"};
  Market& m = *std::get<Market*>(found);
  m.maker_ppm = *mk;
  m.taker_ppm = *tk;
  return json{{"symbol", m.rules.symbol},
              {"makerFeeRate", ppm_text(m.maker_ppm)},
              {"takerFeeRate", ppm_text(m.taker_ppm)}};
}

void BitgetExchange::set_api_key(std::vector<std::string> authorities, std::string ips) {
  key_authorities_ = std::move(authorities);
  key_ips_ = std::move(ips);
}

}  // namespace aitrapp::bitget
