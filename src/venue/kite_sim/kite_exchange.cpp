#include "venue/kite_sim/kite_exchange.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/hex.hpp"
#include "core/overloaded.hpp"
#include "core/sha256.hpp"
#include "net/gzip.hpp"

namespace aitrapp::kite {

using nlohmann::json;

SimReply error_reply(int status, const std::string& type, const std::string& message) {
  SimReply r;
  r.status = status;
  r.body =
      json{{"status", "error"}, {"message", message}, {"data", nullptr}, {"error_type", type}}.dump(
          -1, ' ', false, json::error_handler_t::replace);
  return r;
}

namespace {

double num(Price p) {
  return static_cast<double>(p.raw) / kScale;
}
double num(Money m) {
  return static_cast<double>(m.raw) / kScale;
}
// Rupee amounts derived in floating point, to the paisa (no 3.27e-10 from a difference of sums).
double paise(double rupees) {
  return std::round(rupees * 100.0) / 100.0;
}

// The simulated user (GET /user/profile, and the body of a new session).
json profile_json() {
  return {{"user_id", "AB1234"},
          {"user_type", "individual"},
          {"user_name", "AITRAPP Simulator"},
          {"user_shortname", "AITRAPP"},
          {"email", "sim@example.invalid"},
          {"broker", "ZERODHA"},
          {"exchanges", {"NSE", "NFO"}},
          {"products", {"CNC", "NRML", "MIS"}},
          {"order_types", {"MARKET", "LIMIT", "SL", "SL-M"}},
          {"avatar_url", nullptr},
          {"meta", {{"demat_consent", "physical"}}}};
}
SimReply input_error(const std::string& message) {
  return error_reply(400, "InputException", message);
}
SimReply success(json data) {
  SimReply r;
  r.body = json{{"status", "success"}, {"data", std::move(data)}}.dump();
  return r;
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < path.size()) {
    const size_t j = path.find('/', i);
    if (j != i) parts.push_back(path.substr(i, j == std::string::npos ? j : j - i));
    if (j == std::string::npos) break;
    i = j + 1;
  }
  return parts;
}

std::optional<int64_t> parse_int(const std::string& s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}
std::optional<Price> parse_price(const std::string& s) {
  auto v = parse_fixed(s);
  if (!v) return std::nullopt;
  return Price::from_raw(*v);
}

bool valid_tag(const std::string& t) {
  return t.size() <= 20 &&
         std::all_of(t.begin(), t.end(), [](char c) { return std::isalnum((unsigned char)c); });
}

const std::set<std::string> kOpenStatuses = {"OPEN", "TRIGGER PENDING"};

}  // namespace

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
    csv.content_encoding = "gzip";
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
// Orders

KiteExchange::Order* KiteExchange::find_order(const std::string& id) {
  auto it = orders_.find(id);
  return it == orders_.end() ? nullptr : &it->second;
}

SimReply KiteExchange::place(const SimRequest& r, const std::string& variety) {
  if (variety != "regular")
    return input_error("Invalid `variety` '" + variety + "' (the simulator trades regular)");
  for (const char* f :
       {"tradingsymbol", "exchange", "transaction_type", "order_type", "quantity", "product"})
    if (r.form.get(f).value_or("").empty()) return input_error(std::string("Missing `") + f + "`.");
  const std::string key = *r.form.get("exchange") + ":" + *r.form.get("tradingsymbol");
  auto sym = symbol_of_key_.find(key);
  if (sym == symbol_of_key_.end()) return input_error("Invalid `tradingsymbol` " + key + ".");
  const Instrument& in = instruments_.at(sym->second);
  if (!in.tradable) return input_error(key + " is an index and cannot be traded.");
  OrderSpec spec;
  spec.symbol = sym->second;
  const std::string side = *r.form.get("transaction_type");
  if (side != "BUY" && side != "SELL") return input_error("Invalid `transaction_type`.");
  spec.side = side == "BUY" ? Side::Buy : Side::Sell;
  if (!order_type_from_string(*r.form.get("order_type"), spec.type))
    return input_error("Invalid `order_type`.");
  const auto qty = parse_int(*r.form.get("quantity"));
  if (!qty || *qty <= 0) return input_error("Invalid `quantity`.");
  spec.qty = Qty{*qty};
  const std::string product = *r.form.get("product");
  if (product != "MIS" && product != "NRML" && product != "CNC")
    return input_error("Invalid `product`.");
  if (const auto v = r.form.get("validity"); v && *v != "DAY")
    return input_error("Invalid `validity` '" + *v + "' (the simulator supports DAY).");
  const bool priced = spec.type == OrderType::Limit || spec.type == OrderType::StopLimit;
  const bool stopped = spec.type == OrderType::StopLimit || spec.type == OrderType::StopMarket;
  if (priced) {
    const auto p = parse_price(r.form.get("price").value_or(""));
    if (!p || p->raw <= 0) return input_error("Invalid `price`.");
    spec.limit = *p;
  }
  if (stopped) {
    const auto t = parse_price(r.form.get("trigger_price").value_or(""));
    if (!t || t->raw <= 0) return input_error("Invalid `trigger_price`.");
    spec.trigger = *t;
  }
  const std::string tag = r.form.get("tag").value_or("");
  if (!valid_tag(tag)) return input_error("Invalid `tag`: at most 20 alphanumeric characters.");

  Order o;
  o.order_id = std::to_string(cal_.local_yyyymmdd(clock_.now()) % 1000000 * 10'000'000'000LL +
                              static_cast<int64_t>(++next_order_));
  o.tag = tag;
  o.product = product;
  o.symbol = spec.symbol;
  o.row = by_symbol_.at(spec.symbol);
  spec.client_order_id = o.order_id;
  o.spec = spec;
  o.placed_at = clock_.now();
  const std::string id = o.order_id;
  order_ids_.push_back(id);
  Order& ref = orders_[id] = std::move(o);
  ++orders_placed_;
  transition(ref, "PUT ORDER REQ RECEIVED");
  transition(ref, "VALIDATION PENDING");
  transition(ref, "OPEN PENDING");
  const auto moved = moved_bands_.find(spec.symbol);
  const bool outside_circuit =
      moved != moved_bands_.end() &&
      ((priced && (spec.limit < moved->second.first || spec.limit > moved->second.second)) ||
       (stopped && (spec.trigger < moved->second.first || spec.trigger > moved->second.second)));
  if (spec.type == OrderType::Limit && faults_.take_reject_next_limit()) {
    transition(ref, "REJECTED",
               "RMS:Rule: Limit price is outside the exchange's dynamic price band");
  } else if (outside_circuit) {
    ++circuit_rejects_;
    transition(ref, "REJECTED",
               "RMS:Rule: Price is outside the circuit limits " + to_string(moved->second.first) +
                   " - " + to_string(moved->second.second));
  } else {
    if (const int64_t cap = faults_.take_partial_qty(); cap > 0) venue_.cap_fills(id, Qty{cap});
    venue_.on_request(PlaceRequest{spec}, clock_.now());
  }
  SimReply reply = success({{"order_id", id}});
  reply.delay_ms = faults_.ack_delay_ms;
  reply.drop = faults_.take_lost_response();
  return reply;
}

SimReply KiteExchange::modify(const SimRequest& r, const std::string& variety,
                              const std::string& id) {
  Order* o = find_order(id);
  if (!o) return input_error("Couldn't find that `order_id`.");
  if (o->variety != variety) return input_error("Order variety does not match the URL.");
  if (!kOpenStatuses.count(o->status))
    return input_error("Order cannot be modified as it is " + o->status + ".");
  if (o->modifications >= 25) return input_error("Maximum allowed order modifications exceeded.");
  if (const auto t = r.form.get("order_type"); t && *t != to_string(o->spec.type))
    return input_error("Changing `order_type` is not supported by the simulator.");
  ModifyRequest m{id, o->spec.qty, o->spec.limit, o->spec.trigger};
  if (const auto q = r.form.get("quantity"); q && !q->empty()) {
    const auto v = parse_int(*q);
    if (!v || *v <= 0) return input_error("Invalid `quantity`.");
    m.qty = Qty{*v};
  }
  if (const auto p = r.form.get("price"); p && !p->empty()) {
    const auto v = parse_price(*p);
    if (!v || v->raw <= 0) return input_error("Invalid `price`.");
    m.limit = *v;
  }
  if (const auto t = r.form.get("trigger_price"); t && !t->empty()) {
    const auto v = parse_price(*t);
    if (!v || v->raw <= 0) return input_error("Invalid `trigger_price`.");
    m.trigger = *v;
  }
  venue_.on_request(m, clock_.now());
  for (const VenueEvent& e : pending_events_)
    if (const auto* refused = std::get_if<RequestRefused>(&e.body)) {
      pending_events_.clear();
      return input_error("Order cannot be modified: " + refused->reason + ".");
    }
  ++o->modifications;
  o->spec.qty = m.qty;
  o->spec.limit = m.limit;
  o->spec.trigger = m.trigger;
  const std::string resting = o->status;
  transition(*o, "MODIFY VALIDATION PENDING");
  transition(*o, "MODIFY PENDING");
  transition(*o, "MODIFIED");
  transition(*o, resting);
  SimReply reply = success({{"order_id", id}});
  reply.delay_ms = faults_.ack_delay_ms;
  return reply;
}

SimReply KiteExchange::cancel(const std::string& variety, const std::string& id) {
  Order* o = find_order(id);
  if (!o) return input_error("Couldn't find that `order_id`.");
  if (o->variety != variety) return input_error("Order variety does not match the URL.");
  venue_.on_request(CancelRequest{id}, clock_.now());
  for (const VenueEvent& e : pending_events_)
    if (std::holds_alternative<RequestRefused>(e.body)) {
      pending_events_.clear();
      return input_error("Order cannot be cancelled as it is " + o->status + ".");
    }
  SimReply reply = success({{"order_id", id}});
  reply.delay_ms = faults_.ack_delay_ms;
  return reply;
}

void KiteExchange::transition(Order& o, const std::string& status, const std::string& message) {
  o.status = status;
  if (!message.empty()) o.status_message = message;
  o.updated_at = clock_.now();
  if (o.exchange_order_id.empty() && status == "OPEN PENDING")
    o.exchange_order_id = "1300000" + o.order_id.substr(o.order_id.size() - 9);
  json j = order_json(o);
  o.history.push_back(j);
  updates_.push_back(json{{"type", "order"}, {"data", std::move(j)}}.dump());
}

void KiteExchange::on_venue_event(const VenueEvent& e) {
  Order* o = find_order(event_client_id(e));
  if (!o) return;
  std::visit(overloaded{
                 [&](const OrderAcked&) {
                   const bool stop = o->spec.type == OrderType::StopLimit ||
                                     o->spec.type == OrderType::StopMarket;
                   transition(*o, stop ? "TRIGGER PENDING" : "OPEN");
                 },
                 [&](const OrderRejected& r) { transition(*o, "REJECTED", r.reason); },
                 [&](const OrderFilled& f) {
                   if (o->status == "TRIGGER PENDING") transition(*o, "OPEN");
                   o->filled += f.qty.units;
                   o->fill_value += notional(f.price, f.qty, 1);
                   trades_.push_back({std::to_string(10'000'000 + ++next_trade_), o->order_id,
                                      f.qty.units, f.price, clock_.now()});
                   transition(*o, o->filled >= o->spec.qty.units ? "COMPLETE" : "OPEN");
                 },
                 [&](const OrderCancelled&) {
                   o->cancelled = o->spec.qty.units - o->filled;
                   transition(*o, "CANCEL PENDING");
                   transition(*o, "CANCELLED");
                 },
                 [](const auto&) {},
             },
             e.body);
}

std::vector<std::string> KiteExchange::take_order_updates() {
  return std::exchange(updates_, {});
}

json KiteExchange::order_json(const Order& o) const {
  const InstrumentRow& row = *o.row;
  const double avg = o.filled > 0 ? num(o.fill_value) / static_cast<double>(o.filled) : 0.0;
  json tags = o.tag.empty() ? json(nullptr) : json::array({o.tag});
  return {{"placed_by", "AB1234"},
          {"order_id", o.order_id},
          {"exchange_order_id",
           o.exchange_order_id.empty() ? json(nullptr) : json(o.exchange_order_id)},
          {"parent_order_id", nullptr},
          {"status", o.status},
          {"status_message", o.status_message.empty() ? json(nullptr) : json(o.status_message)},
          {"status_message_raw", o.status_message.empty() ? json(nullptr) : json(o.status_message)},
          {"order_timestamp", kite_time(o.placed_at)},
          {"exchange_update_timestamp", kite_time(o.updated_at)},
          {"exchange_timestamp",
           o.exchange_order_id.empty() ? json(nullptr) : json(kite_time(o.placed_at))},
          {"variety", o.variety},
          {"modified", o.modifications > 0},
          {"exchange", row.exchange},
          {"tradingsymbol", row.tradingsymbol},
          {"instrument_token", row.instrument_token},
          {"order_type", std::string(to_string(o.spec.type))},
          {"transaction_type", o.spec.side == Side::Buy ? "BUY" : "SELL"},
          {"validity", "DAY"},
          {"validity_ttl", 0},
          {"product", o.product},
          {"quantity", o.spec.qty.units},
          {"disclosed_quantity", 0},
          {"price", num(o.spec.limit)},
          {"trigger_price", num(o.spec.trigger)},
          {"average_price", avg},
          {"filled_quantity", o.filled},
          {"pending_quantity",
           kOpenStatuses.count(o.status) ? o.spec.qty.units - o.filled : int64_t{0}},
          {"cancelled_quantity", o.cancelled},
          {"market_protection", 0},
          {"meta", json::object()},
          {"tag", o.tag.empty() ? json(nullptr) : json(o.tag)},
          {"tags", tags},
          {"guid", "sim-" + o.order_id}};
}

json KiteExchange::trade_json(const Trade& t) const {
  const Order& o = orders_.at(t.order_id);
  return {{"trade_id", t.trade_id},
          {"order_id", t.order_id},
          {"exchange", o.row->exchange},
          {"tradingsymbol", o.row->tradingsymbol},
          {"instrument_token", o.row->instrument_token},
          {"product", o.product},
          {"average_price", num(t.price)},
          {"quantity", t.qty},
          {"exchange_order_id", o.exchange_order_id},
          {"transaction_type", o.spec.side == Side::Buy ? "BUY" : "SELL"},
          {"fill_timestamp", kite_time(t.time)},
          {"order_timestamp", kite_time(o.placed_at).substr(11)},
          {"exchange_timestamp", kite_time(t.time)}};
}

json KiteExchange::positions_json() const {
  struct Agg {
    int64_t buy_q = 0, sell_q = 0;
    Money buy_v, sell_v;
    std::string product;
  };
  std::map<std::string, Agg> by_symbol;
  for (const auto& t : trades_) {
    const Order& o = orders_.at(t.order_id);
    Agg& a = by_symbol[o.symbol];
    a.product = o.product;
    if (o.spec.side == Side::Buy) {
      a.buy_q += t.qty;
      a.buy_v += notional(t.price, Qty{t.qty}, 1);
    } else {
      a.sell_q += t.qty;
      a.sell_v += notional(t.price, Qty{t.qty}, 1);
    }
  }
  json net = json::array();
  for (const auto& [symbol, a] : by_symbol) {
    const InstrumentRow& row = *by_symbol_.at(symbol);
    const auto q = quotes_.find(symbol);
    const double last = q != quotes_.end() ? num(q->second.last) : 0.0;
    const int64_t qty = a.buy_q - a.sell_q;
    const double buy_p = a.buy_q ? num(a.buy_v) / a.buy_q : 0,
                 sell_p = a.sell_q ? num(a.sell_v) / a.sell_q : 0;
    const double pnl = num(a.sell_v) - num(a.buy_v) + static_cast<double>(qty) * last;
    const double avg = qty > 0 ? buy_p : qty < 0 ? sell_p : 0;
    const double unrealised = qty != 0 ? static_cast<double>(qty) * (last - avg) : 0.0;
    net.push_back({{"tradingsymbol", row.tradingsymbol},
                   {"exchange", row.exchange},
                   {"instrument_token", row.instrument_token},
                   {"product", a.product},
                   {"quantity", qty},
                   {"overnight_quantity", 0},
                   {"multiplier", 1},
                   {"average_price", avg},
                   {"close_price", 0},
                   {"last_price", last},
                   {"value", paise(num(a.sell_v) - num(a.buy_v))},
                   {"pnl", paise(pnl)},
                   {"m2m", paise(pnl)},
                   {"unrealised", paise(unrealised)},
                   {"realised", paise(pnl - unrealised)},
                   {"buy_quantity", a.buy_q},
                   {"buy_price", buy_p},
                   {"buy_value", num(a.buy_v)},
                   {"buy_m2m", num(a.buy_v)},
                   {"sell_quantity", a.sell_q},
                   {"sell_price", sell_p},
                   {"sell_value", num(a.sell_v)},
                   {"sell_m2m", num(a.sell_v)},
                   {"day_buy_quantity", a.buy_q},
                   {"day_buy_price", buy_p},
                   {"day_buy_value", num(a.buy_v)},
                   {"day_sell_quantity", a.sell_q},
                   {"day_sell_price", sell_p},
                   {"day_sell_value", num(a.sell_v)}});
  }
  return {{"net", net}, {"day", net}};
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
