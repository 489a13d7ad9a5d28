#include "venue/kite/kite_venue.hpp"

#include "core/overloaded.hpp"
#include "core/scaled_clock.hpp"
#include "venue/kite/kite_json.hpp"
#include "venue/kite/kite_order_form.hpp"

namespace aitrapp::kite {

using nlohmann::json;

namespace {

KiteReply transport_failure() {
  KiteReply r;
  r.kind = KiteReply::Kind::Transport;
  return r;
}

bool band_reject(const std::string& message) {
  return message.find("price band") != std::string::npos ||
         message.find("outside the") != std::string::npos;
}

}  // namespace

KiteVenue::KiteVenue(std::unique_ptr<KiteRest> rest, std::string access_token,
                     std::map<std::string, InstrumentRow> rows, KiteVenueParams params,
                     KiteVenueHooks hooks)
    : rest_(std::move(rest)),
      token_(std::move(access_token)),
      rows_(std::move(rows)),
      p_(params),
      hooks_(std::move(hooks)) {
  for (const auto& [symbol, row] : rows_) symbol_of_key_[row.key()] = symbol;
  rest_->set_access_token(token_);
}

KiteVenue::~KiteVenue() {
  stop();
}

void KiteVenue::start() {
  thread_ = std::thread([this] { run(); });
}

void KiteVenue::stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::string KiteVenue::access_token() const {
  std::lock_guard lock(mu_);
  return token_;
}

void KiteVenue::send(const VenueRequest& request) {
  {
    std::lock_guard lock(mu_);
    lanes_.push(request);
  }
  cv_.notify_all();
}

bool KiteVenue::withdraw_place(const std::string& cid) {
  std::lock_guard lock(mu_);
  return lanes_.withdraw_place(cid);
}

void KiteVenue::on_order_update(const json& order) {
  {
    std::lock_guard lock(mu_);
    updates_.push_back(order);
  }
  cv_.notify_all();
}

void KiteVenue::reconcile_soon() {
  {
    std::lock_guard lock(mu_);
    reconcile_now_ = true;
  }
  cv_.notify_all();
}

size_t KiteVenue::queue_depth(Lane lane) const {
  std::lock_guard lock(mu_);
  return lanes_.depth(lane);
}

bool KiteVenue::throttle_allows(int64_t now) {
  return order_calls_.allows(now);
}

// ---------------------------------------------------------------------------------------------

void KiteVenue::run() {
  next_reconcile_ = steady_now_ms() + p_.reconcile_every.count();
  for (;;) {
    std::deque<json> updates;
    std::optional<Job> job;
    bool reconcile_now = false;
    {
      std::unique_lock lock(mu_);
      // Only work that may go now wakes the worker: a throttled or backed-off job must not spin.
      const auto sendable = [&](int64_t now) {
        return token_ok_ && now >= backoff_until_ && throttle_allows(now) && lanes_.ready(now);
      };
      cv_.wait_for(lock, std::chrono::milliseconds(50), [&] {
        return stop_ || !updates_.empty() || reconcile_now_ || sendable(steady_now_ms());
      });
      if (stop_) return;
      updates.swap(updates_);
      reconcile_now = std::exchange(reconcile_now_, false);
      const int64_t now = steady_now_ms();
      if (sendable(now)) job = lanes_.take_ready(now);
    }
    for (const json& o : updates) apply_order(o);
    if (!token_ok_) {
      token_wait();
    } else if (job) {
      const bool order_call = !std::holds_alternative<QueryRequest>(job->req);
      if (order_call) order_calls_.record(steady_now_ms());
      if (!process(*job)) {
        std::lock_guard lock(mu_);
        lanes_.put_back(std::move(*job));
      }
    }
    if (trades_dirty_) fetch_trades();
    if (reconcile_now || std::exchange(reconcile_due_, false) || steady_now_ms() >= next_reconcile_)
      reconcile();
  }
}

bool KiteVenue::process(Job& job) {
  return std::visit(overloaded{
                        [&](const PlaceRequest&) { return place(job); },
                        [&](const CancelRequest&) { return cancel(job); },
                        [&](const ModifyRequest&) { return modify(job); },
                        [&](const QueryRequest&) { return query(job); },
                    },
                    job.req);
}

bool KiteVenue::transient(const KiteReply& r, Job& job) {
  const int64_t now = steady_now_ms();
  if (r.token_error()) {
    token_ok_ = false;
    next_probe_ = now;
    if (hooks_.status) hooks_.status("venue_token", true, r.message);
    return false;
  }
  RequestLanes::back_off(job, now, p_.backoff_max);
  return false;
}

std::optional<json> KiteVenue::find_by_tag(const std::string& cid, Lookup& outcome) {
  outcome = Lookup::Deferred;
  if (!reads_allowed()) return std::nullopt;
  ++lookups_;
  const KiteReply r = call("GET", "/orders");
  outcome = r.ok() && r.data.is_array() ? Lookup::Done : Lookup::Failed;
  if (outcome != Lookup::Done) return std::nullopt;
  for (const json& o : r.data)
    if (text_field(o, "tag") == cid) return o;
  return std::nullopt;
}

// A lookup held back by the read limit waits its turn without counting as an attempt.
bool KiteVenue::retry_lookup(Lookup outcome, Job& job) {
  if (outcome == Lookup::Failed) return transient(transport_failure(), job);
  job.not_before = steady_now_ms() + 100;
  return false;
}

bool KiteVenue::place(Job& job) {
  const OrderSpec& s = std::get<PlaceRequest>(job.req).spec;
  Track& t = tracks_[s.client_order_id];
  if (t.withdrawn) return true;  // cancelled before it was placed (already reported)
  if (t.spec.client_order_id.empty()) t.spec = s;
  if (!t.order_id.empty() || job.lookup_first || t.place_attempts > 0) {
    // Seen before: the venue may hold it. Look before placing again.
    Lookup looked;
    auto found = find_by_tag(s.client_order_id, looked);
    if (looked != Lookup::Done) return retry_lookup(looked, job);
    if (found) {
      apply_order(*found);
      if (!t.acked) {
        t.acked = true;
        hooks_.emit(OrderAcked{s.client_order_id, t.order_id});
      }
      trades_dirty_ = true;
      return true;
    }
    if (t.place_attempts >= p_.max_place_attempts) {
      hooks_.emit(OrderRejected{
          s.client_order_id,
          "venue unreachable: not placed after " + std::to_string(t.place_attempts) + " attempts",
          true});
      return true;
    }
  }
  const InstrumentRow& row = rows_.at(s.symbol);
  const net::Form f = place_order_form(s, row.tradingsymbol, row.exchange);
  ++t.place_attempts;
  const KiteReply r = call("POST", "/orders/regular", f);
  if (r.ok()) {
    t.order_id = text_field(r.data, "order_id").value_or("");
    by_order_[t.order_id] = s.client_order_id;
    if (!t.acked) {
      t.acked = true;
      hooks_.emit(OrderAcked{s.client_order_id, t.order_id});
    }
    return true;
  }
  if (r.ambiguous()) {
    job.lookup_first = true;
    return transient(r, job);
  }
  if (r.retryable()) {   // not ambiguous (handled above): it never reached the venue
    --t.place_attempts;  // never reached the venue: does not count
    return transient(r, job);
  }
  hooks_.emit(OrderRejected{s.client_order_id, r.message, false, band_reject(r.message)});
  return true;
}

bool KiteVenue::cancel(Job& job) {
  const std::string& cid = std::get<CancelRequest>(job.req).client_order_id;
  Track& t = tracks_[cid];
  if (t.order_id.empty()) {
    // A placement still queued (waiting out a 429 or a backoff) is withdrawn for good: placing
    // it after the engine gave it up would leave an order working that nobody watches.
    if (withdraw_place(cid)) t.withdrawn = true;
    if (t.withdrawn && t.place_attempts == 0) {  // no attempt can have reached the venue
      hooks_.emit(OrderCancelled{cid});
      return true;
    }
    Lookup looked;
    auto found = find_by_tag(cid, looked);
    if (looked != Lookup::Done) return retry_lookup(looked, job);
    if (!found) {
      if (t.withdrawn)
        hooks_.emit(OrderCancelled{cid});
      else
        hooks_.emit(RequestRefused{cid, "unknown order"});
      return true;
    }
    apply_order(*found);
  }
  const KiteReply r = call("DELETE", "/orders/regular/" + t.order_id);
  if (r.ok()) {
    reconcile_due_ = true;  // the CANCELLED update may have been missed
    return true;
  }
  if (r.retryable()) return transient(r, job);
  hooks_.emit(RequestRefused{cid, r.message});
  return true;
}

bool KiteVenue::modify(Job& job) {
  const ModifyRequest& m = std::get<ModifyRequest>(job.req);
  Track& t = tracks_[m.client_order_id];
  if (t.order_id.empty()) {
    hooks_.emit(RequestRefused{m.client_order_id, "unknown order"});
    return true;
  }
  net::Form f{{"quantity", std::to_string(m.qty.units)}};
  if (t.spec.type == OrderType::Limit || t.spec.type == OrderType::StopLimit)
    f.add("price", format_fixed(m.limit.raw));
  if (t.spec.type == OrderType::StopLimit || t.spec.type == OrderType::StopMarket)
    f.add("trigger_price", format_fixed(m.trigger.raw));
  const KiteReply r = call("PUT", "/orders/regular/" + t.order_id, f);
  if (r.ok()) {
    t.spec.qty = m.qty;
    t.spec.limit = m.limit;
    t.spec.trigger = m.trigger;
    hooks_.emit(OrderModified{m.client_order_id, m.qty, m.limit, m.trigger});
    return true;
  }
  if (r.retryable()) return transient(r, job);
  hooks_.emit(RequestRefused{m.client_order_id, r.message});
  return true;
}

bool KiteVenue::query(Job& job) {
  const QueryRequest& q = std::get<QueryRequest>(job.req);
  Lookup looked;
  auto found = find_by_tag(q.client_order_id, looked);
  if (looked == Lookup::Failed && job.attempts >= 5) return true;  // the engine asks again
  if (looked != Lookup::Done) return retry_lookup(looked, job);
  if (!found) {
    hooks_.emit(OrderUnknown{q.client_order_id, q.seq});
    return true;
  }
  Track& t = tracks_[q.client_order_id];
  apply_order(*found);
  if (!t.acked) {
    t.acked = true;
    hooks_.emit(OrderAcked{q.client_order_id, t.order_id});
  }
  fetch_trades();
  const std::string status = found->value("status", "");
  hooks_.emit(OrderState{q.client_order_id, Qty{found->value("quantity", int64_t{0})},
                         Qty{found->value("filled_quantity", int64_t{0})},
                         status == "OPEN" || status == "TRIGGER PENDING", q.seq});
  return true;
}

// An order object (postback, order book row): acks, rejections and cancels the engine has not
// heard of; fills are taken from the trade book, which carries ids and exact prices.
void KiteVenue::apply_order(const json& o) {
  const std::optional<std::string> tag = text_field(o, "tag");
  if (!tag) return;
  const std::string& cid = *tag;
  auto it = tracks_.find(cid);
  if (it == tracks_.end()) return;  // not ours (another platform's order)
  Track& t = it->second;
  if (auto oid = text_field(o, "order_id"); t.order_id.empty() && oid) {
    t.order_id = *oid;
    by_order_[t.order_id] = cid;
  }
  t.status = text_field(o, "status").value_or(t.status);
  const int64_t filled = int_field(o, "filled_quantity").value_or(0);
  if (filled > t.filled) trades_dirty_ = true;
  if (t.status == "OPEN" || t.status == "TRIGGER PENDING" || t.status == "COMPLETE")
    if (!t.acked) {
      t.acked = true;
      hooks_.emit(OrderAcked{cid, t.order_id});
    }
  if (t.status == "REJECTED" && !t.terminal_sent) {
    t.terminal_sent = true;
    const std::string why = text_field(o, "status_message").value_or("rejected by the venue");
    hooks_.emit(OrderRejected{cid, why, false, band_reject(why)});
  }
  if (t.status == "CANCELLED" && !t.terminal_sent) {
    t.cancelled = true;
    const std::optional<int64_t> venue_filled = int_field(o, "filled_quantity");
    if (venue_filled && *venue_filled <= t.filled) {
      // Every fill it had is booked: confirm now. A hard flat sends a position's exit only once
      // its stop and target are cancelled, and a trade-book read can wait on the read limit.
      t.terminal_sent = true;
      hooks_.emit(OrderCancelled{cid});
    } else {
      trades_dirty_ = true;  // fills before the cancel go first (fetch_trades sends the cancel)
    }
  }
}

bool KiteVenue::reads_allowed() {
  const int64_t now = steady_now_ms();
  if (now < backoff_until_) return false;
  if (!reads_.allows(now)) return false;
  reads_.record(now);
  return true;
}

KiteReply KiteVenue::call(const std::string& method, const std::string& path,
                          const net::Form& form) {
  KiteReply r = rest_->call(method, path, form);
  if (r.kind == KiteReply::Kind::Transport || r.http >= 500) ++venue_errors_;
  if (r.rate_limited()) {
    ++rate_limited_;
    backoff_until_ = steady_now_ms() + 1000;  // the venue's window is one second: let it drain
  }
  return r;
}

bool KiteVenue::fetch_trades() {
  if (!reads_allowed()) return false;  // stays dirty: tried again on a later round
  const KiteReply r = call("GET", "/trades");
  if (!r.ok() || !r.data.is_array()) return false;
  trades_dirty_ = false;
  for (const json& row : r.data) {
    const std::optional<TradeRow> tr = trade_row(row);
    if (!tr) {
      // Not booked: the position check then sees the venue ahead of the engine and pauses.
      ++malformed_rows_;
      continue;
    }
    auto owner = by_order_.find(tr->order_id);
    if (owner == by_order_.end()) continue;
    Track& t = tracks_[owner->second];
    if (!t.trades.insert(tr->trade_id).second) continue;
    t.filled += tr->quantity;
    hooks_.emit(OrderFilled{owner->second, tr->trade_id, Qty{tr->quantity}, tr->average_price});
  }
  for (auto& [cid, t] : tracks_)
    if (t.cancelled && !t.terminal_sent) {
      t.terminal_sent = true;
      hooks_.emit(OrderCancelled{cid});
    }
  return true;
}

// Postbacks can be lost (a dropped ticker): the order book is the truth, read every few seconds.
void KiteVenue::reconcile() {
  if (!reads_allowed()) {
    reconcile_due_ = true;
    return;
  }
  next_reconcile_ = steady_now_ms() + p_.reconcile_every.count();
  const KiteReply r = call("GET", "/orders");
  if (r.token_error()) {
    Job none;
    transient(r, none);
    return;
  }
  if (!r.ok() || !r.data.is_array()) return;
  for (const json& o : r.data) apply_order(o);
  // Positions only against a trade book just read: a position ahead of our fills is a race.
  if (fetch_trades()) fetch_positions();
  fetch_bands();
}

void KiteVenue::fetch_bands() {
  // Kite limits quotes apart from the book reads, to 1/s: a 429 there would back every call
  // off for a second, exits included. At most one quote per 1.5 s whatever the rounds' timing,
  // outside the book reads' budget, which cancels and fills wait on.
  const int64_t now = steady_now_ms();
  if (!hooks_.bands || rows_.empty() || now < backoff_until_ || now < next_quote_) return;
  next_quote_ = now + 1500;
  net::Form f;
  for (const auto& [symbol, row] : rows_) f.add("i", row.key());
  const KiteReply r = call("GET", "/quote", f);
  if (!r.ok() || !r.data.is_object()) return;
  std::map<std::string, PriceBand> bands;
  for (const auto& [symbol, row] : rows_) {
    const auto it = r.data.find(row.key());
    if (it == r.data.end()) continue;  // Kite leaves out what it does not know
    const auto lower = price_field(*it, "lower_circuit_limit");
    const auto upper = price_field(*it, "upper_circuit_limit");
    if (!lower || !upper || *lower > *upper) continue;  // an index has none (Kite sends 0)
    bands[symbol] = PriceBand{*lower, *upper};
  }
  if (!bands.empty()) hooks_.bands(std::move(bands));
}

void KiteVenue::fetch_positions() {
  if (!hooks_.positions || !reads_allowed()) return;
  const KiteReply r = call("GET", "/portfolio/positions");
  if (!r.ok() || !r.data.is_object() || !r.data.contains("net") || !r.data["net"].is_array())
    return;
  std::map<std::string, int64_t> net;
  for (const json& p : r.data["net"]) {
    const auto exchange = text_field(p, "exchange"), symbol = text_field(p, "tradingsymbol");
    const auto qty = int_field(p, "quantity");
    if (!exchange || !symbol || !qty) {
      ++malformed_rows_;
      return;  // a partial picture would read as a mismatch (or hide one): skip the round
    }
    // An instrument the engine does not trade is reported under its Kite name: still a mismatch.
    const std::string kite_key = *exchange + ":" + *symbol;
    const auto it = symbol_of_key_.find(kite_key);
    const std::string& key = it != symbol_of_key_.end() ? it->second : kite_key;
    net[key] += *qty;
  }
  hooks_.positions(std::move(net));
}

void KiteVenue::token_wait() {
  const int64_t now = steady_now_ms();
  if (now < next_probe_) return;
  next_probe_ = now + p_.token_probe_every.count();
  ++token_refreshes_;
  if (hooks_.refresh_token)
    if (auto fresh = hooks_.refresh_token()) {
      std::lock_guard lock(mu_);
      token_ = *fresh;
    }
  rest_->set_access_token(access_token());
  const KiteReply probe = call("GET", "/user/profile");
  if (!probe.ok()) return;
  token_ok_ = true;
  if (hooks_.status) hooks_.status("venue_token", false, "");
  reconcile_due_ = true;
}

}  // namespace aitrapp::kite
