// The Bitget simulator's orders: place (single and batch), modify, cancel (single, batch, all),
// detail, the pending and history lists and the fills, with Bitget's checks in Bitget's order,
// over SimVenue's matching. A fill made while a request is being answered took liquidity (taker
// fee); one made by a later tick was resting (maker fee).
#include <algorithm>
#include <cstdlib>

#include "core/overloaded.hpp"
#include "venue/bitget_sim/bitget_exchange.hpp"

namespace aitrapp::bitget {

using nlohmann::json;

namespace {

constexpr int64_t kOrderIdBase = 1'100'000'000'000'000'000;
constexpr int64_t kTradeIdBase = 1'200'000'000'000'000'000;
constexpr size_t kMaxBatch = 50, kMaxPage = 100, kMaxClientOid = 50;

// Bitget's clientOid charset: letters, digits and _ : # - + and space.
bool valid_client_oid(const std::string& s) {
  return !s.empty() && s.size() <= kMaxClientOid && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           c == ':' || c == '#' || c == '-' || c == '+' || c == ' ';
  });
}

std::string side_name(Side s) {
  return s == Side::Buy ? "buy" : "sell";
}

// A price or size string that passed the contract's checks, on the engine's scale.
Price price_of(const std::string& text) {
  return Price::from_raw(parse_fixed(text).value_or(0));
}
Qty size_of(const std::string& text, int64_t units_per_whole) {
  return Qty{mul_div(parse_fixed(text).value_or(0), units_per_whole, kScale)};
}

// |price - mark| within `ratio` of the mark: Bitget refuses a limit price further away (its
// internal name for the order price, delegatePrice, is what its message names).
std::optional<ApiError> check_band(const ContractRules& rules, Side side, Price price, Price mark) {
  const std::string& ratio_text =
      side == Side::Buy ? rules.buy_limit_price_ratio : rules.sell_limit_price_ratio;
  const int64_t ratio = parse_fixed(ratio_text).value_or(0);
  const int64_t room = mul_div(mark.raw, ratio, kScale);
  if (std::llabs(price.raw - mark.raw) <= room) return std::nullopt;
  return api_error(ErrorKind::ParameterInvalid,
                   "delegatePrice " + to_string(price) + " of a " + side_name(side) +
                       " is more than " + ratio_text + " from the mark price " + to_string(mark));
}

json id_pair(const std::string& order_id, const std::string& client_oid) {
  return {{"orderId", order_id}, {"clientOid", client_oid}};
}

}  // namespace

// ---- placing ----

std::variant<const BitgetExchange::Order*, ApiError> BitgetExchange::place_one(const Params& p) {
  auto found = market_of(p);
  if (const auto* e = std::get_if<ApiError>(&found)) return *e;
  Market& m = *std::get<Market*>(found);
  if (const auto e = check_margin_coin(p)) return *e;
  const std::string margin_mode = lower(p.get("marginMode"));
  if (margin_mode.empty()) return api_error(ErrorKind::ParameterEmpty, "marginMode");
  if (margin_mode != "crossed" && margin_mode != "isolated")
    return api_error(ErrorKind::ParameterInvalid, "marginMode \"" + p.get("marginMode") + "\"");
  if (margin_mode != m.margin_mode)
    return api_error(ErrorKind::ParameterInvalid, "marginMode " + margin_mode +
                                                      " is not the account's " + m.margin_mode +
                                                      " for " + m.rules.symbol);
  const std::string side = lower(p.get("side"));
  if (side.empty()) return api_error(ErrorKind::ParameterEmpty, "side");
  if (side != "buy" && side != "sell")
    return api_error(ErrorKind::ParameterInvalid, "side \"" + p.get("side") + "\" (buy or sell)");
  if (pos_mode_ != "one_way_mode")
    return api_error(ErrorKind::ParameterInvalid,
                     "the simulator trades one-way mode only (set posMode one_way_mode)");
  if (p.has("tradeSide")) return api_error(ErrorKind::PositionModeMismatch, "tradeSide");
  const std::string type = lower(p.get("orderType"));
  if (type.empty()) return api_error(ErrorKind::ParameterEmpty, "orderType");
  if (type != "limit" && type != "market")
    return api_error(ErrorKind::ParameterInvalid, "orderType \"" + p.get("orderType") + "\"");
  std::string force = lower(p.get("force"));
  if (force.empty()) force = "gtc";
  if (force != "gtc" && force != "ioc" && force != "fok" && force != "post_only")
    return api_error(ErrorKind::ParameterInvalid,
                     "force \"" + p.get("force") + "\" (gtc, ioc, fok or post_only)");
  const std::string client_oid = p.get("clientOid");
  if (!client_oid.empty()) {
    if (!valid_client_oid(client_oid))
      return api_error(
          ErrorKind::ParameterInvalid,
          "clientOid \"" + client_oid + "\": at most 50 of letters, digits, _ : # - + and space");
    if (client_oids_.count(client_oid)) {
      ++duplicate_client_oids_;
      return api_error(ErrorKind::DuplicateClientOid, client_oid);
    }
  }
  if (!m.quoted)
    return api_error(ErrorKind::ParameterInvalid, m.rules.symbol + " has no market price yet");
  const Side s = side == "buy" ? Side::Buy : Side::Sell;
  const bool market = type == "market";
  const std::string price_text = p.get("price");
  if (!market) {
    if (price_text.empty()) return api_error(ErrorKind::ParameterEmpty, "price");
    if (const auto e = check_price(m.rules, price_text)) return *e;
    if (const auto e = check_band(m.rules, s, price_of(price_text), m.mark())) return *e;
    if (faults_.take_reject_next_limit())
      return api_error(ErrorKind::ParameterInvalid,
                       "delegatePrice " + price_text + " is outside the price band (injected)");
  }
  const std::string size_text = p.get("size");
  if (size_text.empty()) return api_error(ErrorKind::ParameterEmpty, "size");
  if (const auto e = check_size(m.rules, size_text, market ? to_string(m.mark()) : price_text))
    return *e;
  const Qty size = size_of(size_text, m.instrument.units_per_whole);
  const std::string reduce = upper(p.get("reduceOnly"));
  if (!reduce.empty() && reduce != "YES" && reduce != "NO")
    return api_error(ErrorKind::ParameterInvalid,
                     "reduceOnly \"" + p.get("reduceOnly") + "\" (YES or NO)");
  const bool reduce_only = reduce == "YES";
  const auto* pos = account_book_.position(m.rules.symbol);
  const int64_t net = pos ? pos->net.units : 0;
  if (reduce_only) {
    const bool reduces = s == Side::Buy ? net < 0 : net > 0;
    if (!reduces) return api_error(ErrorKind::NoPositionToClose, m.rules.symbol);
    if (size.units > std::llabs(net))
      return api_error(
          ErrorKind::PositionNotEnough,
          "size " + size_text + " > position " + format_size(m.rules, Qty{std::llabs(net)}));
  } else {
    if (const auto e = check_margin(margin_of(m, market ? m.mark() : price_of(price_text),
                                              opening_part(s, size, net), m.leverage)))
      return *e;
  }

  Order o;
  o.order_id = std::to_string(kOrderIdBase + static_cast<int64_t>(++next_order_));
  o.client_oid = client_oid.empty() ? o.order_id : client_oid;
  o.symbol = m.rules.symbol;
  o.side = s;
  o.market = market;
  o.reduce_only = reduce_only;
  o.force = market ? "gtc" : force;
  o.size = size;
  o.price = market ? Price{} : price_of(price_text);
  o.leverage = m.leverage;
  o.margin_mode = m.margin_mode;
  o.created = o.updated = clock_.now();
  client_oids_[o.client_oid] = o.order_id;
  order_ids_.push_back(o.order_id);
  ++orders_placed_;
  Order& ref = orders_[o.order_id] = std::move(o);
  start_matching(ref);
  return &ref;
}

// Hands the order to the matching engine, unless its time in force ends it first: a post-only
// order that would take liquidity is cancelled unfilled, and so is an IOC or FOK limit that
// cannot fill on arrival (on arrival a marketable order fills whole at the touch). What a
// market, IOC or FOK order leaves unfilled on arrival (the partial-fill fault's thin book) is
// cancelled: it never rests.
void BitgetExchange::start_matching(Order& o) {
  const Market& m = markets_.at(o.symbol);
  const bool crosses =
      o.market || (o.side == Side::Buy ? o.price >= m.last.ask : o.price <= m.last.bid);
  push_order(o);  // created
  if (o.force == "post_only" && crosses) {
    o.state = "canceled";
    o.cancel_reason = "post_only order would have taken liquidity";
    return push_order(o);
  }
  if ((o.force == "ioc" || o.force == "fok") && !crosses) {
    o.state = "canceled";
    o.cancel_reason = o.force + " order could not fill on arrival";
    return push_order(o);
  }
  OrderSpec spec;
  spec.client_order_id = o.order_id;
  spec.symbol = m.instrument.symbol;
  spec.side = o.side;
  spec.type = o.market ? OrderType::Market : OrderType::Limit;
  spec.qty = o.size;
  spec.limit = o.price;
  if (const int64_t cap = faults_.take_partial_qty(); cap > 0)
    venue_.cap_fills(o.order_id, Qty{cap});
  venue_.on_request(PlaceRequest{spec}, clock_.now());
  drain_venue_events(true);
  if ((o.market || o.force == "ioc" || o.force == "fok") && o.open())
    cancel_open(o, "the rest could not fill on arrival");
}

void BitgetExchange::drain_venue_events(bool taker) {
  for (const VenueEvent& e : std::exchange(venue_events_, {})) {
    const auto it = orders_.find(event_client_id(e));
    if (it == orders_.end()) continue;
    Order& o = it->second;
    std::visit(overloaded{
                   [&](const OrderFilled& f) { book_fill(o, f, taker); },
                   [&](const OrderCancelled&) {
                     o.state = "canceled";
                     o.updated = clock_.now();
                     push_order(o);
                   },
                   [&](const OrderRejected& r) {
                     // The checks above leave the matching engine nothing to reject; count it.
                     ++venue_rejects_;
                     o.state = "canceled";
                     o.cancel_reason = r.reason;
                     push_order(o);
                   },
                   [](const auto&) {},
               },
               e.body);
  }
}

void BitgetExchange::book_fill(Order& o, const OrderFilled& f, bool taker) {
  const Market& m = markets_.at(o.symbol);
  const bool maker = !taker && !o.market;
  const Money value = notional(f.price, f.qty, m.instrument.units_per_whole);
  const Money fee =
      Money::from_raw(mul_div(value.raw, maker ? m.maker_ppm : m.taker_ppm, 1'000'000));
  const auto* before = account_book_.position(o.symbol);
  const int64_t held = before ? before->net.units : 0;
  const Money profit = account_book_.fill(o.symbol, o.side, f.qty, f.price, fee,
                                          m.instrument.units_per_whole, clock_.now());
  // One-way: a fill against the position closes it (crossing zero counts as a close).
  const bool closes = o.side == Side::Buy ? held < 0 : held > 0;
  book_bill(o.symbol,
            std::string(closes ? "close_" : "open_") +
                ((o.side == Side::Buy) != closes ? "long" : "short"),
            profit, -fee);
  o.filled += f.qty;
  o.filled_value += value;
  o.fee += fee;
  o.profit += profit;
  o.updated = clock_.now();
  o.state = o.filled >= o.size ? "filled" : "partially_filled";
  fills_.push_back({std::to_string(kTradeIdBase + static_cast<int64_t>(++next_trade_)), o.order_id,
                    o.symbol, o.side, f.qty, f.price, fee, profit, maker, clock_.now()});
  push_order(o, &fills_.back());
}

net::HttpResponse BitgetExchange::place_order(const Params& p) {
  auto placed = place_one(p);
  if (const auto* e = std::get_if<ApiError>(&placed)) return fail(*e);
  const Order& o = *std::get<const Order*>(placed);
  return ok(id_pair(o.order_id, o.client_oid));
}

net::HttpResponse BitgetExchange::batch_place_order(const Params& p) {
  auto list = p.list("orderList");
  if (const auto* e = std::get_if<ApiError>(&list)) return fail(*e);
  const json* items = std::get<const json*>(list);
  if (!items || items->empty()) return fail(api_error(ErrorKind::ParameterEmpty, "orderList"));
  if (items->size() > kMaxBatch)
    return fail(
        api_error(ErrorKind::ParameterInvalid,
                  "orderList has " + std::to_string(items->size()) + " orders (at most 50)"));
  json success = json::array(), failure = json::array();
  for (const json& item : *items) {
    auto element = Params::element(item, p, "orderList");
    std::variant<const Order*, ApiError> placed = std::get_if<ApiError>(&element)
                                                      ? std::get<ApiError>(element)
                                                      : place_one(std::get<Params>(element));
    if (const auto* e = std::get_if<ApiError>(&placed)) {
      const std::string oid =
          item.is_object() && item.contains("clientOid") && item["clientOid"].is_string()
              ? item["clientOid"].get<std::string>()
              : "";
      failure.push_back(
          {{"orderId", ""}, {"clientOid", oid}, {"errorMsg", e->msg}, {"errorCode", e->code}});
    } else {
      const Order& o = *std::get<const Order*>(placed);
      success.push_back(id_pair(o.order_id, o.client_oid));
    }
  }
  return ok({{"successList", success}, {"failureList", failure}});
}

// ---- finding, modifying and cancelling ----

// The order named by orderId (which wins) or clientOid, on market `m`.
std::variant<BitgetExchange::Order*, ApiError> BitgetExchange::find_order(const Params& p,
                                                                          const Market& m) {
  std::string id = p.get("orderId");
  if (id.empty()) {
    const std::string oid = p.get("clientOid");
    if (oid.empty()) return api_error(ErrorKind::ParameterEmpty, "orderId or clientOid");
    const auto it = client_oids_.find(oid);
    if (it == client_oids_.end()) return api_error(ErrorKind::OrderNotFound, "clientOid " + oid);
    id = it->second;
  }
  const auto it = orders_.find(id);
  if (it == orders_.end() || it->second.symbol != m.rules.symbol)
    return api_error(ErrorKind::OrderNotFound, "orderId " + id + " on " + m.rules.symbol);
  return &it->second;
}

bool BitgetExchange::cancel_open(Order& o, const std::string& reason) {
  if (!o.open()) return false;
  o.cancel_reason = reason;
  venue_.on_request(CancelRequest{o.order_id}, clock_.now());
  drain_venue_events(true);  // the cancel's push
  return true;
}

net::HttpResponse BitgetExchange::cancel_order(const Params& p) {
  auto found = market_of(p);
  if (const auto* e = std::get_if<ApiError>(&found)) return fail(*e);
  auto order = find_order(p, *std::get<Market*>(found));
  if (const auto* e = std::get_if<ApiError>(&order)) return fail(*e);
  Order& o = *std::get<Order*>(order);
  if (!cancel_open(o, "canceled by the API"))
    return fail(api_error(ErrorKind::OrderNotFound, "orderId " + o.order_id + " is " + o.state));
  return ok(id_pair(o.order_id, o.client_oid));
}

json BitgetExchange::cancel_many(const std::vector<Order*>& orders) {
  json success = json::array(), failure = json::array();
  for (Order* o : orders) {
    if (cancel_open(*o, "canceled by the API"))
      success.push_back(id_pair(o->order_id, o->client_oid));
    else
      failure.push_back({{"orderId", o->order_id},
                         {"clientOid", o->client_oid},
                         {"errorMsg", "the order is " + o->state},
                         {"errorCode", api_error(ErrorKind::OrderNotFound).code}});
  }
  return {{"successList", success}, {"failureList", failure}};
}

// With orderIdList: those orders (each by orderId or clientOid). Without: every open order of
// the symbol (ccxt's cancelAllOrders(symbol) is this call with no list).
net::HttpResponse BitgetExchange::batch_cancel_orders(const Params& p) {
  auto list = p.list("orderIdList");
  if (const auto* e = std::get_if<ApiError>(&list)) return fail(*e);
  const json* items = std::get<const json*>(list);
  auto found = market_of(p);
  if (items && !items->empty()) {
    if (const auto* e = std::get_if<ApiError>(&found)) return fail(*e);
    if (items->size() > kMaxBatch)
      return fail(api_error(ErrorKind::ParameterInvalid, "orderIdList holds more than 50 orders"));
    const Market& m = *std::get<Market*>(found);
    std::vector<Order*> named;
    json failure = json::array();
    for (const json& item : *items) {
      auto element = Params::element(item, p, "orderIdList");
      if (const auto* e = std::get_if<ApiError>(&element)) return fail(*e);
      auto order = find_order(std::get<Params>(element), m);
      if (const auto* e = std::get_if<ApiError>(&order)) {
        const Params& el = std::get<Params>(element);
        failure.push_back({{"orderId", el.get("orderId")},
                           {"clientOid", el.get("clientOid")},
                           {"errorMsg", e->msg},
                           {"errorCode", e->code}});
      } else {
        named.push_back(std::get<Order*>(order));
      }
    }
    json answer = cancel_many(named);
    for (json& f : failure) answer["failureList"].push_back(std::move(f));
    return ok(answer);
  }
  // No list: the symbol, when given, narrows it.
  const auto product = product_type(p);
  if (const auto* e = std::get_if<ApiError>(&product)) return fail(*e);
  const std::string symbol = upper(p.get("symbol"));
  if (!symbol.empty())
    if (const auto* e = std::get_if<ApiError>(&found)) return fail(*e);
  std::vector<Order*> open;
  if (std::get<std::string>(product) == kUsdtFutures)
    for (auto& [_, o] : orders_)
      if (o.open() && (symbol.empty() || o.symbol == symbol)) open.push_back(&o);
  return ok(cancel_many(open));
}

net::HttpResponse BitgetExchange::cancel_all_orders(const Params& p) {
  const auto product = product_type(p);
  if (const auto* e = std::get_if<ApiError>(&product)) return fail(*e);
  if (p.has("marginCoin"))
    if (const auto e = check_margin_coin(p)) return fail(*e);
  std::vector<Order*> open;
  if (std::get<std::string>(product) == kUsdtFutures)
    for (auto& [_, o] : orders_)
      if (o.open()) open.push_back(&o);
  return ok(cancel_many(open));
}

// Bitget modifies a live limit order by cancelling it and placing its successor under
// newClientOid (a new orderId, which the answer does not carry: a client finds it by
// newClientOid). Without newSize and newPrice only the clientOid changes.
net::HttpResponse BitgetExchange::modify_order(const Params& p) {
  auto found = market_of(p);
  if (const auto* e = std::get_if<ApiError>(&found)) return fail(*e);
  Market& m = *std::get<Market*>(found);
  auto order = find_order(p, m);
  if (const auto* e = std::get_if<ApiError>(&order)) return fail(*e);
  Order& o = *std::get<Order*>(order);
  const std::string new_oid = p.get("newClientOid");
  if (new_oid.empty()) return fail(api_error(ErrorKind::ParameterEmpty, "newClientOid"));
  if (!valid_client_oid(new_oid))
    return fail(api_error(ErrorKind::ParameterInvalid, "newClientOid \"" + new_oid + "\""));
  if (client_oids_.count(new_oid)) {
    ++duplicate_client_oids_;
    return fail(api_error(ErrorKind::DuplicateClientOid, new_oid));
  }
  if (o.state != "live" || o.market)
    return fail(api_error(ErrorKind::ParameterInvalid,
                          "only a live limit order without fills can be modified (order " +
                              o.order_id + " is " + (o.market ? "a market order" : o.state) + ")"));
  const std::string new_size = p.get("newSize"), new_price = p.get("newPrice");
  if (new_size.empty() != new_price.empty())
    return fail(api_error(ErrorKind::ParameterInvalid, "newSize and newPrice are sent together"));
  const std::string old_id = o.order_id;
  if (new_size.empty()) {
    o.client_oid = new_oid;
    client_oids_[new_oid] = old_id;
    o.updated = clock_.now();
    push_order(o);
    return ok(id_pair(old_id, new_oid));
  }
  if (const auto e = check_price(m.rules, new_price)) return fail(*e);
  if (const auto e = check_band(m.rules, o.side, price_of(new_price), m.mark())) return fail(*e);
  if (const auto e = check_size(m.rules, new_size, new_price)) return fail(*e);
  const int64_t upw = m.instrument.units_per_whole;
  if (!o.reduce_only)  // the successor's margin, with what the order itself holds freed
    if (const auto e =
            check_margin(margin_of(m, price_of(new_price), size_of(new_size, upw), o.leverage),
                         margin_of(m, o.price, o.size, o.leverage)))
      return fail(*e);
  Order next = o;
  cancel_open(o, "modified: replaced by clientOid " + new_oid);
  next.order_id = std::to_string(kOrderIdBase + static_cast<int64_t>(++next_order_));
  next.client_oid = new_oid;
  next.size = size_of(new_size, upw);
  next.price = price_of(new_price);
  next.created = next.updated = clock_.now();
  client_oids_[new_oid] = next.order_id;
  order_ids_.push_back(next.order_id);
  Order& ref = orders_[next.order_id] = std::move(next);
  start_matching(ref);
  return ok(id_pair(old_id, new_oid));
}

// ---- reading ----

json BitgetExchange::order_ledger() const {
  json out = json::array();
  for (const std::string& id : order_ids_) {
    const Order& o = orders_.at(id);
    const ContractRules& r = markets_.at(o.symbol).rules;
    out.push_back({{"clientOid", o.client_oid},
                   {"orderId", o.order_id},
                   {"source", o.source},
                   {"state", o.state},
                   {"size", format_size(r, o.size)},
                   {"filled", format_size(r, o.filled)}});
  }
  return out;
}

json BitgetExchange::order_json(const Order& o, const char* state_field) const {
  const ContractRules& r = markets_.at(o.symbol).rules;
  const std::string avg =
      o.filled.units > 0 ? to_string(Price::from_raw(mul_div(
                               o.filled_value.raw, markets_.at(o.symbol).instrument.units_per_whole,
                               o.filled.units)))
                         : "0";
  return {{"symbol", o.symbol},
          {"size", format_size(r, o.size)},
          {"orderId", o.order_id},
          {"clientOid", o.client_oid},
          {"baseVolume", format_size(r, o.filled)},
          {"priceAvg", avg},
          {"fee", to_string(-o.fee)},
          {"price", o.market ? "0" : format_price(r, o.price)},
          {state_field, o.state},
          {"side", side_name(o.side)},
          {"force", o.force},
          {"totalProfits", to_string(o.profit)},
          {"posSide", "net"},
          {"marginCoin", "USDT"},
          {"presetStopSurplusPrice", ""},
          {"presetStopLossPrice", ""},
          {"quoteVolume", to_string(o.filled_value)},
          {"orderType", o.market ? "market" : "limit"},
          {"leverage", std::to_string(o.leverage)},
          {"marginMode", o.margin_mode},
          {"reduceOnly", o.reduce_only ? "YES" : "NO"},
          {"enterPointSource", o.source},
          {"tradeSide", o.side == Side::Buy ? "buy_single" : "sell_single"},
          {"posMode", "one_way_mode"},
          {"orderSource", o.market ? "market" : "normal"},
          {"cancelReason", o.cancel_reason},
          {"cTime", std::to_string(o.created)},
          {"uTime", std::to_string(o.updated)}};
}

json BitgetExchange::fill_json(const Fill& f) const {
  const Market& m = markets_.at(f.symbol);
  const Order& o = orders_.at(f.order_id);
  return {{"tradeId", f.trade_id},
          {"symbol", f.symbol},
          {"orderId", f.order_id},
          {"price", format_price(m.rules, f.price)},
          {"baseVolume", format_size(m.rules, f.qty)},
          {"feeDetail", json::array({{{"deduction", "no"},
                                      {"feeCoin", "USDT"},
                                      {"totalDeductionFee", "0"},
                                      {"totalFee", to_string(-f.fee)}}})},
          {"side", side_name(f.side)},
          {"quoteVolume", to_string(notional(f.price, f.qty, m.instrument.units_per_whole))},
          {"profit", to_string(f.profit)},
          {"enterPointSource", o.source},
          {"tradeSide", f.side == Side::Buy ? "buy_single" : "sell_single"},
          {"posMode", "one_way_mode"},
          {"tradeScope", f.maker ? "maker" : "taker"},
          {"orderType", o.market ? "market" : "limit"},
          {"cTime", std::to_string(f.time)}};
}

net::HttpResponse BitgetExchange::order_detail(const Params& p) {
  auto found = market_of(p);
  if (const auto* e = std::get_if<ApiError>(&found)) return fail(*e);
  auto order = find_order(p, *std::get<Market*>(found));
  if (const auto* e = std::get_if<ApiError>(&order)) {
    if (e->kind == ErrorKind::ParameterEmpty) return fail(*e);
    return fail(api_error(ErrorKind::OrderDetailNotFound, p.has("orderId")
                                                              ? "orderId " + p.get("orderId")
                                                              : "clientOid " + p.get("clientOid")));
  }
  return ok(order_json(*std::get<Order*>(order), "state"));
}

// A list page's size: `limit` (1 to 100), or 100 when absent.
static std::variant<int64_t, ApiError> page_limit(const Params& p) {
  if (!p.has("limit")) return static_cast<int64_t>(kMaxPage);
  return p.whole("limit", 1, static_cast<int64_t>(kMaxPage));
}

// A page of open orders (pending) or done ones (history), newest first, narrowed by symbol,
// orderId, clientOid and status, paged by idLessThan and limit. Bitget answers an empty page with
// a null list and no endId.
net::HttpResponse BitgetExchange::order_page(const Params& p, bool open) {
  const auto product = product_type(p);
  if (const auto* e = std::get_if<ApiError>(&product)) return fail(*e);
  const auto limit = page_limit(p);
  if (const auto* e = std::get_if<ApiError>(&limit)) return fail(*e);
  const std::string symbol = upper(p.get("symbol")), id = p.get("orderId"),
                    oid = p.get("clientOid"), status = p.get("status"),
                    before = p.get("idLessThan");
  json list = json::array();
  if (std::get<std::string>(product) == kUsdtFutures)
    for (auto it = order_ids_.rbegin();
         it != order_ids_.rend() && list.size() < static_cast<size_t>(std::get<int64_t>(limit));
         ++it) {
      const Order& o = orders_.at(*it);
      if (o.open() != open || (!symbol.empty() && o.symbol != symbol) ||
          (!id.empty() && o.order_id != id) || (!oid.empty() && o.client_oid != oid) ||
          (!status.empty() && o.state != status) || (!before.empty() && o.order_id >= before))
        continue;
      list.push_back(order_json(o, "status"));
    }
  const json end = list.empty() ? json(nullptr) : list.back()["orderId"];
  return ok({{"entrustedList", list.empty() ? json(nullptr) : list}, {"endId", end}});
}

net::HttpResponse BitgetExchange::orders_pending(const Params& p) {
  return order_page(p, true);
}

net::HttpResponse BitgetExchange::orders_history(const Params& p) {
  return order_page(p, false);
}

net::HttpResponse BitgetExchange::order_fills(const Params& p) {
  const auto product = product_type(p);
  if (const auto* e = std::get_if<ApiError>(&product)) return fail(*e);
  const std::string symbol = upper(p.get("symbol")), id = p.get("orderId"),
                    before = p.get("idLessThan");
  const auto limit = page_limit(p);
  if (const auto* e = std::get_if<ApiError>(&limit)) return fail(*e);
  json list = json::array();
  if (std::get<std::string>(product) == kUsdtFutures)
    for (auto it = fills_.rbegin();
         it != fills_.rend() && list.size() < static_cast<size_t>(std::get<int64_t>(limit)); ++it) {
      if ((!symbol.empty() && it->symbol != symbol) || (!id.empty() && it->order_id != id) ||
          (!before.empty() && it->trade_id >= before))
        continue;
      list.push_back(fill_json(*it));
    }
  const json end = list.empty() ? json(nullptr) : list.back()["tradeId"];
  return ok({{"fillList", list}, {"endId", end}});
}

}  // namespace aitrapp::bitget
