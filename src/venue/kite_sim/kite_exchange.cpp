#include "venue/kite_sim/kite_exchange.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/hex.hpp"
#include "core/overloaded.hpp"
#include "core/sha256.hpp"
#include "net/gzip.hpp"
#include "venue/kite_sim/kite_exchange_detail.hpp"

namespace aitrapp::kite {

using nlohmann::json;
using namespace exchange_detail;

SimReply error_reply(int status, const std::string& type, const std::string& message) {
  SimReply r;
  r.status = status;
  r.body =
      json{{"status", "error"}, {"message", message}, {"data", nullptr}, {"error_type", type}}.dump(
          -1, ' ', false, json::error_handler_t::replace);
  return r;
}

KiteExchange::KiteExchange(std::map<std::string, Instrument> instruments, Money capital,
                           Credentials creds, const TradingCalendar& cal, const Clock& clock,
                           int token_expiry_minute, KiteLimits limits)
    : instruments_(instruments),
      rows_(rows_for(instruments)),
      capital_(capital),
      creds_(std::move(creds)),
      cal_(cal),
      clock_(clock),
      token_expiry_minute_(token_expiry_minute),
      venue_(std::move(instruments), SimVenueParams{0, 10'000},
             [this](VenueEvent e) { pending_events_.push_back(std::move(e)); }),
      orders_per_s_{static_cast<int64_t>(limits.orders_per_second), 1000},
      orders_per_min_{static_cast<int64_t>(limits.orders_per_minute), 60'000},
      orders_per_day_{static_cast<int64_t>(limits.orders_per_day), 86'400'000},
      quotes_per_s_{static_cast<int64_t>(limits.quotes_per_second), 1000},
      others_per_s_{static_cast<int64_t>(limits.others_per_second), 1000} {
  for (const auto& row : rows_) by_key_[row.key()] = &row;
  for (const auto& [symbol, in] : instruments_) {
    const std::string key =
        in.exchange + ":" + (in.venue_symbol.empty() ? symbol : in.venue_symbol);
    if (auto it = by_key_.find(key); it != by_key_.end()) {
      symbol_of_key_[key] = symbol;
      by_symbol_[symbol] = it->second;
    }
  }
  if (!creds_.access_token.empty()) access_tokens_[creds_.access_token] = clock_.now();
}

std::optional<uint32_t> KiteExchange::token_of(const std::string& symbol) const {
  auto it = by_symbol_.find(symbol);
  if (it == by_symbol_.end()) return std::nullopt;
  return it->second->instrument_token;
}

std::string KiteExchange::kite_time(TimeMs t) const {
  std::string s = cal_.local_time_string(t).substr(0, 19);
  s[10] = ' ';
  return s;
}

// ---------------------------------------------------------------------------------------------
// Authentication and limits

bool KiteExchange::ws_authorized(const std::string& api_key, const std::string& access_token) {
  if (api_key != creds_.api_key) return false;
  auto it = access_tokens_.find(access_token);
  if (it == access_tokens_.end()) return false;
  // Tokens die at the daily flush (06:00 local by default), whoever issued them.
  const TimeMs now = clock_.now();
  TimeMs flush = cal_.local_to_utc(cal_.local_yyyymmdd(now), token_expiry_minute_);
  if (flush > now) flush -= 24 * 3600 * 1000;
  if (it->second < flush) {
    access_tokens_.erase(it);
    return false;
  }
  return true;
}

void KiteExchange::expire_tokens() {
  access_tokens_.clear();
}

std::string KiteExchange::issue_request_token() {
  const std::string t = "rt" + random_hex(12).value_or(std::to_string(++next_request_token_));
  request_tokens_.insert(t);
  return t;
}

std::optional<SimReply> KiteExchange::authorize(const SimRequest& r) {
  const std::string& h = r.authorization;
  const size_t colon = h.find(':');
  const bool ok = h.rfind("token ", 0) == 0 && colon != std::string::npos &&
                  ws_authorized(h.substr(6, colon - 6), h.substr(colon + 1));
  if (ok) return std::nullopt;
  ++token_errors_;
  return error_reply(403, "TokenException", "Incorrect `api_key` or `access_token`.");
}

std::optional<SimReply> KiteExchange::rate_limited(const SimRequest& r) {
  const auto parts = split_path(r.path);
  const bool order_call = !parts.empty() && parts[0] == "orders" && r.method != "GET";
  const bool quote_call = !parts.empty() && parts[0] == "quote";
  std::vector<RateWindow*> buckets;
  if (order_call)
    buckets = {&orders_per_s_, &orders_per_min_, &orders_per_day_};
  else if (quote_call)
    buckets = {&quotes_per_s_};
  else
    buckets = {&others_per_s_};
  for (RateWindow* b : buckets)
    if (!b->allows(r.wall_ms)) {
      ++rejected_429_;
      // Kite counts rejected placements toward the daily cap too.
      if (order_call) orders_per_day_.record(r.wall_ms);
      return error_reply(429, "NetworkException", "Too many requests");
    }
  for (RateWindow* b : buckets) b->record(r.wall_ms);
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Routing

SimReply KiteExchange::handle(const SimRequest& r) {
  ++requests_;
  if (const int status = faults_.take_error()) {
    if (status == 429) return error_reply(429, "NetworkException", "Too many requests");
    return error_reply(status, status == 502 ? "DataException" : "NetworkException",
                       "Simulated venue fault: HTTP " + std::to_string(status));
  }
  SimReply reply = route(r);
  for (const VenueEvent& e : std::exchange(pending_events_, {})) on_venue_event(e);
  return reply;
}

SimReply KiteExchange::route(const SimRequest& r) {
  const auto p = split_path(r.path);
  const std::string& m = r.method;
  if (p.size() == 2 && p[0] == "session" && p[1] == "token") {
    if (m == "POST") return session_token(r);
    if (m == "DELETE") {
      if (r.query.get("api_key") != creds_.api_key)
        return error_reply(403, "TokenException", "Invalid `api_key`.");
      access_tokens_.erase(r.query.get("access_token").value_or(""));
      return success(true);
    }
  }
  if (auto denied = authorize(r)) return *denied;
  if (auto limited = rate_limited(r)) return *limited;

  if (m == "GET" && p.size() == 2 && p[0] == "user" && p[1] == "profile")
    return success(profile_json());
  if (m == "GET" && p.size() >= 2 && p[0] == "user" && p[1] == "margins") {
    json pos = positions_json()["net"];
    double used = 0, m2m = 0;
    for (const auto& x : pos) {
      used += 0.12 * std::abs(x["quantity"].get<double>() * x["last_price"].get<double>());
      m2m += x["pnl"].get<double>();
    }
    const double cash = num(capital_);
    json equity = {{"enabled", true},
                   {"net", cash - used + m2m},
                   {"available",
                    {{"adhoc_margin", 0},
                     {"cash", cash},
                     {"opening_balance", cash},
                     {"live_balance", cash - used + m2m},
                     {"collateral", 0},
                     {"intraday_payin", 0}}},
                   {"utilised",
                    {{"debits", used},
                     {"exposure", 0},
                     {"m2m_realised", m2m},
                     {"m2m_unrealised", 0},
                     {"option_premium", 0},
                     {"payout", 0},
                     {"span", used},
                     {"holding_sales", 0},
                     {"turnover", 0},
                     {"liquid_collateral", 0},
                     {"stock_collateral", 0},
                     {"delivery", 0}}}};
    json commodity = equity;
    commodity["enabled"] = false;
    if (p.size() == 3) {
      if (p[2] == "equity") return success(equity);
      if (p[2] == "commodity") return success(commodity);
      return input_error("Invalid segment `" + p[2] + "`.");
    }
    return success({{"equity", equity}, {"commodity", commodity}});
  }
  if (!p.empty() && p[0] == "orders") {
    if (m == "POST" && p.size() == 2) return place(r, p[1]);
    if (m == "PUT" && p.size() == 3) return modify(r, p[1], p[2]);
    if (m == "DELETE" && p.size() == 3) return cancel(p[1], p[2]);
    if (m == "GET" && p.size() == 1) {
      json all = json::array();
      for (const auto& id : order_ids_) all.push_back(order_json(orders_.at(id)));
      return success(all);
    }
    if (m == "GET" && (p.size() == 2 || (p.size() == 3 && p[2] == "trades"))) {
      Order* o = find_order(p[1]);
      if (!o) return error_reply(400, "InputException", "Couldn't find that `order_id`.");
      json out = json::array();
      if (p.size() == 2) {
        for (const auto& h : o->history) out.push_back(h);
      } else {
        for (const auto& t : trades_)
          if (t.order_id == o->order_id) out.push_back(trade_json(t));
      }
      return success(out);
    }
  }
  if (m == "GET" && p.size() == 1 && p[0] == "trades") {
    json out = json::array();
    for (const auto& t : trades_) out.push_back(trade_json(t));
    return success(out);
  }
  if (m == "GET" && p.size() == 2 && p[0] == "portfolio" && p[1] == "positions")
    return success(positions_json());
  if (m == "GET" && !p.empty() && p[0] == "quote") return quote(r);
  if (m == "GET" && !p.empty() && p[0] == "instruments" && p.size() <= 2) {
    std::vector<InstrumentRow> rows;
    for (const auto& row : rows_)
      if (p.size() == 1 || row.exchange == p[1]) rows.push_back(row);
    SimReply csv;
    csv.content_type = "text/csv";
    csv.headers.emplace_back("Content-Encoding", "gzip");
    csv.body = net::gzip(write_instruments_csv(rows));
    return csv;
  }
  return error_reply(404, "GeneralException", "Route not found: " + m + " " + r.path);
}

SimReply KiteExchange::session_token(const SimRequest& r) {
  const std::string api_key = r.form.get("api_key").value_or("");
  const std::string request_token = r.form.get("request_token").value_or("");
  const std::string checksum = r.form.get("checksum").value_or("");
  if (api_key != creds_.api_key) return error_reply(403, "TokenException", "Invalid `api_key`.");
  if (!request_tokens_.count(request_token))
    return error_reply(403, "TokenException", "Token is invalid or has expired.");
  if (checksum != sha256_hex(api_key + request_token + creds_.api_secret))
    return error_reply(403, "TokenException", "Invalid `checksum`.");
  request_tokens_.erase(request_token);  // a request token is good for one exchange
  const std::string access = random_hex(16).value_or("sim" + std::to_string(requests_));
  access_tokens_[access] = clock_.now();
  json session = profile_json();  // the session carries the profile plus its tokens
  session["api_key"] = api_key;
  session["access_token"] = access;
  session["public_token"] = random_hex(16).value_or("");
  session["refresh_token"] = "";
  session["login_time"] = kite_time(clock_.now());
  return success(session);
}

// ---------------------------------------------------------------------------------------------
// Market data

KiteTick KiteExchange::on_tick(const Tick& raw, int64_t wall_ms) {
  Tick t = raw;
  const Instrument& in = instruments_.at(t.symbol);
  if (const int64_t factor = faults_.spread_factor_at(wall_ms); factor > 1 && in.tradable) {
    const int64_t half = std::max<int64_t>(t.ask.raw - t.last.raw, in.tick.raw);
    const int64_t wide = half * factor;
    t.bid = round_to_tick(Price::from_raw(t.last.raw - wide), in.tick, Rounding::Down);
    t.ask = round_to_tick(Price::from_raw(t.last.raw + wide), in.tick, Rounding::Up);
  }
  if (in.tradable) {
    venue_.on_tick(t);
    for (const VenueEvent& e : std::exchange(pending_events_, {})) on_venue_event(e);
  }
  DayQuote& q = quotes_[t.symbol];
  if (!q.seen) q.open = q.high = q.low = t.last;
  q.seen = true;
  q.high = std::max(q.high, t.last);
  q.low = std::min(q.low, t.last);
  q.last = t.last;
  q.bid = t.bid;
  q.ask = t.ask;
  q.volume += t.volume;
  q.last_qty = t.volume;
  q.traded_value += notional(t.last, Qty{t.volume}, 1);
  q.time = t.time;

  KiteTick k;
  const auto token = token_of(t.symbol);
  k.token = token.value_or(0);
  k.tradable = in.tradable;
  k.mode = TickMode::Full;
  k.last = t.last;
  k.open = q.open;
  k.high = q.high;
  k.low = q.low;
  k.close = q.open;  // no previous session in a one-day replay: the day's open stands in
  k.exchange_time = k.last_trade_time = t.time / 1000;
  if (!in.tradable) {
    k.change = k.last - k.close;
    return k;
  }
  k.last_qty = t.volume;
  k.volume = q.volume;
  k.average = q.volume > 0 ? Price::from_raw(q.traded_value.raw / q.volume) : t.last;
  for (size_t i = 0; i < 5; ++i) {
    const int64_t step = in.tick.raw * static_cast<int64_t>(i);
    const int64_t size = in.lot.units * static_cast<int64_t>(i + 2);
    k.bids[i] = {size, Price::from_raw(t.bid.raw - step), static_cast<int32_t>(i + 1)};
    k.asks[i] = {size, Price::from_raw(t.ask.raw + step), static_cast<int32_t>(i + 1)};
    k.buy_qty += size;
    k.sell_qty += size;
  }
  return k;
}

SimReply KiteExchange::quote(const SimRequest& r) {
  const auto p = split_path(r.path);
  const std::string kind = p.size() == 2 ? p[1] : "full";
  if (p.size() > 2 || (kind != "full" && kind != "ltp" && kind != "ohlc"))
    return error_reply(404, "GeneralException", "Route not found: GET " + r.path);
  const auto keys = r.query.all("i");
  if (keys.empty()) return input_error("No instruments (`i`) given.");
  if (keys.size() > (kind == "full" ? 500u : 1000u)) return input_error("Too many instruments.");
  json out = json::object();
  for (const auto& key : keys) {
    auto sym = symbol_of_key_.find(key);
    if (sym == symbol_of_key_.end()) continue;  // Kite leaves unknown keys out
    auto q = quotes_.find(sym->second);
    if (q == quotes_.end()) continue;
    const DayQuote& d = q->second;
    const InstrumentRow& row = *by_key_.at(key);
    json j = {{"instrument_token", row.instrument_token}, {"last_price", num(d.last)}};
    if (kind != "ltp")
      j["ohlc"] = {{"open", num(d.open)},
                   {"high", num(d.high)},
                   {"low", num(d.low)},
                   {"close", num(d.open)}};
    if (kind == "full") {
      const Instrument& in = instruments_.at(sym->second);
      j["timestamp"] = kite_time(d.time);
      j["last_trade_time"] = kite_time(d.time);
      j["last_quantity"] = d.last_qty;
      j["volume"] = d.volume;
      j["average_price"] = d.volume ? num(d.traded_value) / static_cast<double>(d.volume) : 0.0;
      j["buy_quantity"] = 0;
      j["sell_quantity"] = 0;
      j["oi"] = 0;
      j["oi_day_high"] = 0;
      j["oi_day_low"] = 0;
      j["net_change"] = num(d.last - d.open);
      const auto moved = moved_bands_.find(sym->second);
      j["lower_circuit_limit"] =
          num(moved != moved_bands_.end() ? moved->second.first : band_low(d.open, in.band_bps));
      j["upper_circuit_limit"] =
          num(moved != moved_bands_.end() ? moved->second.second : band_high(d.open, in.band_bps));
      json buy = json::array(), sell = json::array();
      if (in.tradable)
        for (int64_t i = 0; i < 5; ++i) {
          const int64_t size = in.lot.units * (i + 2);
          buy.push_back({{"price", num(Price::from_raw(d.bid.raw - in.tick.raw * i))},
                         {"quantity", size},
                         {"orders", i + 1}});
          sell.push_back({{"price", num(Price::from_raw(d.ask.raw + in.tick.raw * i))},
                          {"quantity", size},
                          {"orders", i + 1}});
        }
      j["depth"] = {{"buy", buy}, {"sell", sell}};
    }
    out[key] = std::move(j);
  }
  return success(out);
}

json KiteExchange::move_bands(int64_t band_bps) {
  json out = json::object();
  for (const auto& [symbol, q] : quotes_) {
    const Instrument& in = instruments_.at(symbol);
    if (!q.seen || !in.tradable) continue;
    const Price lo = round_to_tick(band_low(q.last, band_bps), in.tick, Rounding::Up);
    const Price hi = round_to_tick(band_high(q.last, band_bps), in.tick, Rounding::Down);
    moved_bands_[symbol] = {lo, hi};
    out[symbol] = {{"lower_circuit_limit", num(lo)}, {"upper_circuit_limit", num(hi)}};
  }
  return out;
}

json KiteExchange::stats() const {
  int64_t open = 0;
  for (const auto& [_, o] : orders_) open += kOpenStatuses.count(o.status) ? 1 : 0;
  std::map<std::string, int> tags;
  int64_t duplicate_tags = 0;
  for (const auto& [_, o] : orders_)
    if (!o.tag.empty() && ++tags[o.tag] == 2) ++duplicate_tags;
  return {{"requests", requests_},
          {"rate_limited", rejected_429_},
          {"token_errors", token_errors_},
          {"orders", orders_placed_},
          {"open_orders", open},
          {"trades", trades_.size()},
          {"duplicate_tags", duplicate_tags},
          {"circuit_rejects", circuit_rejects_},
          {"positions", positions_json()["net"]}};
}

}  // namespace aitrapp::kite
