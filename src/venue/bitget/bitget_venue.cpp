#include "venue/bitget/bitget_venue.hpp"

#include "core/overloaded.hpp"
#include "core/scaled_clock.hpp"

namespace aitrapp::bitget {

using nlohmann::json;

namespace {

constexpr const char* kPlace = "/api/v2/mix/order/place-order";
constexpr const char* kCancel = "/api/v2/mix/order/cancel-order";
constexpr const char* kModify = "/api/v2/mix/order/modify-order";
constexpr const char* kDetail = "/api/v2/mix/order/detail";
constexpr const char* kPending = "/api/v2/mix/order/orders-pending";
constexpr const char* kFills = "/api/v2/mix/order/fills";
constexpr const char* kPositions = "/api/v2/mix/position/all-position";
constexpr int kFillPages = 5;  // newest first, 100 a page: enough between two rounds

// The exchange's band check names the order price as it calls it internally.
bool band_reject(const BitgetReply& r) {
  return r.msg.find("delegatePrice") != std::string::npos;
}

bool acked_state(const std::string& s) {
  return s == "live" || s == "partially_filled" || s == "filled";
}

}  // namespace

BitgetVenue::BitgetVenue(std::unique_ptr<BitgetRest> rest,
                         std::map<std::string, ContractRules> rules, BitgetVenueParams params,
                         BitgetVenueHooks hooks)
    : rest_(std::move(rest)), rules_(std::move(rules)), p_(params), hooks_(std::move(hooks)) {}

BitgetVenue::~BitgetVenue() {
  stop();
}

void BitgetVenue::start() {
  thread_ = std::thread([this] { run(); });
}

void BitgetVenue::stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BitgetVenue::send(const VenueRequest& request) {
  {
    std::lock_guard lock(mu_);
    lanes_.push(request);
  }
  cv_.notify_all();
}

void BitgetVenue::on_order_push(const OrderPush& push) {
  {
    std::lock_guard lock(mu_);
    pushes_.push_back(push);
  }
  cv_.notify_all();
}

void BitgetVenue::on_price(const std::string& symbol, Price p) {
  {
    std::lock_guard lock(mu_);
    prices_[symbol] = p;
    prices_new_ = true;
  }
  cv_.notify_all();
}

void BitgetVenue::reconcile_soon() {
  {
    std::lock_guard lock(mu_);
    reconcile_now_ = true;
  }
  cv_.notify_all();
}

size_t BitgetVenue::queue_depth(Lane lane) const {
  std::lock_guard lock(mu_);
  return lanes_.depth(lane);
}

const ContractRules& BitgetVenue::rules_of_symbol(const std::string& symbol) const {
  const auto it = rules_.find(symbol);
  if (it != rules_.end()) return it->second;
  return rules_.begin()->second;  // an order from before a restart: its symbol is not known yet
}

// ---------------------------------------------------------------------------------------------

void BitgetVenue::run() {
  next_reconcile_ = steady_now_ms() + p_.reconcile_every.count();
  for (;;) {
    std::deque<OrderPush> pushes;
    std::optional<Job> job;
    bool reconcile_now = false, prices_new = false;
    {
      std::unique_lock lock(mu_);
      // Only work that may go now wakes the worker: a throttled or backed-off job must not spin.
      const auto sendable = [&](int64_t now) {
        return now >= backoff_until_ && order_calls_.allows(now) && lanes_.ready(now);
      };
      cv_.wait_for(lock, std::chrono::milliseconds(50), [&] {
        return stop_ || !pushes_.empty() || reconcile_now_ || prices_new_ ||
               sendable(steady_now_ms());
      });
      if (stop_) return;
      pushes.swap(pushes_);
      reconcile_now = std::exchange(reconcile_now_, false);
      prices_new = std::exchange(prices_new_, false);
      const int64_t now = steady_now_ms();
      if (sendable(now)) job = lanes_.take_ready(now);
    }
    for (const OrderPush& p : pushes) apply_push(p);
    if (prices_new) fire_stops();
    if (job) {
      if (!std::holds_alternative<QueryRequest>(job->req)) order_calls_.record(steady_now_ms());
      if (!process(*job)) {
        std::lock_guard lock(mu_);
        lanes_.put_back(std::move(*job));
      }
    }
    if (fills_dirty_) fetch_fills();
    if (reconcile_now || std::exchange(reconcile_due_, false) || steady_now_ms() >= next_reconcile_)
      reconcile();
  }
}

bool BitgetVenue::process(Job& job) {
  return std::visit(overloaded{
                        [&](const PlaceRequest&) { return place(job); },
                        [&](const CancelRequest&) { return cancel(job); },
                        [&](const ModifyRequest&) { return modify(job); },
                        [&](const QueryRequest&) { return query(job); },
                    },
                    job.req);
}

BitgetReply BitgetVenue::counted(BitgetReply r) {
  if (r.kind == BitgetReply::Kind::Transport || r.http >= 500) ++venue_errors_;
  if (r.rate_limited()) {
    ++rate_limited_;
    backoff_until_ = steady_now_ms() + 1000;  // Bitget's windows are one second: let it drain
  }
  return r;
}

BitgetReply BitgetVenue::call_get(const std::string& path, const net::Form& query) {
  return counted(rest_->signed_get(path, query));
}

BitgetReply BitgetVenue::call_post(const std::string& path, const json& body) {
  return counted(rest_->signed_post(path, body));
}

bool BitgetVenue::reads_allowed() {
  const int64_t now = steady_now_ms();
  if (now < backoff_until_ || !reads_.allows(now)) return false;
  reads_.record(now);
  return true;
}

bool BitgetVenue::retry_later(Job& job) {
  RequestLanes::back_off(job, steady_now_ms(), p_.backoff_max);
  return false;
}

// A lookup held back by the read limit waits its turn without counting as an attempt.
bool BitgetVenue::retry_lookup(Lookup outcome, Job& job) {
  if (outcome == Lookup::Failed) return retry_later(job);
  job.not_before = steady_now_ms() + 100;
  return false;
}

BitgetVenue::Lookup BitgetVenue::find(const std::string& symbol, const std::string& client_oid,
                                      OrderRow& row) {
  if (!reads_allowed()) return Lookup::Deferred;
  ++lookups_;
  const ContractRules& rules = rules_of_symbol(symbol);
  const BitgetReply r = call_get(
      kDetail,
      {{"symbol", rules.symbol}, {"productType", kProductType}, {"clientOid", client_oid}});
  if (r.order_unknown()) return Lookup::Absent;
  if (!r.ok()) return Lookup::Failed;
  auto parsed = parse_order_row(r.data, rules);
  if (!parsed) {
    ++malformed_rows_;
    return Lookup::Failed;
  }
  row = parsed.value();
  return Lookup::Found;
}

BitgetVenue::Lookup BitgetVenue::find_newest(Track& t, OrderRow& row) {
  const std::string& cid = t.spec.client_order_id;
  Lookup at = find(t.spec.symbol, link_oid(cid, t.link), row);
  if (at != Lookup::Found) return at;
  for (OrderRow next;;) {  // a later link: a modify whose answer we never had
    const Lookup l = find(t.spec.symbol, link_oid(cid, t.link + 1), next);
    if (l != Lookup::Found) return l == Lookup::Absent ? Lookup::Found : l;
    ++t.link;
    t.order_id.clear();
    row = next;
  }
}

bool BitgetVenue::place(Job& job) {
  const OrderSpec& s = std::get<PlaceRequest>(job.req).spec;
  const std::string& cid = s.client_order_id;
  Track& t = tracks_[cid];
  if (t.withdrawn || t.terminal_sent) return true;
  if (t.spec.symbol.empty()) t.spec = s;  // a query may have made the track first
  if (s.type == OrderType::StopLimit) {
    t.terminal_sent = true;
    hooks_.emit(OrderRejected{cid, "the Bitget adapter sends no stop-limit orders", false});
    return true;
  }
  if (s.type == OrderType::StopMarket && !t.fired) {
    // Held here until the last price reaches the trigger (see the header).
    t.held_stop = true;
    if (!t.acked) {
      t.acked = true;
      hooks_.emit(OrderAcked{cid, "held:" + cid});
    }
    fire_stops();
    return true;
  }
  if (job.lookup_first || t.place_attempts > 0) {
    // Seen before: the exchange may hold it. Look before placing again.
    OrderRow row;
    const Lookup looked = find(t.spec.symbol, cid, row);
    if (looked == Lookup::Failed || looked == Lookup::Deferred) return retry_lookup(looked, job);
    if (looked == Lookup::Found) {
      apply_row(t, row);
      return true;
    }
    if (t.place_attempts >= p_.max_place_attempts) {
      t.terminal_sent = true;
      hooks_.emit(OrderRejected{
          cid,
          "venue unreachable: not placed after " + std::to_string(t.place_attempts) + " attempts",
          true});
      return true;
    }
  }
  OrderSpec form = t.spec;
  if (t.fired) form.type = OrderType::Market;
  ++t.place_attempts;
  const BitgetReply r =
      call_post(kPlace, place_body(rules_of_symbol(s.symbol), form, p_.margin_mode));
  if (r.ok()) {
    const auto id = r.data.find("orderId");
    if (id != r.data.end() && id->is_string() && t.order_id.empty()) {
      t.order_id = id->get<std::string>();
      by_order_[t.order_id] = cid;
    }
    if (!t.acked) {
      t.acked = true;
      hooks_.emit(OrderAcked{cid, t.order_id});
    }
    return true;
  }
  if (r.duplicate_client_oid() || r.ambiguous()) {
    // The exchange holds (or may hold) an order under this clientOid: find it, never re-send.
    if (r.duplicate_client_oid()) --t.place_attempts;
    job.lookup_first = true;
    return retry_later(job);
  }
  if (r.retryable()) {   // not ambiguous (handled above): it never reached the exchange
    --t.place_attempts;  // does not count
    return retry_later(job);
  }
  t.terminal_sent = true;
  hooks_.emit(OrderRejected{cid, r.describe(), false, band_reject(r)});
  return true;
}

bool BitgetVenue::cancel(Job& job) {
  const std::string& cid = std::get<CancelRequest>(job.req).client_order_id;
  Track& t = tracks_[cid];
  if (t.terminal_sent) {
    hooks_.emit(RequestRefused{cid, "the order is done at the exchange"});
    return true;
  }
  if (t.held_stop && !t.fired) {
    t.terminal_sent = true;
    hooks_.emit(OrderCancelled{cid});
    return true;
  }
  if (t.order_id.empty()) {
    // A placement still queued (waiting out a 429 or a backoff) is withdrawn for good: placing
    // it after the engine gave it up would leave an order working that nobody watches.
    {
      std::lock_guard lock(mu_);
      if (lanes_.withdraw_place(cid)) t.withdrawn = true;
    }
    if (t.withdrawn && t.place_attempts == 0) {  // no attempt can have reached the exchange
      t.terminal_sent = true;
      hooks_.emit(OrderCancelled{cid});
      return true;
    }
    if (t.spec.client_order_id.empty()) t.spec.client_order_id = cid;
    OrderRow row;
    const Lookup looked = find_newest(t, row);
    if (looked == Lookup::Failed || looked == Lookup::Deferred) return retry_lookup(looked, job);
    if (looked == Lookup::Absent) {
      t.terminal_sent = t.withdrawn;
      if (t.withdrawn)
        hooks_.emit(OrderCancelled{cid});
      else
        hooks_.emit(RequestRefused{cid, "unknown order"});
      return true;
    }
    apply_row(t, row);
    if (t.terminal_sent || !row.open()) return true;
  }
  const ContractRules& rules = rules_of_symbol(t.spec.symbol);
  const BitgetReply r = call_post(kCancel, {{"symbol", rules.symbol},
                                            {"productType", kProductType},
                                            {"marginCoin", rules.quote_coin},
                                            {"orderId", t.order_id}});
  if (r.ok() || r.order_unknown()) {
    // Bitget refuses to cancel an order that is done (filled, or cancelled already): the
    // round's detail read says which, and the canceled push may have been missed.
    reconcile_due_ = true;
    return true;
  }
  if (r.retryable()) return retry_later(job);
  hooks_.emit(RequestRefused{cid, r.describe()});
  return true;
}

bool BitgetVenue::modify(Job& job) {
  const ModifyRequest& m = std::get<ModifyRequest>(job.req);
  Track& t = tracks_[m.client_order_id];
  if (t.held_stop && !t.fired) {
    t.spec.qty = m.qty;
    t.spec.trigger = m.trigger;
    hooks_.emit(OrderModified{m.client_order_id, m.qty, m.limit, m.trigger});
    fire_stops();
    return true;
  }
  if (t.order_id.empty() || t.terminal_sent) {
    hooks_.emit(RequestRefused{m.client_order_id, "unknown order"});
    return true;
  }
  if (t.spec.type != OrderType::Limit || t.filled > 0 || t.venue_filled > 0) {
    hooks_.emit(
        RequestRefused{m.client_order_id, "Bitget modifies only a limit order without fills"});
    return true;
  }
  const int next = t.link + 1;
  const std::string next_oid = link_oid(m.client_order_id, next);
  const auto adopt = [&](const std::string& order_id) {
    t.link = next;
    t.order_id = order_id;
    if (!order_id.empty()) by_order_[order_id] = m.client_order_id;
    t.spec.qty = m.qty;
    t.spec.limit = m.limit;
    hooks_.emit(OrderModified{m.client_order_id, m.qty, m.limit, m.trigger});
  };
  if (job.lookup_first) {
    OrderRow row;
    const Lookup looked = find(t.spec.symbol, next_oid, row);
    if (looked == Lookup::Failed || looked == Lookup::Deferred) return retry_lookup(looked, job);
    if (looked == Lookup::Found) {
      adopt(row.order_id);
      apply_row(t, row);
      return true;
    }
  }
  const BitgetReply r = call_post(
      kModify, modify_body(rules_of_symbol(t.spec.symbol), t.order_id, next_oid, m.qty, m.limit));
  if (r.ok()) {
    adopt("");  // the answer does not carry the successor's orderId: its push or detail does
    return true;
  }
  if (r.ambiguous()) {
    job.lookup_first = true;
    return retry_later(job);
  }
  if (r.retryable()) return retry_later(job);
  hooks_.emit(RequestRefused{m.client_order_id, r.describe()});
  return true;
}

bool BitgetVenue::query(Job& job) {
  const QueryRequest& q = std::get<QueryRequest>(job.req);
  Track& t = tracks_[q.client_order_id];
  if (t.spec.client_order_id.empty()) t.spec.client_order_id = q.client_order_id;
  if (t.held_stop && !t.fired) {
    hooks_.emit(OrderState{q.client_order_id, t.spec.qty, Qty{0}, true, q.seq});
    return true;
  }
  OrderRow row;
  const Lookup looked = find_newest(t, row);
  if (looked == Lookup::Failed && job.attempts >= 5) return true;  // the engine asks again
  if (looked == Lookup::Failed || looked == Lookup::Deferred) return retry_lookup(looked, job);
  if (looked == Lookup::Absent) {
    hooks_.emit(OrderUnknown{q.client_order_id, q.seq});
    return true;
  }
  apply_row(t, row);
  fetch_fills();
  hooks_.emit(OrderState{q.client_order_id, row.size, row.filled, row.open(), q.seq});
  return true;
}

void BitgetVenue::apply_row(Track& t, const OrderRow& row) {
  const std::string& cid = t.spec.client_order_id;
  if (t.order_id.empty()) t.order_id = row.order_id;
  by_order_[row.order_id] = cid;
  if (!t.acked && acked_state(row.state)) {
    t.acked = true;
    hooks_.emit(OrderAcked{cid, t.order_id});
  }
  t.venue_filled = std::max(t.venue_filled, row.filled.units);
  if (t.venue_filled > t.filled) fills_dirty_ = true;
  if (row.state == "canceled") t.cancelled = true;
  if (row.state == "filled" || row.state == "canceled") settle_terminal(t);
}

void BitgetVenue::apply_push(const OrderPush& p) {
  const auto [cid, link] = link_of(p.client_oid);
  const auto it = tracks_.find(cid);
  if (it == tracks_.end()) return;  // not ours (an order from the exchange's UI, say)
  Track& t = it->second;
  if (link < t.link) return;  // a link Bitget replaced: its cancel is the modify's
  if (link > t.link) {
    t.link = link;
    t.order_id.clear();
  }
  if (t.order_id.empty()) t.order_id = p.order_id;
  by_order_[p.order_id] = cid;
  if (!t.acked && acked_state(p.status)) {
    t.acked = true;
    hooks_.emit(OrderAcked{cid, t.order_id});
  }
  if (!p.trade_id.empty()) book_fill(t, p.trade_id, p.fill_qty, p.fill_price);
  t.venue_filled = std::max(t.venue_filled, p.filled.units);
  if (t.venue_filled > t.filled) fills_dirty_ = true;  // a fill push we missed
  if (p.status == "canceled") t.cancelled = true;
  if (p.status == "filled" || p.status == "canceled") settle_terminal(t);
}

void BitgetVenue::book_fill(Track& t, const std::string& trade_id, Qty qty, Price price) {
  if (!t.trades.insert(trade_id).second) return;
  t.filled += qty.units;
  hooks_.emit(OrderFilled{t.spec.client_order_id, trade_id, qty, price});
}

// Done at the exchange and every fill booked: a cancel is confirmed only after the fills before
// it (a hard flat sends a position's exit only once its stop and target are cancelled).
void BitgetVenue::settle_terminal(Track& t) {
  if (t.terminal_sent || t.filled < t.venue_filled) return;
  if (t.cancelled) {
    t.terminal_sent = true;
    hooks_.emit(OrderCancelled{t.spec.client_order_id});
  } else if (t.venue_filled > 0 && t.venue_filled >= t.spec.qty.units) {
    t.terminal_sent = true;  // filled: the fills said it all
  }
}

void BitgetVenue::fire_stops() {
  std::map<std::string, Price> prices;
  {
    std::lock_guard lock(mu_);
    prices = prices_;
  }
  for (auto& [cid, t] : tracks_) {
    if (!t.held_stop || t.fired || t.terminal_sent) continue;
    const auto last = prices.find(t.spec.symbol);
    if (last == prices.end() || !stop_fires(t.spec.side, t.spec.trigger, last->second)) continue;
    t.fired = true;
    ++stops_fired_;
    std::lock_guard lock(mu_);
    lanes_.push(PlaceRequest{t.spec, Lane::Exit});
  }
}

bool BitgetVenue::fetch_fills() {
  bool any_page = false;
  std::string before;
  for (int page = 0; page < kFillPages; ++page) {
    if (!reads_allowed()) break;  // stays dirty: tried again on a later round
    net::Form q{{"productType", kProductType}, {"limit", "100"}};
    if (!before.empty()) q.add("idLessThan", before);
    const BitgetReply r = call_get(kFills, q);
    if (!r.ok() || !r.data.is_object()) break;
    any_page = true;
    const auto list = r.data.find("fillList");
    if (list == r.data.end() || !list->is_array() || list->empty()) break;
    bool all_new = true;
    for (const json& row : *list) {
      const std::string symbol = row.is_object() ? row.value("symbol", "") : "";
      const auto rules = rules_.find(symbol);
      if (rules == rules_.end()) continue;  // a contract we do not trade
      const auto f = parse_fill_row(row, rules->second);
      if (!f) {
        // Not booked: the position check then sees the exchange ahead of the engine and pauses.
        ++malformed_rows_;
        continue;
      }
      before = f.value().trade_id;
      const auto owner = by_order_.find(f.value().order_id);
      if (owner == by_order_.end()) continue;
      Track& t = tracks_[owner->second];
      if (t.trades.count(f.value().trade_id)) all_new = false;
      book_fill(t, f.value().trade_id, f.value().qty, f.value().price);
    }
    if (!all_new || list->size() < 100) break;  // reached fills already booked
  }
  if (!any_page) return false;
  fills_dirty_ = false;
  for (auto& [_, t] : tracks_) settle_terminal(t);
  return true;
}

void BitgetVenue::fetch_positions() {
  if (!hooks_.positions || !reads_allowed()) return;
  const BitgetReply r = call_get(kPositions, {{"productType", kProductType},
                                              {"marginCoin", rules_.begin()->second.quote_coin}});
  if (!r.ok()) return;
  auto net = parse_net_positions(r.data, rules_);
  if (!net) {
    ++malformed_rows_;  // a partial picture would read as a mismatch (or hide one): skip
    return;
  }
  hooks_.positions(std::move(net.value()));
}

// Pushes can be lost (a dropped stream): the open orders are the truth, read every few seconds.
// An order we think working that is no longer open is read by its detail (filled or cancelled).
void BitgetVenue::reconcile() {
  if (!reads_allowed()) {
    reconcile_due_ = true;
    return;
  }
  next_reconcile_ = steady_now_ms() + p_.reconcile_every.count();
  const BitgetReply r = call_get(kPending, {{"productType", kProductType}});
  if (!r.ok() || !r.data.is_object()) return;
  std::set<std::string> open;
  if (const auto list = r.data.find("entrustedList"); list != r.data.end() && list->is_array())
    for (const json& o : *list)
      if (o.is_object()) open.insert(o.value("orderId", ""));
  for (auto& [cid, t] : tracks_) {
    if (t.terminal_sent || (t.order_id.empty() && t.link == 0) || open.count(t.order_id)) continue;
    OrderRow row;
    const Lookup looked = find(t.spec.symbol, link_oid(cid, t.link), row);
    if (looked == Lookup::Deferred) {
      reconcile_due_ = true;  // the rest next time round
      break;
    }
    if (looked == Lookup::Found) apply_row(t, row);
  }
  // Positions only against fills just read: a position ahead of our fills is a race.
  if (fetch_fills()) fetch_positions();
}

}  // namespace aitrapp::bitget
