#include "app/engine_service.hpp"

#include <cstdlib>

#include "app/backends.hpp"
#include "ops/record_json.hpp"

namespace aitrapp {
namespace {

using nlohmann::json;
using Wall = std::chrono::steady_clock;

double rupees(Money m) {
  return static_cast<double>(m.raw) / static_cast<double>(kScale);
}

int64_t elapsed_ms(Wall::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Wall::now() - since).count();
}

}  // namespace

EngineService::EngineService(const AppConfig& cfg, SessionDriver& replay, const Store& store,
                             LeaderLock& lock, ops::EventRing& events, ServiceOptions opts)
    : cfg_(cfg),
      replay_(replay),
      store_(store),
      lock_(lock),
      events_(events),
      opts_(opts),
      cal_(cfg.engine.timezone, cfg.engine.session) {
  if (opts_.live_venue) mode_ = "LIVE";
  const auto now = Wall::now();
  for (const auto& feed : replay.feeds()) marketdata_seen_.emplace(feed, now);
  order_stream_seen_ = now;
  replay_.set_wake([this] {
    {
      std::lock_guard lock(mu_);
      woken_ = true;
    }
    cv_.notify_all();
  });
}

EngineService::~EngineService() {
  stop();
}

void EngineService::start() {
  publish();
  thread_ = std::thread([this] {
    std::optional<std::string> fatal;  // set when the loop ended on an error
    try {
      loop();
    } catch (const StoreWriteError& e) {
      // The store refused a step's commit (a tick's or a command's): nothing of that step was
      // sent. Trading stops, and /health says it was the store.
      store_ok_ = false;
      store_error_ = e.what();
      fatal = e.what();
      publish();
    } catch (const std::exception& e) {
      fatal = e.what();
    }
    if (fatal) {
      std::lock_guard lock(mu_);
      fatal_ = *fatal;
      stop_ = true;
    }
    // Nobody will answer what is still queued.
    std::lock_guard lock(mu_);
    for (auto& p : commands_) p->done.set_value({503, json{{"error", "engine stopped"}}});
    commands_.clear();
    for (auto& f : flattens_) f->done.set_value({503, json{{"error", "engine stopped"}}});
    flattens_.clear();
  });
}

void EngineService::stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::string EngineService::fatal_error() const {
  std::lock_guard lock(mu_);
  return fatal_;
}

std::shared_ptr<const ops::ServiceSnapshot> EngineService::snapshot() const {
  std::lock_guard lock(mu_);
  return snap_;
}

ops::CommandOutcome EngineService::execute(const ops::Command& c) {
  auto p = std::make_shared<Pending>();
  p->command = c;
  p->received = Wall::now();
  auto fut = p->done.get_future();
  {
    std::lock_guard lock(mu_);
    if (stop_) return {503, json{{"error", "engine stopped"}}};
    // A follower refuses at once: queued, the command would run when it takes over.
    // (A LAPSED lease still applies them: the kill switch must work while Redis is away.)
    if (snap_ && (snap_->leadership == to_string(Leadership::Follower) ||
                  snap_->leadership == to_string(Leadership::Lost)))
      return not_leader();
    commands_.push_back(p);
  }
  cv_.notify_all();
  const auto limit =
      c.kind == ops::Command::Kind::Flatten ? opts_.flatten_timeout : opts_.command_timeout;
  if (fut.wait_for(limit) == std::future_status::ready) return fut.get();
  std::lock_guard lock(mu_);
  if (p->state == Pending::State::Queued) {
    p->state = Pending::State::Abandoned;
    std::erase(commands_, p);
    return {504, json{{"error", "the engine did not take the command within " +
                                    std::to_string(limit.count()) +
                                    " ms; it was withdrawn and will not be executed"}}};
  }
  // Started: a flatten keeps working until flat; the state shows its progress.
  return {504, json{{"error", "the engine started the command but did not finish it within " +
                                  std::to_string(limit.count()) +
                                  " ms; it completes on its own (see GET /risk)"}}};
}

ops::CommandOutcome EngineService::not_leader() const {
  const std::string leader = snap_ ? snap_->leader_id : "";
  return {409, json{{"error", "not the leader: this instance (" + lock_.instance_id() +
                                  ") is a follower and applies no command; the leader is " +
                                  (leader.empty() ? std::string("unknown") : leader)},
                    {"leader", leader},
                    {"instance_id", lock_.instance_id()}}};
}

void EngineService::run_commands(bool leader) {
  std::deque<std::shared_ptr<Pending>> cmds;
  {
    std::lock_guard lock(mu_);
    cmds.swap(commands_);
    for (auto& p : cmds) p->state = Pending::State::Started;
  }
  if (cmds.empty()) return;
  if (!leader) {
    std::lock_guard lock(mu_);
    for (auto& p : cmds) p->done.set_value(not_leader());
    return;
  }
  sync_clock();
  for (auto& p : cmds) run_command(*p);
  publish();
}

// On a paced replay simulated time flows with the wall clock, so a command happens "now".
void EngineService::sync_clock() {
  if (opts_.speed <= 0) return;
  const double wall_ms =
      std::chrono::duration<double, std::milli>(Wall::now() - wall_anchor_).count();
  replay_.advance_to(sim_anchor_ + static_cast<TimeMs>(wall_ms * opts_.speed));
}

void EngineService::loop() {
  // A follower waits for the lock and does nothing else: only the leader trades.
  while (!lock_.try_acquire()) {
    publish();
    run_commands(false);  // a command that slipped in before the first snapshot
    std::unique_lock lock(mu_);
    if (cv_.wait_for(lock, std::chrono::seconds(1), [&] { return stop_; })) return;
  }
  check_leadership();  // fences the store before recovery writes anything
  const auto broken = replay_.start();
  if (!broken.empty()) {
    std::string all;
    for (const auto& v : broken) all += "\n  " + v;
    throw std::runtime_error("invariants broken after recovery:" + all);
  }
  recovered_ = true;
  // A day already replayed to its end in this store: said plainly instead of a silent no-op.
  nothing_to_replay_ = replay_.idle();
  recovered_positions_ = replay_.engine().portfolio().open_positions();
  recovered_orders_ = replay_.engine().live_orders();
  if (mode_ == "LIVE")
    events_.log(
        replay_.now(), "info", "mode_switched",
        {{"message", "Mode switched to LIVE"}, {"mode", "LIVE"}, {"by", "--live at start"}});
  wall_anchor_ = Wall::now();
  sim_anchor_ = replay_.now();
  publish();

  for (;;) {
    {
      std::unique_lock lock(mu_);
      if (stop_) return;
    }
    const bool leader = check_leadership();
    run_commands(leader);
    if (!leader) {
      publish();
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(100), [&] { return stop_; });
      continue;
    }
    finish_flattens();
    order_stream_seen_ = Wall::now();  // the in-process venue is serviced by this loop

    if (!replay_.idle() && opts_.speed > 0) {
      const auto due =
          wall_anchor_ +
          std::chrono::microseconds(static_cast<int64_t>(
              static_cast<double>(replay_.next_time() - sim_anchor_) * 1000.0 / opts_.speed));
      if (due > Wall::now()) {
        std::unique_lock lock(mu_);
        cv_.wait_until(lock, std::min(due, Wall::now() + std::chrono::milliseconds(250)),
                       [&] { return stop_ || !commands_.empty() || woken_; });
        woken_ = false;
        continue;
      }
    }
    if (replay_.idle()) {
      if (Wall::now() - last_publish_ >= opts_.publish_every) publish();
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(250),
                   [&] { return stop_ || !commands_.empty() || woken_; });
      woken_ = false;  // input after the close (a late answer, the next day's first tick)
      continue;
    }
    if (const Tick* t = replay_.step())
      marketdata_seen_[cfg_.engine.instruments.at(t->symbol).exchange] = Wall::now();
    if (Wall::now() - last_publish_ >= opts_.publish_every) publish();
  }
}

bool EngineService::check_leadership() {
  const Leadership l = lock_.leadership();
  if (l == Leadership::Leader) {
    lost_since_.reset();
    if (const uint64_t t = lock_.fencing_token(); t != fenced_token_) {
      fenced_token_ = t;
      if (opts_.fence) opts_.fence(t);
    }
    // Only a change runs a step, and only a step can move the engine's next wake-up.
    if (recovered_ && replay_.engine().set_degraded("leader_lease", false)) replay_.after_command();
    return true;
  }
  if (l == Leadership::Lapsed) {  // Redis away past the lease: protect, take no new risk
    lost_since_.reset();
    if (recovered_ && replay_.engine().set_degraded("leader_lease", true,
                                                    "lease lapsed while Redis is unreachable"))
      replay_.after_command();
    return true;
  }
  // Another instance leads: this one sends nothing more, and leaves after the grace period with
  // the venue-side stops in place for the new leader.
  if (!lost_since_) lost_since_ = Wall::now();
  if (Wall::now() - *lost_since_ > opts_.lost_exit_after)
    throw std::runtime_error("leadership lost for more than " +
                             std::to_string(opts_.lost_exit_after.count() / 1000) +
                             " s (another instance holds the lease); stopping");
  return false;
}

void EngineService::run_command(Pending& p) {
  Engine& e = replay_.engine();
  const ops::Command& c = p.command;
  switch (c.kind) {
    case ops::Command::Kind::Pause:
      e.pause(c.reason);
      replay_.after_command();
      p.done.set_value({200, json{{"state", to_string(e.state())}}});
      return;
    case ops::Command::Kind::Resume: {
      const auto resumed = e.resume(c.reason);
      replay_.after_command();
      if (!resumed)
        p.done.set_value({ops::http_status(resumed.code()),
                          json{{"error", resumed.error()}, {"state", to_string(e.state())}}});
      else
        p.done.set_value({200, json{{"state", to_string(e.state())}}});
      return;
    }
    case ops::Command::Kind::Flatten: {
      auto w = std::make_unique<FlattenWait>();
      w->received = p.received;
      w->reason = c.reason;
      w->report = e.flatten(c.reason, "operator");
      replay_.after_command();
      w->done = std::move(p.done);
      flattens_.push_back(std::move(w));
      finish_flattens();  // already flat: answer at once
      return;
    }
    case ops::Command::Kind::Mode:
      p.done.set_value(switch_mode(c.mode));
      return;
  }
}

ops::CommandOutcome EngineService::switch_mode(const std::string& mode) {
  if (mode == "PAPER") {
    if (opts_.live_venue)
      return {409, json{{"error",
                         "PAPER refused: this session sends orders to Kite; restart it without "
                         "--live to trade on paper"}}};
    if (mode_ != "PAPER")
      events_.log(replay_.now(), "info", "mode_switched",
                  {{"message", "Mode switched to PAPER"}, {"mode", "PAPER"}, {"by", "operator"}});
    mode_ = "PAPER";
    return {200, json{{"mode", mode_}, {"status", mode_}}};
  }
  // LIVE: the API has checked the confirmation phrase; the rest is the engine's to check.
  if (!recovered_)
    return {409, json{{"error", "LIVE refused: state not yet recovered from the store"}}};
  if (!lock_.is_leader())
    return {409, json{{"error", "LIVE refused: this instance is not the leader"}}};
  if (const auto credentials = live_credentials(); !credentials)
    return {409, json{{"error", "LIVE refused: " + credentials.error()}}};
  if (opts_.live_venue) return {200, json{{"mode", mode_}, {"status", mode_}}};
  return {409, json{{"error",
                     "LIVE refused: this session fills orders in process (PAPER); restart it "
                     "with --venue kite --live to send orders to Kite"}}};
}

void EngineService::finish_flattens() {
  if (flattens_.empty() || !replay_.engine().is_flat()) return;
  for (auto& wait : flattens_) {
    FlattenWait& w = *wait;
    const int64_t ms = elapsed_ms(w.received);
    flatten_ms_.observe(ms);
    w.done.set_value({200, json{{"duration_ms", ms},
                                {"orders_cancelled", w.report.orders_cancelled},
                                {"positions_closed", w.report.positions_closed},
                                {"open_risk_at_kill", to_string(w.report.open_risk)},
                                {"reason", w.reason},
                                {"state", to_string(replay_.engine().state())}}});
  }
  flattens_.clear();
  publish();
}

// ---------------------------------------------------------------------------------------------
// Snapshots (engine thread).

void EngineService::publish() {
  auto s = std::make_shared<ops::ServiceSnapshot>();
  s->instance_id = lock_.instance_id();
  s->leader = lock_.is_leader();
  s->leader_id = lock_.holder();
  s->leadership = to_string(lock_.leadership());
  s->fencing_token = lock_.fencing_token();
  s->store_backend = opts_.store_backend;
  s->store_health = store_.health();
  if (opts_.bus) s->bus = opts_.bus->stats();
  if (opts_.live) s->live = opts_.live->stats();
  s->mode = mode_;
  s->config_sha = cfg_.config_sha;
  s->recovered = recovered_;
  s->recovered_positions = recovered_positions_;
  s->recovered_orders = recovered_orders_;
  s->nothing_to_replay = nothing_to_replay_;
  s->store_ok = store_ok_;
  s->store_error = store_error_;
  s->marketdata_seen = marketdata_seen_;
  s->order_stream_seen = order_stream_seen_;
  s->flatten_ms = flatten_ms_;
  s->ranking = {{"strategy", cfg_.strategy.kind},
                {"min_score", cfg_.engine.ranker.min_score},
                {"max_per_instant", cfg_.engine.ranker.max_per_instant}};
  if (cfg_.strategy.kind == BreakoutStrategy::kName) {
    const ScoreWeights& w = cfg_.strategy.breakout.weights;
    s->ranking["weights"] = {{"momentum", w.momentum},
                             {"trend", w.trend},
                             {"liquidity", w.liquidity},
                             {"regime", w.regime},
                             {"reward_risk", w.reward_risk}};
  }
  const Engine& e = replay_.engine();
  const Money heat_cap = pct_of(cfg_.engine.limits.capital, cfg_.engine.limits.heat_bps);
  s->heat_cap = rupees(heat_cap);
  s->net_liquidity = rupees(cfg_.engine.limits.capital);
  if (recovered_) {
    s->trading_day = replay_.day_string();
    s->trading_state = to_string(e.state());
    s->sim_time = replay_.now();
    s->sim_time_local = cal_.local_time_string(replay_.now());
    s->session_open = cal_.phase(replay_.now()) != SessionPhase::Closed;
    s->replay_done = replay_.idle();
    s->stats = e.stats();
    s->heat = rupees(e.heat());
    s->day_pnl = rupees(e.portfolio().day_pnl());
    s->realized = rupees(e.portfolio().realized());
    s->unrealized = rupees(e.portfolio().unrealized());
    s->open_positions = e.portfolio().open_positions();
    // The configured strategy's series exists even when flat.
    s->positions_by_strategy[cfg_.strategy.kind] = 0;
    for (const auto& [_, g] : e.groups())
      if (g.state != BracketState::Closed && g.net.units != 0)
        ++s->positions_by_strategy[g.strategy];
    s->live_orders = e.live_orders();
    s->throttle_exit = e.throttle_depth(Lane::Exit);
    s->throttle_entry = e.throttle_depth(Lane::Entry);
    if (const auto link = replay_.venue_link()) {
      s->throttle_exit += link->throttle_exit;
      s->throttle_entry += link->throttle_entry;
      for (const auto& [type, n] : link->retries) s->stats.retries[type] += n;
      if (link->order_stream_seen_ms > 0)
        s->order_stream_seen =
            ops::SteadyTime(std::chrono::milliseconds(link->order_stream_seen_ms));
      s->late_ticks = link->late_ticks;
    }
    s->orphan_children = e.orphan_children();
    s->duplicate_client_ids = replay_.conflicting_places();
    s->risk = risk_json();
    s->positions = positions_json();
    s->orders = orders_json();
    s->signals = json::array();
    const auto& sig = e.recent_signals();
    for (auto it = sig.rbegin(); it != sig.rend(); ++it) {
      json j = ops::signal_json(it->signal, cal_);
      j["outcome"] = it->outcome;
      if (!it->detail.empty()) j["detail"] = it->detail;
      if (!it->plan_id.empty()) j["plan_id"] = it->plan_id;
      s->signals.push_back(std::move(j));
    }
  } else {
    s->trading_state = lock_.is_leader() ? "RECOVERING" : "FOLLOWER";
    s->risk = json::object();
    s->positions = s->orders = s->signals = json::array();
  }
  last_publish_ = Wall::now();
  std::lock_guard lock(mu_);
  snap_ = std::move(s);
}

json EngineService::risk_json() const {
  const Engine& e = replay_.engine();
  const RiskLimits& l = cfg_.engine.limits;
  const Money day_pnl = e.portfolio().day_pnl();
  const Money loss_cap = pct_of(l.capital, l.daily_loss_bps);
  const Money dd = e.portfolio().peak() - day_pnl;
  json blocks = json::array();
  const auto& risk = e.recent_risk_events();
  for (auto it = risk.rbegin(); it != risk.rend() && blocks.size() < 20; ++it) {
    if (it->kind != "BLOCK") continue;
    blocks.push_back({{"time", cal_.local_time_string(it->time)},
                      {"check", it->check},
                      {"reason", it->reason},
                      {"symbol", it->symbol},
                      {"plan_id", it->plan_id}});
  }
  auto pct = [](int64_t bps) { return static_cast<double>(bps) / 100.0; };
  return json{{"state", to_string(e.state())},
              {"entries_allowed", e.state() == TradingState::Active},
              {"caps",
               {{"capital", to_string(l.capital)},
                {"per_trade_risk_pct", pct(l.per_trade_risk_bps)},
                {"per_trade_risk", to_string(pct_of(l.capital, l.per_trade_risk_bps))},
                {"portfolio_heat_pct", pct(l.heat_bps)},
                {"portfolio_heat", to_string(pct_of(l.capital, l.heat_bps))},
                {"daily_loss_pct", pct(l.daily_loss_bps)},
                {"daily_loss", to_string(loss_cap)},
                {"max_drawdown_pct", pct(l.max_drawdown_bps)},
                {"max_drawdown", to_string(pct_of(l.capital, l.max_drawdown_bps))},
                {"max_open_positions", l.max_open_positions},
                {"max_decisions_per_day", l.max_decisions_per_day}}},
              {"heat", to_string(e.heat())},
              {"day_pnl", to_string(day_pnl)},
              {"realized", to_string(e.portfolio().realized())},
              {"unrealized", to_string(e.portfolio().unrealized())},
              {"drawdown", to_string(dd.raw > 0 ? dd : Money{})},
              {"loss_stop_distance", to_string(day_pnl + loss_cap)},
              {"kill_switch", e.stats().kill_switch},
              {"recent_blocks", blocks}};
}

json EngineService::positions_json() const {
  const Engine& e = replay_.engine();
  json out = json::array();
  for (const auto& [symbol, p] : e.portfolio().positions()) {
    if (p.qty.units == 0) continue;
    json j = {{"symbol", symbol},
              {"qty", p.qty.units},
              {"avg_price", to_string(p.avg_price)},
              {"last_price", to_string(p.last)},
              {"unrealized", to_string(p.unrealized())},
              {"realized", to_string(p.realized)},
              {"stop_loss", nullptr},
              {"take_profit", nullptr}};
    for (const auto& [_, g] : e.groups()) {
      if (g.symbol != symbol || g.state == BracketState::Closed || g.net.units == 0) continue;
      j["plan_id"] = g.plan_id;
      j["strategy"] = g.strategy;
      j["side"] = to_string(g.side);
      j["bracket_state"] = to_string(g.state);
      j["stop_loss"] = to_string(g.stop);
      j["take_profit"] = to_string(g.target);
      j["sl_order"] = g.sl_id;
      j["tp_order"] = g.tp_id;
    }
    out.push_back(std::move(j));
  }
  return out;
}

json EngineService::orders_json() const {
  std::vector<const Order*> all;
  for (const auto& [_, o] : replay_.engine().orders()) all.push_back(&o);
  std::stable_sort(all.begin(), all.end(), [](const Order* a, const Order* b) {
    return a->created > b->created;  // newest first
  });
  json out = json::array();
  for (const Order* o : all) out.push_back(ops::order_json(*o, cal_));
  return out;
}

}  // namespace aitrapp
