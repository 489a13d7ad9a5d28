// The kernel of the engine: construction, the step (begin, housekeeping, commit, send), the
// dispatch of market data, venue answers and timers, and signal -> decision. The other jobs of
// the class live beside it: engine_orders.cpp (creating orders and what their changes mean for
// the bracket; the orders themselves are the OrderManager's), engine_brackets.cpp (fills, and
// the port of the bracket algorithm in bracket_executor.cpp), engine_risk.cpp (EOD, loss
// limits, degraded mode, triggers, the kill switch and operator commands), engine_state.cpp (day
// start, recovery, indexes, invariants).
#include "engine/engine.hpp"

#include <stdexcept>

#include "core/ids.hpp"

namespace aitrapp {
namespace {

constexpr size_t kRecentEvents = 200;  // signals and risk events kept for the operator's views

}  // namespace

Engine::Engine(EngineConfig cfg, Store& store, VenuePort& venue, const Clock& clock, LogSink& log,
               std::unique_ptr<Strategy> strategy)
    : cfg_(std::move(cfg)),
      cal_(cfg_.timezone, cfg_.session),
      store_(store),
      venue_(venue),
      clock_(clock),
      log_(log),
      risk_(cfg_.kill_switch, recorder_),
      strategy_(std::move(strategy)),
      oms_(cfg_.oms, order_events_, log, stats_) {
  if (!strategy_) throw std::invalid_argument("Engine: no strategy");
}

// ---------------------------------------------------------------------------------------------
// Step plumbing: every handler is begin_step -> state changes -> housekeeping -> flush.

void Engine::begin_step() {
  now_ = clock_.now();
  oms_.set_now(now_);
}

void Engine::housekeeping() {
  risk_.set_degraded("store_outage", store_.degraded(), "the system of record is unreachable",
                     now_);
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
  oms_.release(to_send_);
}

void Engine::flush() {
  // Every committed step carries the checkpoint, so a restart resumes exactly after it.
  if (dirty_checkpoint_ || !batch_.empty()) checkpoint();
  if (!batch_.empty()) {
    batch_.trading_day = day_;
    try {
      store_.write(batch_);  // durable before anything below leaves the process
    } catch (const std::exception& e) {
      throw StoreWriteError(e.what());
    }
    batch_.writes.clear();
  }
  for (const auto& r : to_send_) venue_.send(r);
  to_send_.clear();
}

void Engine::checkpoint() {
  dirty_checkpoint_ = false;
  persist(CheckpointRecord{day_, now_, to_string(risk_.state()), portfolio_.peak(), signal_seq_,
                           decisions_today_, tightened_, flattened_, risk_.stop_reason(),
                           market_events_});
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
  log("warn", "risk_event", [&] {
    return LogFields{{"kind", kind},
                     {"check", check},
                     {"reason", reason},
                     {"symbol", symbol},
                     {"plan_id", plan_id}};
  });
}

const Instrument& Engine::inst(const std::string& symbol) const {
  auto it = cfg_.instruments.find(symbol);
  if (it == cfg_.instruments.end()) throw std::runtime_error("unknown instrument '" + symbol + "'");
  return it->second;
}

// ---------------------------------------------------------------------------------------------
// Dispatch: market data, venue answers, timers.

void Engine::warm_up(const Bar& bar) {
  auto it = cfg_.instruments.find(bar.symbol);
  if (it != cfg_.instruments.end() && it->second.tradable)
    (void)strategy_->on_bar(bar);
  else
    strategy_->on_context_bar(bar);
}

void Engine::on_tick(const Tick& t) {
  begin_step();
  ++market_events_;
  Quote& q = quotes_[t.symbol];
  q.last = t.last;
  q.bid = t.bid;
  q.ask = t.ask;
  q.valid = true;
  const bool blown = t.last.raw > 0 && mul_div(t.ask.raw - t.bid.raw, 10'000, t.last.raw) >
                                           cfg_.kill_switch.spread_blowout_bps;
  if (risk_.observe_spread(t.symbol, blown, now_)) {  // a new episode
    ++stats_.spread_blowouts;
    risk_event("MARKET", "SPREAD_BLOWOUT",
               "spread " + to_string(t.ask - t.bid) + " at " + to_string(t.last), t.symbol);
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
  ++market_events_;
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
      recent_signals_.emplace_back().signal = *sig;
      if (recent_signals_.size() > kRecentEvents) recent_signals_.pop_front();
      signals.push_back(*sig);
    }
  }
  if (!signals.empty() && cal_.phase(now_) == SessionPhase::Open) {
    decide(signals);
  } else {
    for (const Signal& s : signals)
      if (RankedSignal* r = recent_signal(s.seq)) r->outcome = "outside_session";
  }
  dirty_checkpoint_ = true;
  housekeeping();
  flush();
}

void Engine::on_venue_event(const VenueEvent& ev) {
  begin_step();
  oms_.apply(ev);
  housekeeping();
  flush();
}

void Engine::on_venue_events(const std::vector<VenueEvent>& evs) {
  begin_step();
  for (const VenueEvent& ev : evs) oms_.apply(ev);
  housekeeping();
  flush();
}

void Engine::on_timer() {
  begin_step();
  housekeeping();
  flush();
}

// ---------------------------------------------------------------------------------------------
// Signal -> decision.

bool Engine::symbol_busy(const std::string& symbol) const {
  for (const BracketGroup* g : open_groups_)
    if (g->symbol == symbol) return true;
  return false;
}

RankedSignal* Engine::recent_signal(int64_t seq) {
  for (auto it = recent_signals_.rbegin(); it != recent_signals_.rend(); ++it)
    if (it->signal.seq == seq) return &*it;
  return nullptr;
}

void Engine::decide(std::vector<Signal>& signals) {
  // Every signal leaves with an outcome; the ones ranked out are marked first.
  auto mark = [&](const Signal& s, const char* outcome, std::string detail = {},
                  const std::string& plan_id = {}) {
    if (RankedSignal* r = recent_signal(s.seq)) {
      r->outcome = outcome;
      r->detail = std::move(detail);
      r->plan_id = plan_id;
    }
  };
  std::vector<Signal> free;
  for (const auto& s : signals) {
    if (!symbol_busy(s.symbol))
      free.push_back(s);
    else
      mark(s, "symbol_busy");
  }
  const std::vector<size_t> ranked = rank_signals(free, cfg_.ranker);
  for (const Signal& s : free)
    mark(s, s.score < cfg_.ranker.min_score ? "below_min_score" : "not_chosen");
  for (size_t idx : ranked) {
    const Signal& s = free[idx];
    const std::string plan_id = make_plan_id(day_, s.strategy, s.symbol, s.time, s.side);
    auto block = [&](const std::string& check, const std::string& reason) {
      risk_event("BLOCK", check, reason, s.symbol, plan_id);
      mark(s, "blocked", check + ": " + reason, plan_id);
    };
    if (plan_ids_.count(plan_id)) {  // a replayed plan never creates a second order
      ++stats_.duplicate_plans_skipped;
      mark(s, "duplicate_plan", {}, plan_id);
      continue;
    }
    const Instrument& in = inst(s.symbol);
    const Quote& q = quotes_[s.symbol];
    if (!q.valid) {
      mark(s, "no_quote", {}, plan_id);
      continue;
    }
    auto br = quantize_bracket(in, s.side, {s.entry, s.stop, s.target}, q.last);
    if (!br) {
      block("QUANTIZE", br.error());
      continue;
    }
    const Qty qty = size_for_risk(in, br->entry, br->stop, cfg_.limits);
    if (qty.units == 0) {
      block("PER_TRADE_RISK", "one lot risks more than the per-trade cap");
      continue;
    }
    const auto band = venue_bands_.find(s.symbol);
    TradeProposal p{&in,        s.side, qty,   br->entry, br->stop,
                    br->target, q.last, q.bid, q.ask,     q.bar_volume};
    if (band != venue_bands_.end()) p.venue_band = band->second;
    if (auto refused = check_pre_trade(p, portfolio_risk(), cfg_.limits, risk_.state())) {
      block(refused->check, refused->reason);
      continue;
    }
    plan_ids_.insert(plan_id);
    mark(s, "decided", {}, plan_id);
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
    log("info", "decision", [&] {
      return LogFields{{"plan_id", plan_id},
                       {"symbol", s.symbol},
                       {"side", std::string(to_string(s.side))},
                       {"qty", std::to_string(qty.units)},
                       {"entry", to_string(br->entry)},
                       {"stop", to_string(br->stop)},
                       {"target", to_string(br->target)}};
    });
  }
}

}  // namespace aitrapp
