#include "venue/sim/sim_venue.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/overloaded.hpp"

namespace aitrapp {
namespace {
using Status = SimVenue::VenueOrder::Status;
}  // namespace

SimVenue::SimVenue(std::map<std::string, Instrument> instruments, SimVenueParams params,
                   Deliver deliver, Journal journal)
    : instruments_(std::move(instruments)),
      p_(params),
      deliver_(std::move(deliver)),
      journal_(std::move(journal)) {}

void SimVenue::emit(TimeMs at, VenueEvent::Body body) {
  deliver_(VenueEvent{at + p_.latency_ms, std::move(body)});
}

size_t SimVenue::working_orders() const {
  return std::count_if(working_.begin(), working_.end(),
                       [](const VenueOrder* o) { return o->status == Status::Working; });
}

void SimVenue::track_working(VenueOrder& o) {
  if (o.status != Status::Working) return;
  const auto at = std::lower_bound(working_.begin(), working_.end(), &o,
                                   [](const VenueOrder* a, const VenueOrder* b) {
                                     return a->spec.client_order_id < b->spec.client_order_id;
                                   });
  if (at == working_.end() || *at != &o) working_.insert(at, &o);
}

void SimVenue::journal(const VenueOrder& o) {
  if (!journal_) return;
  nlohmann::json j;
  j["id"] = o.spec.client_order_id;
  j["symbol"] = o.spec.symbol;
  j["side"] = std::string(to_string(o.spec.side));
  j["type"] = std::string(to_string(o.spec.type));
  j["qty"] = o.spec.qty.units;
  j["limit"] = o.spec.limit.raw;
  j["trigger"] = o.spec.trigger.raw;
  j["venue_order_id"] = o.venue_order_id;
  j["status"] = static_cast<int>(o.status);
  j["reason"] = o.reason;
  j["triggered"] = o.triggered;
  j["filled"] = o.filled.units;
  j["seq"] = seq_;
  for (const auto& f : o.fills) j["fills"].push_back({f.fill_id, f.qty.units, f.price.raw, f.time});
  journal_(o.spec.client_order_id, j.dump());
}

void SimVenue::restore(const std::vector<std::string>& entries) {
  for (const auto& s : entries) {
    auto j = nlohmann::json::parse(s);
    VenueOrder o;
    o.spec.client_order_id = j["id"];
    o.spec.symbol = j["symbol"];
    o.spec.side = side_from_string(j["side"].get<std::string>());
    const auto type = order_type_from_string(j["type"].get<std::string>());
    if (!type) throw std::runtime_error("sim venue journal: unknown order type in " + s);
    o.spec.type = *type;
    o.spec.qty = Qty{j["qty"].get<int64_t>()};
    o.spec.limit = Price::from_raw(j["limit"].get<int64_t>());
    o.spec.trigger = Price::from_raw(j["trigger"].get<int64_t>());
    o.venue_order_id = j["venue_order_id"];
    o.status = static_cast<Status>(j["status"].get<int>());
    o.reason = j["reason"];
    o.triggered = j["triggered"];
    o.filled = Qty{j["filled"].get<int64_t>()};
    seq_ = std::max<int64_t>(seq_, j["seq"].get<int64_t>());
    if (j.contains("fills"))
      for (const auto& f : j["fills"]) {
        o.fills.push_back({f[0].get<std::string>(), Qty{f[1].get<int64_t>()},
                           Price::from_raw(f[2].get<int64_t>()), f[3].get<TimeMs>()});
        matched_until_ = std::max(matched_until_, o.fills.back().time);
      }
    const std::string id = o.spec.client_order_id;
    VenueOrder& ref = orders_[id] = std::move(o);
    track_working(ref);
  }
}

void SimVenue::on_request(const VenueRequest& r, TimeMs now) {
  std::visit(overloaded{
                 [&](const PlaceRequest& p) { place(p.spec, now); },
                 [&](const CancelRequest& c) {
                   auto it = orders_.find(c.client_order_id);
                   if (it == orders_.end())
                     return emit(now, RequestRefused{c.client_order_id, "unknown order"});
                   VenueOrder& o = it->second;
                   if (o.status != Status::Working)
                     return emit(now, RequestRefused{c.client_order_id, "order is not open"});
                   o.status = Status::Cancelled;
                   journal(o);
                   emit(now, OrderCancelled{c.client_order_id});
                 },
                 [&](const ModifyRequest& m) {
                   auto it = orders_.find(m.client_order_id);
                   if (it == orders_.end())
                     return emit(now, RequestRefused{m.client_order_id, "unknown order"});
                   VenueOrder& o = it->second;
                   if (o.status != Status::Working)
                     return emit(now, RequestRefused{m.client_order_id, "order is not open"});
                   if (m.qty <= o.filled)
                     return emit(now, RequestRefused{m.client_order_id,
                                                     "quantity not above filled quantity"});
                   caps_.erase(m.client_order_id);
                   o.spec.qty = m.qty;
                   o.spec.limit = m.limit;
                   o.spec.trigger = m.trigger;
                   journal(o);
                   emit(now, OrderModified{m.client_order_id, m.qty, m.limit, m.trigger});
                   auto q = last_.find(o.spec.symbol);
                   if (q != last_.end()) try_match(o, q->second, true, now);
                 },
                 [&](const QueryRequest& q) {
                   auto it = orders_.find(q.client_order_id);
                   if (it == orders_.end())
                     return emit(now, OrderUnknown{q.client_order_id, q.seq});
                   replay_state(it->second, now, q.seq);
                 },
             },
             r);
}

void SimVenue::replay_state(const VenueOrder& o, TimeMs now, uint64_t query_seq) {
  const std::string& id = o.spec.client_order_id;
  if (o.status == Status::Rejected) return emit(now, OrderRejected{id, o.reason, false});
  emit(now, OrderAcked{id, o.venue_order_id});
  for (const auto& f : o.fills) emit(now, OrderFilled{id, f.fill_id, f.qty, f.price});
  emit(now, OrderState{id, o.spec.qty, o.filled, o.status == Status::Working, query_seq});
}

void SimVenue::place(const OrderSpec& spec, TimeMs now) {
  auto existing = orders_.find(spec.client_order_id);
  if (existing != orders_.end()) {  // idempotent place: answered with the order's state
    const OrderSpec& was = existing->second.spec;
    if (was.symbol != spec.symbol || was.side != spec.side || was.type != spec.type ||
        was.limit != spec.limit || was.trigger != spec.trigger)
      ++conflicting_places_;
    return replay_state(existing->second, now);
  }
  VenueOrder o;
  o.spec = spec;
  o.venue_order_id = "V" + std::to_string(++seq_);
  auto reject = [&](const std::string& why, bool band = false) {
    o.status = Status::Rejected;
    o.reason = why;
    orders_[spec.client_order_id] = o;
    journal(o);
    emit(now, OrderRejected{spec.client_order_id, why, false, band});
  };
  auto inst_it = instruments_.find(spec.symbol);
  if (inst_it == instruments_.end()) return reject("unknown instrument " + spec.symbol);
  const Instrument& in = inst_it->second;
  if (spec.qty.units <= 0 || spec.qty.units % in.lot.units != 0)
    return reject("quantity not a multiple of lot size");
  if (in.freeze_qty.units > 0 && spec.qty > in.freeze_qty)
    return reject("quantity exceeds freeze limit");
  auto q = last_.find(spec.symbol);
  const bool priced = spec.type == OrderType::Limit || spec.type == OrderType::StopLimit;
  const bool stopped = spec.type == OrderType::StopLimit || spec.type == OrderType::StopMarket;
  if (priced && !is_on_tick(spec.limit, in.tick))
    return reject("limit price not a multiple of tick size");
  if (stopped && !is_on_tick(spec.trigger, in.tick))
    return reject("trigger price not a multiple of tick size");
  if (q != last_.end()) {
    if (priced && !within_band(spec.limit, q->second.last, in.band_bps))
      return reject("limit price outside the allowed band (stale price)", true);
    if (stopped && !within_band(spec.trigger, q->second.last, in.band_bps))
      return reject("trigger price outside the allowed band", true);
  }
  VenueOrder& ref = orders_[spec.client_order_id] = o;
  track_working(ref);
  journal(ref);
  emit(now, OrderAcked{spec.client_order_id, ref.venue_order_id});
  if (q != last_.end()) try_match(ref, q->second, true, now);
}

void SimVenue::on_tick(const Tick& t) {
  // Nothing trades outside the band around the last print (the exchange halts instead), so such
  // a tick neither moves the price nor fills anything.
  if (const auto prev = last_.find(t.symbol); prev != last_.end()) {
    const auto in = instruments_.find(t.symbol);
    if (in != instruments_.end() && !within_band(t.last, prev->second.last, in->second.band_bps)) {
      ++band_halted_ticks_;
      return;
    }
  }
  last_[t.symbol] = t;
  if (t.time <= matched_until_) return;  // replayed after a restart: matched before the crash
  size_t kept = 0;
  for (VenueOrder* o : working_) {
    if (o->status == Status::Working && o->spec.symbol == t.symbol) try_match(*o, t, false, t.time);
    if (o->status == Status::Working) working_[kept++] = o;
  }
  working_.resize(kept);
}

void SimVenue::try_match(VenueOrder& o, const Tick& q, bool arrival, TimeMs now) {
  const bool buy = o.spec.side == Side::Buy;
  const Instrument& in = instruments_.at(o.spec.symbol);
  Qty open = o.spec.qty - o.filled;
  if (auto cap = caps_.find(o.spec.client_order_id); cap != caps_.end())
    open = std::min(open, cap->second - o.filled);
  if (open.units <= 0) return;
  // Stops trigger on the traded price crossing the trigger.
  if ((o.spec.type == OrderType::StopMarket || o.spec.type == OrderType::StopLimit) &&
      !o.triggered) {
    if (buy ? q.last < o.spec.trigger : q.last > o.spec.trigger) return;
    o.triggered = true;
  }
  const Price touch = buy ? q.ask : q.bid;
  if (o.spec.type == OrderType::Market) return fill(o, open, touch, now);  // whole quantity
  if (o.spec.type == OrderType::StopMarket) {
    // Resting and crossed inside the bar's path: the trigger plus slippage, bounded by the touch
    // (a print barely through the trigger fills no worse than the market there). Otherwise the
    // stop was gapped through (or armed already crossed): the touch.
    if (arrival || !q.continuous) return fill(o, open, touch, now);
    const Price slip = Price::from_raw(in.tick.raw * p_.stop_slippage_ticks);
    return fill(
        o, open,
        buy ? std::min(o.spec.trigger + slip, touch) : std::max(o.spec.trigger - slip, touch), now);
  }
  // LIMIT (or triggered SL): marketable on arrival takes the touch; resting fills when trade
  // prints through it, limited to a share of the tick's volume: at its price inside the bar's path,
  // at the better of its price and the touch on a gap.
  if (arrival) {
    if (buy ? q.ask <= o.spec.limit : q.bid >= o.spec.limit) return fill(o, open, touch, now);
    return;
  }
  if (buy ? q.last > o.spec.limit : q.last < o.spec.limit) return;
  int64_t cap = q.volume * p_.participation_bps / 10'000;
  cap = std::max<int64_t>(in.lot.units, cap / in.lot.units * in.lot.units);
  const Price at = q.continuous ? o.spec.limit
                   : buy        ? std::min(o.spec.limit, touch)
                                : std::max(o.spec.limit, touch);
  fill(o, Qty{std::min(open.units, cap)}, at, now);
}

void SimVenue::fill(VenueOrder& o, Qty qty, Price price, TimeMs now) {
  VenueFill f{"F" + std::to_string(++seq_), qty, price, now};
  o.fills.push_back(f);
  o.filled += qty;
  if (o.filled >= o.spec.qty) o.status = Status::Filled;
  journal(o);
  emit(now, OrderFilled{o.spec.client_order_id, f.fill_id, qty, price});
}

}  // namespace aitrapp
