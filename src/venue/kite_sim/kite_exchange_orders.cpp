// The Kite simulator's order book: place, modify, cancel, the status trail Kite reports, and the
// JSON of orders, trades and positions, over SimVenue's matching.
#include <algorithm>

#include "core/ids.hpp"
#include "core/overloaded.hpp"
#include "venue/kite/kite_order_form.hpp"
#include "venue/kite_sim/kite_exchange.hpp"
#include "venue/kite_sim/kite_exchange_detail.hpp"

namespace aitrapp::kite {

using nlohmann::json;
using namespace exchange_detail;

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
  const auto type = order_type_from_string(*r.form.get("order_type"));
  if (!type) return input_error("Invalid `order_type`.");
  spec.type = *type;
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
  if (!tag.empty() && !is_valid_tag(tag))
    return input_error("Invalid `tag`: at most 20 alphanumeric characters.");

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

}  // namespace aitrapp::kite
