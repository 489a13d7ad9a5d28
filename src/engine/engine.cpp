#include "engine/engine.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/ids.hpp"

#include "core/overloaded.hpp"

namespace aitrapp {
namespace {

constexpr size_t kRecentEvents = 200;  // signals and risk events kept for the operator's views

std::string day_string(int yyyymmdd) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", yyyymmdd / 10000, yyyymmdd / 100 % 100,
                yyyymmdd % 100);
  return buf;
}
Lane lane_of(LegRole r) {
  return is_exit_role(r) ? Lane::Exit : Lane::Entry;
}
int role_index(LegRole r) {
  return static_cast<int>(r);
}
}  // namespace

Engine::Engine(EngineConfig cfg, Store& store, VenuePort& venue, const Clock& clock, LogSink& log,
               std::unique_ptr<Strategy> strategy)
    : cfg_(std::move(cfg)),
      cal_(cfg_.timezone, cfg_.session),
      store_(store),
      venue_(venue),
      clock_(clock),
      log_(log),
      strategy_(strategy ? std::move(strategy) : std::make_unique<BreakoutStrategy>(cfg_.strategy)),
      throttle_(cfg_.oms.orders_per_second, cfg_.oms.orders_per_minute),
      triggers_(cfg_.kill_switch) {
  // Every label the counters can take exists from the start, so rate() sees the first event.
  for (const char* t : {"ack_timeout", "cancel", "modify_query", "unconfirmed_query",
                        "entry_attempt", "place_unknown"})
    stats_.retries[t] = 0;
  for (const char* c :
       {"DAILY_LOSS_STOP", "FREEZE_BAND", "LOT_TICK", "MAX_DECISIONS", "MAX_DRAWDOWN",
        "MAX_POSITIONS", "NOT_TRADABLE", "PER_TRADE_RISK", "PORTFOLIO_HEAT", "SPREAD_ILLIQUID",
        "TRADING_STATE", "QUANTIZE", "REPRICE_RISK"})
    stats_.risk_blocks[c] = 0;
  for (const char* c : {"throttle_backlog", "store_outage", "leader_lease"})
    stats_.auto_pauses[c] = 0;
}

// ---------------------------------------------------------------------------------------------
// Step plumbing: every handler is begin_step -> state changes -> housekeeping -> flush.

void Engine::begin_step() {
  now_ = clock_.now();
}

void Engine::log(const char* level, const std::string& event, LogFields f) {
  log_.log(now_, level, event, f);
}

void Engine::housekeeping() {
  apply_degraded("store_outage", store_.degraded(), "the system of record is unreachable");
  const Money h = heat();  // one O(brackets) pass per step, shared by the trigger and the peak
  if (h > stats_.max_heat) stats_.max_heat = h;
  check_triggers(h);
  check_timeouts();
  check_eod();
  if (kill_unflat_since_ >= 0 && is_flat()) {
    persist(KillSwitchFlatRecord{kill_unflat_since_, now_});
    kill_unflat_since_ = -1;
  }
  sample_risk(h);
  for (auto& r : throttle_.release(now_)) {
    auto it = orders_.find(request_client_id(r));
    if (it != orders_.end()) left_throttle(it->second);
    if (auto* place = std::get_if<PlaceRequest>(&r)) {
      if (it == orders_.end()) continue;
      Order& o = it->second;
      if (o.status != OrderStatus::Pending) continue;  // answered meanwhile (e.g. by a query)
      if (o.cancel_requested) {  // cancelled while queued: it never reaches the venue
        settle_cancelled(o, "cancelled before send");
        continue;
      }
      place->spec = o.spec;  // the queued copy may predate a resize
      set_status(o, OrderStatus::Sent);
      o.sent = now_;
      if (++o.send_count == 1) ++stats_.orders_placed;
      save(o);
    }
    to_send_.push_back(std::move(r));
  }
}

void Engine::flush() {
  // Every committed step carries the checkpoint, so a restart resumes exactly after it.
  if (dirty_checkpoint_ || !batch_.empty()) checkpoint();
  if (!batch_.empty()) {
    batch_.trading_day = day_;
    store_.write(batch_);  // durable before anything below leaves the process
    batch_.writes.clear();
  }
  for (const auto& r : to_send_) venue_.send(r);
  to_send_.clear();
}

void Engine::checkpoint() {
  dirty_checkpoint_ = false;
  persist(CheckpointRecord{day_, now_, to_string(sm_.state()), portfolio_.peak(), signal_seq_,
                           decisions_today_, tightened_, flattened_, stop_reason_});
}

// The risk timeline: one row per minute, rewritten while the minute lasts, only when what it
// shows changed (a flat, quiet book writes nothing).
void Engine::sample_risk(Money heat) {
  const TimeMs minute = now_ - now_ % kMinuteMs;
  const Money pnl = portfolio_.day_pnl();
  const Money drawdown = portfolio_.peak() - pnl;
  const Money cap = pct_of(cfg_.limits.capital, cfg_.limits.heat_bps);
  const auto quiet = [](Money h, Money p, Money d) {
    return h.raw == 0 && p.raw == 0 && d.raw == 0;
  };
  if (sample_.trading_day != day_ || sample_.minute != minute) {
    const bool was_quiet =
        sample_.trading_day != day_ || quiet(sample_.heat, sample_.day_pnl, sample_.drawdown);
    if (was_quiet && quiet(heat, pnl, drawdown)) return;
    sample_ = RiskSampleRecord{day_, minute, heat, cap, pnl, drawdown};
  } else {
    if (heat <= sample_.heat && pnl == sample_.day_pnl && drawdown == sample_.drawdown) return;
    sample_.heat = std::max(sample_.heat, heat);
    sample_.heat_cap = cap;
    sample_.day_pnl = pnl;
    sample_.drawdown = drawdown;
  }
  persist(sample_);
}

void Engine::risk_event(const std::string& kind, const std::string& check,
                        const std::string& reason, const std::string& symbol,
                        const std::string& plan_id) {
  ++stats_.risk_events;
  if (kind == "BLOCK") ++stats_.risk_blocks[check];
  RiskEventRecord rec{now_, day_, kind, check, reason, symbol, plan_id, cfg_.config_sha};
  recent_risk_.push_back(rec);
  if (recent_risk_.size() > kRecentEvents) recent_risk_.pop_front();
  persist(std::move(rec));
  log("warn", "risk_event",
      {{"kind", kind},
       {"check", check},
       {"reason", reason},
       {"symbol", symbol},
       {"plan_id", plan_id}});
}

void Engine::set_state(TradingState to, const std::string& reason) {
  const TradingState from = sm_.state();
  if (auto tr = sm_.transition(to, reason, now_)) {
    risk_event("STATE", to_string(to), reason + " (from " + to_string(from) + ")");
    if (to != TradingState::Paused && to != TradingState::HardStop) stop_reason_.clear();
    dirty_checkpoint_ = true;
  }
}

const Instrument& Engine::inst(const std::string& symbol) const {
  auto it = cfg_.instruments.find(symbol);
  if (it == cfg_.instruments.end()) throw std::runtime_error("unknown instrument '" + symbol + "'");
  return it->second;
}

// ---------------------------------------------------------------------------------------------
// Day lifecycle and recovery.

void Engine::start_day(int yyyymmdd) {
  forget_closed_days();
  day_ = day_string(yyyymmdd);
  tighten_at_ = cal_.tighten_at(yyyymmdd);
  flat_at_ = cal_.flat_at(yyyymmdd);
  tightened_ = flattened_ = false;
  decisions_today_ = 0;
  venue_bands_.clear();  // an exchange sets its bands per session
  // EOD reducing ends with its session (a market open around the clock starts a new day on the
  // same engine), and so does a hard stop on the day's loss caps; an operator pause or another
  // hard stop outlives the day until the operator lifts it.
  const bool day_stop = sm_.state() == TradingState::HardStop && stop_reason_ == "risk_cap";
  if (sm_.state() == TradingState::Reducing || day_stop) {
    begin_step();
    set_state(TradingState::Active,
              day_stop ? "the day's loss stop ends with its day; trading day " + day_ + " opens"
                       : "trading day " + day_ + " opens");
    if (!degraded_.empty()) set_state(TradingState::SoftPause, "still degraded at the day's open");
    housekeeping();
    flush();
  }
}

void Engine::recover(const RecoveredState& st) {
  begin_step();
  if (st.checkpoint) {
    if (auto s = trading_state_from_string(st.checkpoint->state)) sm_.restore(*s);
    portfolio_.restore_peak(st.checkpoint->peak);
    signal_seq_ = st.checkpoint->signal_seq;
    decisions_today_ = st.checkpoint->decisions;
    tightened_ = st.checkpoint->tightened;
    flattened_ = st.checkpoint->flattened;
    stop_reason_ = st.checkpoint->stop_reason;
    kill_unflat_since_ = st.kill_unflat_since;
  } else if (st.previous_day) {
    carry_stop(*st.previous_day);
  }
  for (const auto& o : st.orders) orders_[o.id()] = o;
  for (const auto& g : st.groups) groups_[g.plan_id] = g;
  for (auto& [_, o] : orders_) index_order(o);
  for (auto& [_, g] : groups_) {
    index_group(g);
    if (g.state == BracketState::Closed && g.entry_filled.units > 0) ++stats_.trades_closed;
  }
  for (const auto& p : st.positions) {
    portfolio_.restore(p);
    // Held overnight: the new day's row, written with this step's checkpoint.
    if (!st.checkpoint) persist(p);
  }
  fill_ids_ = st.fill_ids;
  plan_ids_ = st.plan_ids;
  stats_.decisions = static_cast<int64_t>(plan_ids_.size());
  int open_positions = portfolio_.open_positions();
  int live = 0;
  for (auto& [id, o] : orders_) {
    if (!o.live()) continue;
    ++live;
    o.modify_in_flight = false;
    o.request_sent = now_;
    // Ask the venue what it knows; an order it never saw is re-sent with the same id.
    query(o);
    if (o.status == OrderStatus::Sent || o.status == OrderStatus::Working) o.sent = now_;
  }
  log("info", "recovery",
      {{"message", "Recovering " + std::to_string(open_positions) + " open positions"},
       {"open_positions", std::to_string(open_positions)},
       {"live_orders", std::to_string(live)},
       {"state", to_string(sm_.state())}});
  housekeeping();
  flush();
}

// A new day on a fresh engine: an operator's pause or hard stop of the previous day holds until
// the operator lifts it; a hard stop on that day's loss caps ended with it.
void Engine::carry_stop(const CheckpointRecord& prev) {
  const auto s = trading_state_from_string(prev.state);
  if (!s || (*s != TradingState::Paused && *s != TradingState::HardStop)) return;
  if (*s == TradingState::HardStop && prev.stop_reason == "risk_cap") {
    risk_event("STATE", to_string(TradingState::Active),
               "the loss stop of " + prev.trading_day + " ended with its day");
    return;
  }
  set_state(*s, "carried from " + prev.trading_day + " (" +
                    (prev.stop_reason.empty() ? "unknown" : prev.stop_reason) +
                    "): the operator lifts it");
  stop_reason_ = prev.stop_reason;
}

void Engine::warm_up(const Bar& bar) {
  auto it = cfg_.instruments.find(bar.symbol);
  if (it != cfg_.instruments.end() && it->second.tradable)
    (void)strategy_->on_bar(bar);
  else
    strategy_->on_context_bar(bar);
}

// ---------------------------------------------------------------------------------------------
// Market data.

void Engine::on_tick(const Tick& t) {
  begin_step();
  Quote& q = quotes_[t.symbol];
  q.last = t.last;
  q.bid = t.bid;
  q.ask = t.ask;
  q.valid = true;
  const bool blown = t.last.raw > 0 && mul_div(t.ask.raw - t.bid.raw, 10'000, t.last.raw) >
                                           cfg_.kill_switch.spread_blowout_bps;
  if (blown && blown_out_.insert(t.symbol).second) {  // counted once per episode
    ++stats_.spread_blowouts;
    triggers_.on_market_quality_event(now_);
    risk_event("MARKET", "SPREAD_BLOWOUT",
               "spread " + to_string(t.ask - t.bid) + " at " + to_string(t.last), t.symbol);
  } else if (!blown) {
    blown_out_.erase(t.symbol);
  }
  portfolio_.mark(t.symbol, t.last);
  for (BracketGroup* g : open_groups_) {
    if (g->symbol != t.symbol || g->net.units == 0) continue;
    Price mae = g->mae, mfe = g->mfe;
    update_excursions(g->side, g->avg_entry(), t.last, mae, mfe);
    if (mae != g->mae || mfe != g->mfe) {
      g->mae = mae;
      g->mfe = mfe;
      save(*g);
    }
  }
  check_loss_limits();
  housekeeping();
  flush();
}

void Engine::on_bars_closed(const std::vector<Bar>& bars) {
  begin_step();
  std::vector<Signal> signals;
  for (const Bar& bar : bars) {
    const Instrument& in = inst(bar.symbol);
    quotes_[bar.symbol].bar_volume = bar.volume_raw / kScale;
    if (!in.tradable) {
      strategy_->on_context_bar(bar);
      continue;
    }
    if (auto sig = strategy_->on_bar(bar)) {
      sig->seq = ++signal_seq_;
      ++stats_.signals;
      persist(SignalRecord{*sig, cfg_.config_sha});
      recent_signals_.push_back(*sig);
      if (recent_signals_.size() > kRecentEvents) recent_signals_.pop_front();
      signals.push_back(*sig);
    }
  }
  if (!signals.empty() && cal_.phase(now_) == SessionPhase::Open) decide(signals);
  dirty_checkpoint_ = true;
  housekeeping();
  flush();
}

bool Engine::symbol_busy(const std::string& symbol) const {
  for (const BracketGroup* g : open_groups_)
    if (g->symbol == symbol) return true;
  return false;
}

void Engine::decide(std::vector<Signal>& signals) {
  std::vector<Signal> free;
  for (const auto& s : signals)
    if (!symbol_busy(s.symbol)) free.push_back(s);
  for (size_t idx : rank_signals(free, cfg_.ranker)) {
    const Signal& s = free[idx];
    const std::string plan_id = make_plan_id(day_, s.strategy, s.symbol, s.time, s.side);
    if (plan_ids_.count(plan_id)) {  // a replayed plan never creates a second order
      ++stats_.duplicate_plans_skipped;
      continue;
    }
    const Instrument& in = inst(s.symbol);
    const Quote& q = quotes_[s.symbol];
    if (!q.valid) continue;
    auto br = quantize_bracket(in, s.side, {s.entry, s.stop, s.target}, q.last);
    if (!br) {
      risk_event("BLOCK", "QUANTIZE", br.error(), s.symbol, plan_id);
      continue;
    }
    const Qty qty = size_for_risk(in, br->entry, br->stop, cfg_.limits);
    if (qty.units == 0) {
      risk_event("BLOCK", "PER_TRADE_RISK", "one lot risks more than the per-trade cap", s.symbol,
                 plan_id);
      continue;
    }
    const auto band = venue_bands_.find(s.symbol);
    TradeProposal p{&in,        s.side, qty,   br->entry, br->stop,
                    br->target, q.last, q.bid, q.ask,     q.bar_volume};
    if (band != venue_bands_.end()) p.venue_band = band->second;
    if (auto block = check_pre_trade(p, portfolio_risk(), cfg_.limits, sm_.state())) {
      risk_event("BLOCK", block->check, block->reason, s.symbol, plan_id);
      continue;
    }
    plan_ids_.insert(plan_id);
    BracketGroup g;
    g.plan_id = plan_id;
    g.strategy = s.strategy;
    g.symbol = s.symbol;
    g.side = s.side;
    g.planned_qty = qty;
    g.entry = br->entry;
    g.stop = br->stop;
    g.target = br->target;
    g.config_sha = cfg_.config_sha;
    BracketGroup& ref = groups_[plan_id] = g;
    index_group(ref);
    ++decisions_today_;
    ++stats_.decisions;
    persist(DecisionRecord{plan_id, signal_id(s), s.strategy, s.symbol, s.side, now_, qty,
                           br->entry, br->stop, br->target, s.score,
                           bracket_risk(in, br->entry, br->stop, qty), cfg_.config_sha});
    Order& e = new_order(ref, LegRole::Entry, OrderType::Limit, s.side, qty, br->entry, Price{});
    ref.entry_id = e.id();
    save(ref);
    log("info", "decision",
        {{"plan_id", plan_id},
         {"symbol", s.symbol},
         {"side", std::string(to_string(s.side))},
         {"qty", std::to_string(qty.units)},
         {"entry", to_string(br->entry)},
         {"stop", to_string(br->stop)},
         {"target", to_string(br->target)}});
  }
}

// ---------------------------------------------------------------------------------------------
// Orders and brackets.

Order& Engine::new_order(BracketGroup& g, LegRole role, OrderType type, Side side, Qty qty,
                         Price limit, Price trigger) {
  const int attempt = g.attempts[role_index(role)]++;
  Order o;
  o.spec = OrderSpec{
      make_client_order_id(g.plan_id, role, attempt), g.symbol, side, type, qty, limit, trigger};
  if (orders_.count(o.id())) throw std::logic_error("client_order_id reused: " + o.id());
  o.plan_id = g.plan_id;
  o.role = role;
  o.attempt = attempt;
  o.parent_id = role == LegRole::Entry ? std::string() : g.entry_id;
  o.created = o.updated = now_;
  o.config_sha = cfg_.config_sha;
  Order& ref = orders_[o.id()] = o;
  index_order(ref);
  ++stats_.orders;
  save(ref);
  enqueue(ref, PlaceRequest{ref.spec, lane_of(role)});
  return ref;
}

void Engine::enqueue(Order& o, VenueRequest r) {
  if (o.queued++ == 0) o.queued_at = now_;
  throttle_.push(std::move(r));
}

void Engine::left_throttle(Order& o) {
  if (o.queued == 0 || --o.queued > 0) return;
  // Stamped while it waited: the deadlines run from now, when the venue can first see it.
  for (TimeMs* t : {&o.sent, &o.request_sent, &o.query_sent})
    if (*t >= o.queued_at) *t = now_;
}

void Engine::query(Order& o) {
  o.query_pending = true;
  o.query_sent = now_;
  o.query_seq = ++query_seq_;
  enqueue(o, QueryRequest{o.id(), o.query_seq, Lane::Exit});
}

void Engine::request_cancel(Order& o) {
  if (!o.live() || o.cancel_requested) return;
  o.cancel_requested = true;
  o.updated = o.request_sent = now_;
  save(o);
  if (o.status != OrderStatus::Pending) enqueue(o, CancelRequest{o.id()});
}

// One modification at a time; it is settled only by its echo or by a query answer.
void Engine::send_modify(Order& o, Qty qty, Price limit, Price trigger) {
  o.modify_in_flight = true;
  o.request_sent = now_;
  o.modify = ModifyRequest{o.id(), qty, limit, trigger, lane_of(o.role)};
  save(o);
  enqueue(o, o.modify);
}

void Engine::ensure_protection(BracketGroup& g) {
  if (g.state != BracketState::Entering && g.state != BracketState::Open) return;
  if (g.net.units <= 0) return;
  sync_child(g, LegRole::StopLoss);
  if (g.state == BracketState::Entering || g.state == BracketState::Open)
    sync_child(g, LegRole::TakeProfit);
}

void Engine::sync_child(BracketGroup& g, LegRole role) {
  std::string& id = role == LegRole::StopLoss ? g.sl_id : g.tp_id;
  Order* child = id.empty() ? nullptr : &orders_.at(id);
  if (!child || !child->live()) {
    if (g.attempts[role_index(role)] > cfg_.oms.max_retries) {
      risk_event("ORDER", "PROTECTION_FAILED",
                 std::string("cannot place ") + std::string(to_string(role)) + " child", g.symbol,
                 g.plan_id);
      begin_exit(g, "protection failed");
      return;
    }
    const bool sl = role == LegRole::StopLoss;
    Order& c = new_order(g, role, sl ? OrderType::StopMarket : OrderType::Limit, opposite(g.side),
                         g.net, sl ? Price{} : g.target, sl ? g.stop : Price{});
    id = c.id();
    save(g);
    return;
  }
  if (child->cancel_requested || child->modify_in_flight) return;
  const Qty desired = child->filled + g.net;
  const Price trigger = role == LegRole::StopLoss ? g.stop : child->spec.trigger;
  if (child->spec.qty == desired && child->spec.trigger == trigger) return;
  if (child->status == OrderStatus::Pending) {  // not sent yet: the release sends the new size
    child->spec.qty = desired;
    child->spec.trigger = trigger;
    save(*child);
    return;
  }
  send_modify(*child, desired, child->spec.limit, trigger);
}

void Engine::begin_exit(BracketGroup& g, const std::string& reason) {
  if (g.state == BracketState::Closed) return;
  if (g.state != BracketState::Exiting) {
    g.state = BracketState::Exiting;
    log("info", "bracket_exit",
        {{"plan_id", g.plan_id}, {"reason", reason}, {"net", std::to_string(g.net.units)}});
  }
  for (const std::string* id : {&g.entry_id, &g.sl_id, &g.tp_id})
    if (!id->empty()) request_cancel(orders_.at(*id));
  save(g);
  try_exit(g);
}

void Engine::try_exit(BracketGroup& g) {
  if (g.state != BracketState::Exiting) return;
  if (g.net.units == 0) {
    maybe_close(g);
    return;
  }
  // Wait until nothing else of the bracket can still trade, so the exit cannot overfill.
  if (may_trade(g)) return;
  const Side side = g.net.units > 0 ? opposite(g.side) : g.side;
  Order& x = new_order(g, LegRole::Exit, OrderType::Market, side, Qty{std::llabs(g.net.units)},
                       Price{}, Price{});
  g.exit_id = x.id();
  save(g);
}

// True while an order of the bracket is live, or closed only by the engine's own decision and
// not yet confirmed by the venue: either could still fill.
bool Engine::may_trade(const BracketGroup& g) const {
  for (const Order* o : plans_.at(g.plan_id).orders)
    if (o->active()) return true;
  return false;
}

void Engine::maybe_close(BracketGroup& g) {
  if (g.state == BracketState::Closed || g.net.units != 0) return;
  if (g.state != BracketState::Exiting || may_trade(g)) return;
  g.state = BracketState::Closed;
  g.closed = now_;
  open_groups_.erase(&g);
  if (g.entry_filled.units > 0) {
    ++stats_.trades_closed;
    log("info", "trade_closed",
        {{"plan_id", g.plan_id},
         {"symbol", g.symbol},
         {"realized", to_string(g.realized)},
         {"mae", to_string(g.mae)},
         {"mfe", to_string(g.mfe)}});
  }
  save(g);
}

bool Engine::set_status(Order& o, OrderStatus to) {
  if (!transition_allowed(o.status, to)) {
    risk_event("ORDER", "ILLEGAL_TRANSITION",
               o.id() + ": " + to_string(o.status) + " -> " + to_string(to) + " refused",
               o.spec.symbol, o.plan_id);
    return false;
  }
  o.status = to;
  o.updated = now_;
  return true;
}

void Engine::on_fill(Order& o, const OrderFilled& f) {
  BracketGroup& g = groups_.at(o.plan_id);
  const Instrument& in = inst(o.spec.symbol);
  if (g.state == BracketState::Closed) {
    // The stream delivered this fill after the order's cancel: whatever it opened is closed again.
    risk_event("ORDER", "LATE_FILL", "fill " + f.fill_id + " after " + o.id() + " was closed",
               g.symbol, g.plan_id);
    g.state = BracketState::Exiting;
    open_groups_.insert(&g);
    if (g.entry_filled.units > 0) --stats_.trades_closed;
  }
  o.filled += f.qty;
  o.filled_notional += Money::from_raw(f.price.raw * f.qty.units);
  // With a modify outstanding the venue's size is unknown: its echo or a query decides.
  if (o.filled >= o.spec.qty && !o.modify_in_flight)
    set_status(o, OrderStatus::Filled);
  else if (o.live())
    set_status(o, OrderStatus::Working);  // a fill implies the ack; a terminal order stays so
  o.updated = now_;
  save(o);
  ++stats_.fills;
  persist(Fill{f.fill_id, o.id(), o.plan_id, o.spec.symbol, o.spec.side, o.role, f.qty, f.price,
               now_, cfg_.config_sha});
  portfolio_.apply_fill(o.spec.symbol, in.units_per_whole, o.spec.side, f.qty, f.price);
  persist(portfolio_.positions().at(o.spec.symbol));

  // Cash flow of the bracket: it equals its realized P&L once the bracket is flat.
  const Money cash = notional(f.price, f.qty, in.units_per_whole);
  g.realized += o.spec.side == Side::Sell ? cash : -cash;
  if (o.spec.side == g.side) {
    g.net += f.qty;
    if (o.role == LegRole::Entry) {
      g.entry_filled += f.qty;
      g.entry_notional += Money::from_raw(f.price.raw * f.qty.units);
      if (g.opened == 0) g.opened = now_;
      if (g.state == BracketState::Entering) g.state = BracketState::Open;
    }
  } else {
    g.net -= f.qty;
    g.exit_filled += f.qty;
    g.exit_notional += Money::from_raw(f.price.raw * f.qty.units);
  }
  save(g);

  if (g.net.units < 0 && o.spec.side != g.side)
    risk_event("ORDER", "OVERFILL", "exit fills exceed the position; closing the excess", g.symbol,
               g.plan_id);
  if (g.state == BracketState::Exiting) {
    try_exit(g);
  } else if (g.net.units < 0) {
    begin_exit(g, "overfill");
  } else if (o.role == LegRole::Entry) {
    ensure_protection(g);  // children for the filled quantity, exactly once per fill id
  } else if (g.net.units == 0) {
    begin_exit(g,
               std::string(to_string(o.role)) + " filled");  // cancels sibling and entry remainder
  } else {
    ensure_protection(g);  // resize the sibling to what is left
  }
  maybe_close(g);
}

void Engine::on_order_terminal(Order& o) {
  BracketGroup& g = groups_.at(o.plan_id);
  if (g.state == BracketState::Exiting || g.state == BracketState::Closed) {
    try_exit(g);
  } else if (o.role == LegRole::Entry) {
    if (g.entry_filled.units == 0) begin_exit(g, "entry not filled");
  } else if (g.net.units > 0) {
    ensure_protection(g);  // a child died without filling: protect again
  }
  maybe_close(g);
}

void Engine::handle_reject(Order& o, const std::string& reason, bool retryable) {
  set_status(o, OrderStatus::Rejected);
  o.reason = reason;
  save(o);
  risk_event("ORDER", "REJECT", o.id() + ": " + reason, o.spec.symbol, o.plan_id);
  BracketGroup& g = groups_.at(o.plan_id);
  if (retryable && o.role == LegRole::Entry && g.state == BracketState::Entering &&
      g.entry_filled.units == 0 && g.attempts[role_index(LegRole::Entry)] <= cfg_.oms.max_retries &&
      sm_.entries_allowed()) {
    ++stats_.retries["entry_attempt"];
    Order& e = new_order(g, LegRole::Entry, o.spec.type, o.spec.side, o.spec.qty, o.spec.limit,
                         o.spec.trigger);
    g.entry_id = e.id();
    save(g);
    return;
  }
  on_order_terminal(o);
}

void Engine::settle_cancelled(Order& o, std::string reason) {
  set_status(o, OrderStatus::Cancelled);
  o.reason = std::move(reason);
  save(o);
  on_order_terminal(o);
}

void Engine::reconcile_unconfirmed(Order& o, const VenueEvent::Body& body) {
  const auto* state = std::get_if<OrderState>(&body);
  const auto* unknown = std::get_if<OrderUnknown>(&body);
  const bool alive = std::holds_alternative<OrderAcked>(body) ||
                     std::holds_alternative<OrderFilled>(body) || (state && state->open);
  // Gone for good: cancelled, rejected, a closed state, or "unknown" in answer to the current
  // query.
  const bool gone = std::holds_alternative<OrderCancelled>(body) ||
                    std::holds_alternative<OrderRejected>(body) || (state && !state->open) ||
                    (unknown && unknown->seq == o.query_seq);
  if (alive) {
    risk_event("ORDER", "ZOMBIE_ORDER",
               o.id() + " is alive at the venue after the engine closed it", o.spec.symbol,
               o.plan_id);
    o.request_sent = now_;
    enqueue(o, CancelRequest{o.id()});
  } else if (gone) {
    o.unconfirmed = false;  // the venue does not hold it (any more)
    save(o);
    on_order_terminal(o);  // the bracket may have been waiting for exactly this
  }
}

void Engine::on_venue_event(const VenueEvent& ev) {
  begin_step();
  apply_venue_event(ev);
  housekeeping();
  flush();
}

void Engine::on_venue_events(const std::vector<VenueEvent>& evs) {
  begin_step();
  for (const VenueEvent& ev : evs) apply_venue_event(ev);
  housekeeping();
  flush();
}

void Engine::apply_venue_event(const VenueEvent& ev) {
  auto it = orders_.find(event_client_id(ev));
  if (it == orders_.end()) {
    log("warn", "venue_event_unknown_order", {{"client_order_id", event_client_id(ev)}});
    return;
  }
  Order& o = it->second;
  if (o.unconfirmed) reconcile_unconfirmed(o, ev.body);
  std::visit(
      overloaded{
          [&](const OrderAcked& a) {
            if (o.status == OrderStatus::Pending || o.status == OrderStatus::Sent) {
              if (o.status == OrderStatus::Sent) {
                stats_.ack_latency_ms.observe(now_ - o.sent);
                triggers_.on_ack(now_, now_ - o.sent);
              }
              set_status(o, OrderStatus::Working);
              o.venue_order_id = a.venue_order_id;
              o.acked = now_;
              save(o);
            }
          },
          [&](const OrderRejected& r) {
            if (!o.live()) return;
            if (r.price_band) {
              ++stats_.band_rejects;
              triggers_.on_market_quality_event(now_);
            }
            handle_reject(o, r.reason, r.retryable);
          },
          [&](const OrderFilled& f) {
            // Fills are the venue's truth: applied whatever we believed, but once per id.
            if (!fill_ids_.insert(f.fill_id).second) {
              ++stats_.duplicate_fills_ignored;
              return;
            }
            plans_[o.plan_id].fill_ids.push_back(f.fill_id);
            on_fill(o, f);
          },
          [&](const OrderCancelled&) {
            if (!o.live()) return;
            set_status(o, OrderStatus::Cancelled);
            save(o);
            on_order_terminal(o);
          },
          [&](const OrderModified& m) {
            // Only the echo of the modification in flight confirms it; anything else is a stale
            // or replayed update and must not resize the order.
            const ModifyRequest& want = o.modify;
            if (!o.modify_in_flight || m.qty != want.qty || m.limit != want.limit ||
                m.trigger != want.trigger) {
              log("warn", "stale_modify_ignored", {{"client_order_id", o.id()}});
              return;
            }
            o.modify_in_flight = false;
            o.refusals = 0;
            if (o.live()) {
              o.spec.qty = m.qty;
              o.spec.limit = m.limit;
              o.spec.trigger = m.trigger;
            }
            o.updated = now_;
            if (o.live() && o.filled >= o.spec.qty) {  // shrunk onto what had already filled
              set_status(o, OrderStatus::Filled);
              save(o);
              on_order_terminal(o);
              return;
            }
            save(o);
            ensure_protection(groups_.at(o.plan_id));
          },
          [&](const RequestRefused& r) {
            log("warn", "request_refused", {{"client_order_id", o.id()}, {"reason", r.reason}});
            // A refused cancel means the venue sees the order differently: ask what it sees.
            if (o.cancel_requested && o.live()) query(o);
            if (!o.modify_in_flight || !o.live()) return;
            // The refusal may be stale: the order's state decides. A child refused too often is
            // replaced outright.
            if (++o.refusals > cfg_.oms.max_retries && o.role != LegRole::Entry) request_cancel(o);
            if (!o.query_pending) query(o);
          },
          [&](const OrderState& st) {
            // A state that disagrees with the fills applied is in flight or stale: not final.
            if (!o.live() || o.filled != st.filled) return;
            if (st.open && (!o.query_pending || st.seq != o.query_seq))
              return;  // stale; closed is final
            o.query_pending = false;
            o.updated = now_;
            if (st.open) {
              // A modify sent at or after the query may not be reflected in this answer.
              if (o.modify_in_flight && o.request_sent >= o.query_sent) return;
              o.modify_in_flight = false;
              o.spec.qty = st.qty;
              set_status(o, OrderStatus::Working);
              save(o);
              ensure_protection(groups_.at(o.plan_id));
              return;
            }
            o.modify_in_flight = false;
            o.spec.qty = st.qty;
            set_status(o, o.filled >= st.qty ? OrderStatus::Filled : OrderStatus::Cancelled);
            save(o);
            on_order_terminal(o);
          },
          [&](const OrderUnknown& u) {
            // Only the answer to the query in flight counts.
            if (!o.live() || !o.query_pending || u.seq != o.query_seq) return;
            o.query_pending = false;
            if (o.status == OrderStatus::Working) {
              // Acknowledged once, unknown now (a venue restarted without its book, or state
              // recovered against another venue session): nothing there can fill, and sending it
              // again could double it. Settle it as gone and let the bracket re-protect or exit.
              risk_event("ORDER", "VENUE_LOST_ORDER",
                         o.id() +
                             " was acknowledged but the venue no longer knows it; settled "
                             "as cancelled",
                         o.spec.symbol, o.plan_id);
              o.modify_in_flight = false;
              return settle_cancelled(o, "unknown at the venue after its acknowledgement");
            }
            if (o.cancel_requested) {
              o.unconfirmed = true;
              o.request_sent = now_;
              return settle_cancelled(o, "cancelled before reaching the venue");
            }
            set_status(o, OrderStatus::Pending);
            save(o);
            ++stats_.retries["place_unknown"];
            enqueue(o, PlaceRequest{o.spec, lane_of(o.role)});
          },
      },
      ev.body);
}

// ---------------------------------------------------------------------------------------------
// Timers: ack timeouts, entry timeouts, EOD, loss limits.

void Engine::on_timer() {
  begin_step();
  housekeeping();
  flush();
}

// The deadlines an order waits on, in the order check_timeouts acts on them. check_timeouts and
// next_wakeup both read them here, so a deadline the engine asks to be woken for is always one it
// acts on (a disagreement would wake it at the same instant forever).
template <class Visit>
void Engine::for_each_deadline(const Order& o, Visit&& visit) const {
  const TimeMs ack = cfg_.oms.ack_timeout_ms;
  // A request still in the throttle has no answer to wait for: repeating it would only lengthen
  // the queue (a flatten at 10 orders/s once sent each cancel three times over).
  if (o.queued == 0) {
    if (o.status == OrderStatus::Sent && visit(Deadline::Ack, o.sent + ack)) return;
    if (o.unconfirmed && visit(Deadline::Unconfirmed, o.request_sent + ack)) return;
    if (o.live() && o.status != OrderStatus::Pending &&
        (o.cancel_requested || o.modify_in_flight) &&
        visit(Deadline::Request, o.request_sent + ack))
      return;
  }
  if (o.role != LegRole::Entry || o.status != OrderStatus::Working || o.cancel_requested) return;
  const TimeMs entry = cfg_.oms.entry_timeout_ms;
  if (!groups_.at(o.plan_id).repriced && !o.modify_in_flight)
    visit(Deadline::EntryReprice, o.created + entry);
  else
    visit(Deadline::EntryCancel, o.created + 2 * entry);
}

void Engine::check_timeouts() {
  for (auto it = active_orders_.begin(); it != active_orders_.end();) {
    Order& o = **it;
    if (!o.active()) {  // settled for good: no deadline any more
      it = active_orders_.erase(it);
      continue;
    }
    ++it;  // the handlers below may add orders to the set, never remove them
    const std::string& id = o.id();
    Deadline due = Deadline::None;
    for_each_deadline(o, [&](Deadline kind, TimeMs at) {
      if (at > now_) return false;
      due = kind;
      return true;
    });
    switch (due) {
      case Deadline::None:
        break;
      case Deadline::Ack:
        if (o.send_count > cfg_.oms.max_retries) {
          o.unconfirmed = true;
          o.request_sent = now_;
          handle_reject(o, "ACK_TIMEOUT", false);
          enqueue(o, CancelRequest{id});  // in case it did arrive
          break;
        }
        ++stats_.retries["ack_timeout"];
        o.sent = now_;
        ++o.send_count;
        query(o);
        break;
      case Deadline::Unconfirmed:
        ++stats_.retries["unconfirmed_query"];
        o.request_sent = now_;
        query(o);
        break;
      case Deadline::Request:
        // An unanswered cancel is sent again (cancels are idempotent); an unanswered modify is
        // resolved by asking the venue for the order's state, never by guessing.
        ++stats_.retries[o.cancel_requested ? "cancel" : "modify_query"];
        o.request_sent = now_;
        if (o.cancel_requested)
          enqueue(o, CancelRequest{id});
        else
          query(o);
        break;
      case Deadline::EntryReprice: {
        BracketGroup& g = groups_.at(o.plan_id);
        g.repriced = true;
        save(g);
        if (!reprice_remainder(o, g) && now_ - o.created >= 2 * cfg_.oms.entry_timeout_ms)
          request_cancel(o);
        break;
      }
      case Deadline::EntryCancel:
        request_cancel(o);
        break;
    }
  }
}

// Moves a resting entry's remainder to the touch, shrunk to what the per-trade and heat caps
// still allow after the filled part. False when no lot fits or the price is not acceptable.
bool Engine::reprice_remainder(Order& o, BracketGroup& g) {
  if (!cfg_.oms.reprice_entries) return false;
  const Quote& q = quotes_[o.spec.symbol];
  const Instrument& in = inst(o.spec.symbol);
  const bool buy = o.spec.side == Side::Buy;
  const Price px = buy ? q.ask : q.bid;
  if (!q.valid || px == o.spec.limit || !is_on_tick(px, in.tick) ||
      !within_band(px, q.last, in.band_bps) || !(buy ? g.stop < px : g.stop > px))
    return false;
  const Money filled_risk = bracket_risk(in, g.avg_entry(), g.stop, g.net);
  const Money per_trade_left =
      pct_of(cfg_.limits.capital, cfg_.limits.per_trade_risk_bps) - filled_risk;
  const Money heat_left =
      pct_of(cfg_.limits.capital, cfg_.limits.heat_bps) - (heat() - group_risk(g)) - filled_risk;
  const Money budget = std::min(per_trade_left, heat_left);
  const Money per_lot = bracket_risk(in, px, g.stop, in.lot);
  const int64_t lots = per_lot.raw > 0 && budget.raw > 0 ? budget.raw / per_lot.raw : 0;
  const Qty open{std::min(o.open_qty().units, lots * in.lot.units)};
  if (open.units == 0) {
    risk_event("BLOCK", "REPRICE_RISK",
               "no lot of " + o.id() + " fits the caps at " + to_string(px), o.spec.symbol,
               o.plan_id);
    return false;
  }
  send_modify(o, o.filled + open, px, o.spec.trigger);
  return true;
}

void Engine::check_eod() {
  if (day_.empty()) return;
  if (!tightened_ && now_ >= tighten_at_) {
    tightened_ = true;
    dirty_checkpoint_ = true;
    risk_event("EOD", "TIGHTEN", "EOD tighten at " + format_hhmm(cfg_.session.tighten_minute));
    set_state(TradingState::Reducing, "EOD tighten at " + format_hhmm(cfg_.session.tighten_minute));
    for (auto& [_, g] : groups_) {
      if (g.state == BracketState::Closed || g.state == BracketState::Exiting) continue;
      if (!g.entry_id.empty()) request_cancel(orders_.at(g.entry_id));
      const Quote& q = quotes_[g.symbol];
      if (g.net.units > 0 && q.valid) {
        const Instrument& in = inst(g.symbol);
        const Price dist = Price::from_raw(mul_div(q.last.raw, cfg_.eod.tighten_bps, 10'000));
        const bool buy = g.side == Side::Buy;
        const Price cand = round_to_tick(buy ? q.last - dist : q.last + dist, in.tick,
                                         buy ? Rounding::Up : Rounding::Down);
        if (buy ? (cand > g.stop && cand < q.last) : (cand < g.stop && cand > q.last)) {
          g.stop = cand;
          save(g);
          ensure_protection(g);
        }
      }
      if (g.net.units == 0 && g.entry_filled.units == 0) begin_exit(g, "EOD: entry not filled");
    }
  }
  if (!flattened_ && now_ >= flat_at_) {
    flattened_ = true;
    dirty_checkpoint_ = true;
    risk_event("EOD", "HARD_FLAT", "hard flat at " + format_hhmm(cfg_.session.flat_minute));
    for (auto& [_, g] : groups_) begin_exit(g, "EOD hard flat");
  }
}

void Engine::check_loss_limits() {
  portfolio_.update_drawdown();
  if (sm_.state() == TradingState::HardStop) return;
  if (auto b = aitrapp::check_loss_limits(portfolio_risk(), cfg_.limits)) {
    risk_event("LIMIT", b->check, b->reason);
    kill("risk_cap", "auto", b->check + ": " + b->reason);
  }
}

// Automatic kill switch and entry pause (exits always run: docs/architecture.md).
bool Engine::set_price_bands(const std::map<std::string, PriceBand>& bands) {
  std::vector<std::pair<std::string, PriceBand>> changed;
  for (const auto& [symbol, band] : bands) {
    if (!cfg_.instruments.count(symbol)) continue;  // the venue's view of what we do not trade
    auto it = venue_bands_.find(symbol);
    if (it == venue_bands_.end() || !(it->second == band)) changed.emplace_back(symbol, band);
  }
  if (changed.empty()) return false;
  begin_step();
  for (const auto& [symbol, band] : changed) {
    auto it = venue_bands_.find(symbol);
    const std::string was = it == venue_bands_.end() ? "first report"
                                                     : "were " + to_string(it->second.lower) +
                                                           " - " + to_string(it->second.upper);
    risk_event("VENUE", "CIRCUIT_LIMITS",
               symbol + " circuit limits " + to_string(band.lower) + " - " + to_string(band.upper) +
                   " (" + was + ")",
               symbol);
    venue_bands_[symbol] = band;
  }
  housekeeping();
  flush();
  return true;
}

bool Engine::set_degraded(const std::string& cause, bool on, const std::string& detail) {
  if (on == (degraded_.count(cause) > 0)) return false;  // no step when nothing changes
  begin_step();
  apply_degraded(cause, on, detail);
  housekeeping();
  flush();
  return true;
}

void Engine::apply_degraded(const std::string& cause, bool on, const std::string& detail) {
  if (on == (degraded_.count(cause) > 0)) return;
  if (on) {
    degraded_.insert(cause);
    ++stats_.auto_pauses[cause];
    risk_event("LIMIT", "DEGRADED", cause + (detail.empty() ? "" : ": " + detail));
    if (sm_.state() == TradingState::Active)
      set_state(TradingState::SoftPause, cause + ": entries paused, exits continue");
    return;
  }
  degraded_.erase(cause);
  risk_event("LIMIT", "RECOVERED", cause);
  if (degraded_.empty() && !triggers_.backlog_active() && sm_.state() == TradingState::SoftPause)
    set_state(TradingState::Active, cause + " cleared");
}

void Engine::check_triggers(Money h) {
  const size_t depth = throttle_.depth(Lane::Exit) + throttle_.depth(Lane::Entry);
  const auto fired = triggers_.evaluate(now_, depth);
  const bool stopped = sm_.state() == TradingState::HardStop;
  const Money cap = pct_of(cfg_.limits.capital, cfg_.limits.heat_bps);
  if (!stopped && h > cap) {
    risk_event("LIMIT", "PORTFOLIO_HEAT", "heat " + to_string(h) + " above cap " + to_string(cap));
    kill("risk_cap", "auto", "heat " + to_string(h) + " above cap " + to_string(cap));
    return;
  }
  if (!fired) {
    if (sm_.state() == TradingState::SoftPause && !triggers_.backlog_active() && degraded_.empty())
      set_state(TradingState::Active, "throttle backlog cleared");
    return;
  }
  const KillTriggerParams& p = triggers_.params();
  switch (*fired) {
    case Trigger::Latency:
      if (!stopped)
        kill("latency", "auto",
             "order-ack p95 " + std::to_string(triggers_.ack_p95(now_)) + " ms above " +
                 std::to_string(p.ack_p95_limit_ms) + " ms for " +
                 std::to_string(p.ack_breach_for_ms / 1000) + " s");
      break;
    case Trigger::MarketQuality:
      if (!stopped)
        kill("market_quality", "auto",
             "more than " + std::to_string(p.market_quality_max) +
                 " spread blowouts or band rejections within " +
                 std::to_string(p.market_quality_window_ms / 1000) + " s");
      break;
    case Trigger::ThrottleBacklog:
      ++stats_.auto_pauses["throttle_backlog"];
      risk_event("LIMIT", "THROTTLE_BACKLOG",
                 "order queue of " + std::to_string(depth) + " still growing after " +
                     std::to_string(p.throttle_rising_for_ms / 1000) + " s");
      if (sm_.state() == TradingState::Active)
        set_state(TradingState::SoftPause, "throttle backlog: entries paused, exits continue");
      break;
  }
}

FlattenReport Engine::kill(const std::string& reason, const std::string& source,
                           const std::string& detail) {
  FlattenReport r;
  r.open_risk = heat();
  int working = 0;
  for (const Order* o : active_orders_)
    if (o->live()) {
      ++working;
      if (!o->cancel_requested && o->role != LegRole::Exit) ++r.orders_cancelled;
    }
  for (const BracketGroup* g : open_groups_)
    if (g->net.units != 0) ++r.positions_closed;
  ++stats_.kill_switch[reason];
  set_state(TradingState::HardStop, "kill switch (" + reason + ")");
  stop_reason_ = reason;
  if (kill_unflat_since_ < 0) kill_unflat_since_ = now_;
  risk_event("KILL", reason, detail + " [" + source + "]");
  persist(KillSwitchRecord{now_, reason, source, detail, r.open_risk, r.positions_closed, working,
                           cfg_.config_sha});
  log("warn", "kill_switch",
      {{"reason", reason},
       {"source", source},
       {"detail", detail},
       {"open_risk", to_string(r.open_risk)},
       {"positions", std::to_string(r.positions_closed)},
       {"working_orders", std::to_string(working)}});
  for (auto& [_, g] : groups_) begin_exit(g, "flatten: " + reason);
  return r;
}

// ---------------------------------------------------------------------------------------------
// Operator commands.

void Engine::pause(const std::string& reason) {
  begin_step();
  set_state(TradingState::Paused, "operator pause: " + reason);
  if (sm_.state() == TradingState::Paused) stop_reason_ = "operator";
  housekeeping();
  flush();
}

std::optional<std::string> Engine::resume(const std::string& reason) {
  begin_step();
  std::optional<std::string> refused;
  if (auto b = aitrapp::check_loss_limits(portfolio_risk(), cfg_.limits))
    refused = "cannot resume: " + b->reason;  // the cap holds for the rest of the day
  else
    set_state(tightened_ ? TradingState::Reducing : TradingState::Active,
              "operator resume: " + reason);
  housekeeping();
  flush();
  return refused;
}

FlattenReport Engine::flatten(const std::string& reason, const std::string& source) {
  begin_step();
  const FlattenReport r = kill(reason, source, source + " flatten");
  housekeeping();
  flush();
  return r;
}

bool Engine::is_flat() const {
  if (!open_groups_.empty()) return false;
  for (const Order* o : active_orders_)
    if (o->active()) return false;
  return portfolio_.open_positions() == 0;
}

bool Engine::is_orphan(const BracketGroup& g, const Order& child) const {
  return child.live() && !child.cancel_requested && g.net.units <= 0;
}

int Engine::orphan_children() const {
  int n = 0;
  for (const auto& [_, g] : groups_)
    for (const std::string* id : {&g.sl_id, &g.tp_id})
      if (!id->empty() && is_orphan(g, orders_.at(*id))) ++n;
  return n;
}

TimeMs Engine::next_wakeup() const {
  TimeMs best = -1;
  auto consider = [&](TimeMs t) {
    if (t >= 0 && (best < 0 || t < best)) best = t;
  };
  consider(throttle_.next_release(now_));
  for (const Order* o : active_orders_)
    for_each_deadline(*o, [&](Deadline, TimeMs at) {
      consider(at);
      return false;
    });
  if (!day_.empty() && !tightened_) consider(tighten_at_);
  if (!day_.empty() && !flattened_) consider(flat_at_);
  if (best >= 0 && best < now_) best = now_;
  return best;
}

// ---------------------------------------------------------------------------------------------
// Indexes.

void Engine::index_order(Order& o) {
  plans_[o.plan_id].orders.push_back(&o);
  if (o.active()) active_orders_.insert(&o);
}

void Engine::index_group(BracketGroup& g) {
  plans_[g.plan_id].group = &g;
  if (g.state != BracketState::Closed) open_groups_.insert(&g);
  mark_risk(g.plan_id);
}

void Engine::mark_risk(const std::string& plan_id) {
  auto it = plans_.find(plan_id);
  if (it == plans_.end() || !it->second.group || it->second.risk_stale) return;
  it->second.risk_stale = true;
  risk_stale_.push_back(&it->second);
}

// A new day keeps only what is still open. Settled brackets of earlier days are in the store;
// keeping them in memory would make every later step and the resident size grow with each day.
void Engine::forget_closed_days() {
  heat();  // settles the cached risks, which point into the plans about to go
  for (auto it = active_orders_.begin(); it != active_orders_.end();)
    it = (*it)->active() ? std::next(it) : active_orders_.erase(it);
  for (auto it = plans_.begin(); it != plans_.end();) {
    const PlanIndex& p = it->second;
    const bool settled =
        (!p.group || p.group->state == BracketState::Closed) &&
        std::none_of(p.orders.begin(), p.orders.end(), [](const Order* o) { return o->active(); });
    if (!settled) {
      ++it;
      continue;
    }
    for (const Order* o : p.orders) orders_.erase(orders_.find(o->id()));
    for (const std::string& f : p.fill_ids) fill_ids_.erase(f);
    plan_ids_.erase(it->first);
    if (p.group) groups_.erase(groups_.find(it->first));
    it = plans_.erase(it);
  }
}

// ---------------------------------------------------------------------------------------------
// Views.

Money Engine::group_risk(const BracketGroup& g) const {
  if (g.state == BracketState::Closed) return Money{};
  const Instrument& in = inst(g.symbol);
  Money r{};
  if (g.net.units > 0) r += bracket_risk(in, g.avg_entry(), g.stop, g.net);
  if (!g.entry_id.empty()) {
    const Order& e = orders_.at(g.entry_id);
    if (e.live() && !e.cancel_requested) r += bracket_risk(in, g.entry, g.stop, e.open_qty());
  }
  return r;
}

Money Engine::heat() const {
  for (PlanIndex* p : risk_stale_) {
    const Money r = group_risk(*p->group);
    heat_ += r - p->risk;
    p->risk = r;
    p->risk_stale = false;
  }
  risk_stale_.clear();
  return heat_;
}

PortfolioRisk Engine::portfolio_risk() const {
  PortfolioRisk r;
  r.open_risk = heat();
  r.day_pnl = portfolio_.day_pnl();
  r.drawdown = portfolio_.peak() - portfolio_.day_pnl();
  if (r.drawdown.raw < 0) r.drawdown = Money{};
  r.open_positions = static_cast<int>(open_groups_.size());
  r.decisions_today = decisions_today_;
  return r;
}

size_t Engine::live_orders() const {
  size_t n = 0;
  for (const Order* o : active_orders_)
    if (o->live()) ++n;
  return n;
}

std::vector<std::string> Engine::invariant_violations() const {
  std::vector<std::string> v;
  Money full{};
  for (const auto& [_, g] : groups_) full += group_risk(g);
  if (const Money cached = heat(); cached != full)
    v.push_back("cached heat " + to_string(cached) + " differs from the brackets' risk " +
                to_string(full));
  for (const auto& [_, g] : groups_)
    if ((g.state != BracketState::Closed) !=
        (open_groups_.count(const_cast<BracketGroup*>(&g)) > 0))
      v.push_back(g.plan_id + ": open-bracket index out of date");
  for (const auto& [id, o] : orders_) {
    if (id != o.id()) v.push_back("order keyed " + id + " has id " + o.id());
    if (!is_valid_kite_tag(id)) v.push_back("client_order_id not a valid Kite tag: " + id);
  }
  for (const auto& [pid, g] : groups_) {
    auto live = [&](const std::string& id) -> const Order* {
      if (id.empty()) return nullptr;
      const Order& o = orders_.at(id);
      return o.live() ? &o : nullptr;
    };
    for (const std::string* id : {&g.sl_id, &g.tp_id}) {
      const Order* c = live(*id);
      if (!c || c->cancel_requested) continue;
      if (is_orphan(g, *c))
        v.push_back(pid + ": open child " + c->id() + " without a position");
      else if (!c->modify_in_flight && c->open_qty() > g.net)
        v.push_back(pid + ": child " + c->id() + " larger than the position");
    }
    if (g.net.units != 0) {
      if (g.state == BracketState::Open || g.state == BracketState::Entering) {
        const Order* sl = live(g.sl_id);
        // A stop being cancel-replaced still protects until the venue confirms the cancel; the
        // replacement is placed in the same step as that confirmation.
        if (g.net.units < 0)
          v.push_back(pid + ": short of its own bracket outside an exit");
        else if (!sl)
          v.push_back(pid + ": position without a stop-loss");
        else if (!sl->modify_in_flight && !sl->cancel_requested && sl->open_qty() != g.net)
          v.push_back(pid + ": stop-loss does not cover the position");
      } else if (g.state == BracketState::Exiting) {
        bool progressing = live(g.exit_id) != nullptr;
        for (const auto& [id, o] : orders_)
          if (o.plan_id == pid)
            progressing = progressing || o.unconfirmed || (o.live() && o.cancel_requested);
        if (!progressing) v.push_back(pid + ": exiting with no exit or cancel in flight");
      } else {
        v.push_back(pid + ": closed with a position");
      }
    }
    if (g.state == BracketState::Closed)
      for (const std::string* id : {&g.entry_id, &g.sl_id, &g.tp_id, &g.exit_id})
        if (live(*id)) v.push_back(pid + ": closed with a live order " + *id);
  }
  return v;
}

}  // namespace aitrapp
