// The engine's risk duties: EOD tighten and hard flat, the loss caps, the venue's price
// bands, degraded mode (entries paused while a cause lasts), the automatic kill-switch triggers,
// the kill switch itself, the operator's commands, and heat.
#include "engine/engine.hpp"

namespace aitrapp {

void Engine::check_eod() {
  if (day_.empty()) return;
  if (!tightened_ && now_ >= tighten_at_) {
    tightened_ = true;
    dirty_checkpoint_ = true;
    risk_event("EOD", "TIGHTEN", "EOD tighten at " + format_hhmm(cfg_.session.tighten_minute));
    set_state(TradingState::Reducing, "EOD tighten at " + format_hhmm(cfg_.session.tighten_minute));
    for (auto& [_, g] : groups_) {
      if (g.state == BracketState::Closed || g.state == BracketState::Exiting) continue;
      if (!g.entry_id.empty()) oms_.request_cancel(oms_.at(g.entry_id));
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
          brackets_.ensure_protection(g);
        }
      }
      if (g.net.units == 0 && g.entry_filled.units == 0)
        brackets_.begin_exit(g, "EOD: entry not filled");
    }
  }
  if (!flattened_ && now_ >= flat_at_) {
    flattened_ = true;
    dirty_checkpoint_ = true;
    risk_event("EOD", "HARD_FLAT", "hard flat at " + format_hhmm(cfg_.session.flat_minute));
    for (auto& [_, g] : groups_) brackets_.begin_exit(g, "EOD hard flat");
  }
}

void Engine::check_loss_limits() {
  portfolio_.update_drawdown();
  if (risk_.state() == TradingState::HardStop) return;
  if (auto b = aitrapp::check_loss_limits(portfolio_risk(), cfg_.limits)) {
    risk_event("LIMIT", b->check, b->reason);
    kill("risk_cap", "auto", b->check + ": " + b->reason);
  }
}

// The venue's price bands: recorded on change; pre-trade risk reads them for every entry.
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

// ---------------------------------------------------------------------------------------------
// Automatic kill switch and entry pause (exits always run: docs/architecture.md).

bool Engine::set_degraded(const std::string& cause, bool on, const std::string& detail) {
  if (on == risk_.degraded(cause)) return false;  // no step when nothing changes
  begin_step();
  risk_.set_degraded(cause, on, detail, now_);
  housekeeping();
  flush();
  return true;
}

void Engine::check_triggers(Money h) {
  const size_t depth = oms_.throttle_depth(Lane::Exit) + oms_.throttle_depth(Lane::Entry);
  if (auto call =
          risk_.check_triggers(now_, h, pct_of(cfg_.limits.capital, cfg_.limits.heat_bps), depth))
    kill(call->reason, "auto", call->detail);
}

FlattenReport Engine::kill(const std::string& reason, const std::string& source,
                           const std::string& detail) {
  FlattenReport r;
  r.open_risk = heat();
  int working = 0;
  for (const Order* o : oms_.active())
    if (o->live()) {
      ++working;
      if (!o->cancel_requested && o->role != LegRole::Exit) ++r.orders_cancelled;
    }
  for (const BracketGroup* g : open_groups_)
    if (g->net.units != 0) ++r.positions_closed;
  ++stats_.kill_switch[reason];
  risk_.hard_stop(reason, now_);
  if (kill_unflat_since_ < 0) kill_unflat_since_ = now_;
  risk_event("KILL", reason, detail + " [" + source + "]");
  persist(KillSwitchRecord{now_, reason, source, detail, r.open_risk, r.positions_closed, working,
                           cfg_.config_sha});
  log("warn", "kill_switch", [&] {
    return LogFields{{"reason", reason},
                     {"source", source},
                     {"detail", detail},
                     {"open_risk", to_string(r.open_risk)},
                     {"positions", std::to_string(r.positions_closed)},
                     {"working_orders", std::to_string(working)}};
  });
  for (auto& [_, g] : groups_) brackets_.begin_exit(g, "flatten: " + reason);
  return r;
}

// ---------------------------------------------------------------------------------------------
// Operator commands.

void Engine::pause(const std::string& reason) {
  begin_step();
  risk_.pause(reason, now_);
  housekeeping();
  flush();
}

Result<void> Engine::resume(const std::string& reason) {
  begin_step();
  Result<void> resumed;
  if (auto b = aitrapp::check_loss_limits(portfolio_risk(), cfg_.limits))
    // The cap holds for the rest of the day.
    resumed = Error{"cannot resume: " + b->reason, ErrorCode::Refused};
  else
    set_state(tightened_ ? TradingState::Reducing : TradingState::Active,
              "operator resume: " + reason);
  housekeeping();
  flush();
  return resumed;
}

FlattenReport Engine::flatten(const std::string& reason, const std::string& source) {
  begin_step();
  const FlattenReport r = kill(reason, source, source + " flatten");
  housekeeping();
  flush();
  return r;
}

// ---------------------------------------------------------------------------------------------
// Heat.

Money Engine::group_risk(const BracketGroup& g) const {
  if (g.state == BracketState::Closed) return Money{};
  const Instrument& in = inst(g.symbol);
  Money r{};
  if (g.net.units > 0) r += bracket_risk(in, g.avg_entry(), g.stop, g.net);
  if (!g.entry_id.empty()) {
    const Order& e = oms_.at(g.entry_id);
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

}  // namespace aitrapp
