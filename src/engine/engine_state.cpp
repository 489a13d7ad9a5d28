// The engine's state across restarts and days: starting a day, recovering from the store,
// the indexes that keep a step proportional to what is open, and the invariants.
#include <algorithm>
#include <cstdio>

#include "core/ids.hpp"
#include "engine/engine.hpp"

namespace aitrapp {
namespace {

std::string day_string(int yyyymmdd) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", yyyymmdd / 10000, yyyymmdd / 100 % 100,
                yyyymmdd % 100);
  return buf;
}

}  // namespace

void Engine::start_day(int yyyymmdd) {
  const bool same_engine = !day_.empty();  // a market open around the clock: no restart between
  forget_closed_days();
  day_ = day_string(yyyymmdd);
  tighten_at_ = cal_.tighten_at(yyyymmdd);
  flat_at_ = cal_.flat_at(yyyymmdd);
  tightened_ = flattened_ = false;
  decisions_today_ = 0;
  market_events_ = 0;
  venue_bands_.clear();  // an exchange sets its bands per session
  // On the same engine the day begins as it does on a fresh one recovering the previous day
  // (Engine::recover): its P&L from zero, positions held overnight written as its rows.
  if (same_engine) portfolio_.start_day();
  if (!same_engine && !risk_.ends_with_the_day()) return;
  begin_step();
  // EOD reducing ends with its session, and so does a hard stop on the day's loss caps; an
  // operator pause or another hard stop outlives the day until the operator lifts it.
  if (risk_.ends_with_the_day()) risk_.open_day(day_, now_);
  if (same_engine)
    for (const auto& [_, p] : portfolio_.positions())
      if (p.qty.units != 0) persist(p);
  housekeeping();
  flush();
}

void Engine::recover(const RecoveredState& st) {
  begin_step();
  if (st.checkpoint) {
    risk_.restore(trading_state_from_string(st.checkpoint->state).value_or(risk_.state()),
                  st.checkpoint->stop_reason);
    portfolio_.restore_peak(st.checkpoint->peak);
    signal_seq_ = st.checkpoint->signal_seq;
    market_events_ = std::max<int64_t>(st.checkpoint->market_events, 0);
    decisions_today_ = st.checkpoint->decisions;
    tightened_ = st.checkpoint->tightened;
    flattened_ = st.checkpoint->flattened;
    kill_unflat_since_ = st.kill_unflat_since;
  } else if (st.previous_day) {
    // A new day on a fresh engine: the previous day's stop carries over by the same rule.
    if (auto s = trading_state_from_string(st.previous_day->state))
      risk_.carry(*s, st.previous_day->stop_reason, st.previous_day->trading_day, now_);
  }
  // Every live order is queried: an order the venue never saw is re-sent with the same id.
  const int live = oms_.restore(st.orders, st.fill_ids);
  for (const auto& g : st.groups) groups_[g.plan_id] = g;
  for (const auto& [_, o] : oms_.all()) plans_[o.plan_id].orders.push_back(&o);
  for (auto& [_, g] : groups_) {
    index_group(g);
    if (g.state == BracketState::Closed && g.entry_filled.units > 0) ++stats_.trades_closed;
  }
  for (const auto& p : st.positions) {
    portfolio_.restore(p);
    // Held overnight: the new day's row, written with this step's checkpoint.
    if (!st.checkpoint) persist(p);
  }
  plan_ids_ = st.plan_ids;
  stats_.decisions = static_cast<int64_t>(plan_ids_.size());
  int open_positions = portfolio_.open_positions();
  log("info", "recovery", [&] {
    return LogFields{
        {"message", "Recovering " + std::to_string(open_positions) + " open positions"},
        {"open_positions", std::to_string(open_positions)},
        {"live_orders", std::to_string(live)},
        {"state", to_string(risk_.state())}};
  });
  housekeeping();
  flush();
}

// ---------------------------------------------------------------------------------------------
// Indexes.

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
  for (auto it = plans_.begin(); it != plans_.end();) {
    const PlanIndex& p = it->second;
    const bool settled =
        (!p.group || p.group->state == BracketState::Closed) &&
        std::none_of(p.orders.begin(), p.orders.end(), [](const Order* o) { return o->active(); });
    if (!settled) {
      ++it;
      continue;
    }
    for (const Order* o : p.orders) oms_.forget(o->id());
    for (const std::string& f : p.fill_ids) oms_.forget_fill(f);
    plan_ids_.erase(it->first);
    if (p.group) groups_.erase(groups_.find(it->first));
    it = plans_.erase(it);
  }
}

// ---------------------------------------------------------------------------------------------
// Views and invariants.

bool Engine::is_flat() const {
  if (!open_groups_.empty()) return false;
  for (const Order* o : oms_.active())
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
      if (!id->empty() && is_orphan(g, oms_.at(*id))) ++n;
  return n;
}

size_t Engine::live_orders() const {
  size_t n = 0;
  for (const Order* o : oms_.active())
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
  for (const auto& [id, o] : oms_.all()) {
    if (id != o.id()) v.push_back("order keyed " + id + " has id " + o.id());
    if (!is_valid_client_order_id(id))
      v.push_back("client_order_id is not 1-20 letters and digits: " + id);
  }
  for (const auto& [pid, g] : groups_) {
    auto live = [&](const std::string& id) -> const Order* {
      if (id.empty()) return nullptr;
      const Order& o = oms_.at(id);
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
        for (const auto& [id, o] : oms_.all())
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
