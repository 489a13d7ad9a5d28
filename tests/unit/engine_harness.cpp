#include "engine_harness.hpp"

#include <algorithm>

#include "core/overloaded.hpp"

namespace aitrapp::testing {

void MemoryStore::write(const WriteBatch& b) {
  if (refuse_writes) throw std::runtime_error("disk full");
  for (const auto& w : b.writes) {
    std::visit(overloaded{
                   [&](const Order& o) {
                     auto ident = std::make_tuple(o.plan_id, o.role, o.attempt);
                     auto [it, fresh] = identity_.try_emplace(o.id(), ident);
                     if (!fresh && it->second != ident)
                       problems.push_back("client_order_id reused: " + o.id());
                     orders[o.id()] = o;
                   },
                   [&](const Fill& f) {
                     if (!fill_ids_.insert(f.fill_id).second)
                       problems.push_back("fill stored twice: " + f.fill_id);
                     fills.push_back(f);
                   },
                   [&](const RiskEventRecord& r) { risk_events.push_back(r); },
                   [&](const KillSwitchRecord& k) { kills.push_back(k); },
                   [&](const DecisionRecord&) { ++decisions; },
                   [&](const SignalRecord&) { ++signals; },
                   [&](const Position& p) { positions.emplace_back(b.trading_day, p); },
                   [&](const auto&) {},
               },
               w);
  }
}

EngineConfig test_config() {
  EngineConfig c;
  Instrument n = nifty_instrument();
  Instrument b = n;
  b.symbol = "BANKNIFTY_F1";
  b.lot = Qty{25};
  b.freeze_qty = Qty{1200};
  c.instruments = {{n.symbol, n}, {b.symbol, b}};
  c.ranker.min_score = 0;
  c.ranker.max_per_instant = 2;
  c.limits.daily_loss_bps = 2000;
  c.limits.max_drawdown_bps = 5000;
  c.limits.max_open_positions = 4;
  c.limits.max_decisions_per_day = 1000;
  c.oms.ack_timeout_ms = 2000;
  c.oms.entry_timeout_ms = 60'000;
  c.config_sha = "test";
  return c;
}

BreakoutParams test_breakout() {
  BreakoutParams p;
  p.lookback = 3;
  p.ema_fast = 2;
  p.ema_slow = 3;
  p.atr_period = 3;
  p.volume_window = 3;
  return p;
}

bool ScriptedVenue::process_one(CapturingVenue& port, Price last, bool chaos) {
  if (port.sent.empty()) return false;
  VenueRequest r = port.sent.front();
  port.sent.pop_front();
  if (chaos && rng() % 100 < 3) return true;  // lost on the wire
  auto replay = [&](const std::string& id, uint64_t seq = 0) {
    const Book& b = book.at(id);
    if (b.rejected) return answer(OrderRejected{id, "rejected earlier", false});
    answer(OrderAcked{id, "V" + id});
    for (const auto& [fid, q, px] : b.fill_log) answer(OrderFilled{id, fid, q, px});
    answer(OrderState{id, b.spec.qty, b.filled, b.open, seq});
  };
  std::visit(overloaded{
                 [&](const PlaceRequest& p) {
                   const std::string& id = p.spec.client_order_id;
                   if (book.count(id)) return replay(id);
                   Book& b = book[id];
                   b.spec = p.spec;
                   if (chaos && rng() % 100 < 8) {
                     b.open = false;
                     b.rejected = true;
                     return answer(OrderRejected{id, "chaos reject", rng() % 2 == 0});
                   }
                   answer(OrderAcked{id, "V" + id});
                   if (p.spec.type == OrderType::Market) fill(id, p.spec.qty, last);
                 },
                 [&](const CancelRequest& c) {
                   auto it = book.find(c.client_order_id);
                   if (it == book.end() || !it->second.open)
                     return answer(RequestRefused{c.client_order_id, "not open"});
                   it->second.open = false;
                   answer(OrderCancelled{c.client_order_id});
                 },
                 [&](const ModifyRequest& m) {
                   auto it = book.find(m.client_order_id);
                   if (it == book.end() || !it->second.open || m.qty <= it->second.filled)
                     return answer(RequestRefused{m.client_order_id, "cannot modify"});
                   it->second.spec.qty = m.qty;
                   it->second.spec.limit = m.limit;
                   it->second.spec.trigger = m.trigger;
                   answer(OrderModified{m.client_order_id, m.qty, m.limit, m.trigger});
                 },
                 [&](const QueryRequest& q) {
                   if (!book.count(q.client_order_id))
                     return answer(OrderUnknown{q.client_order_id, q.seq});
                   replay(q.client_order_id, q.seq);
                 },
             },
             r);
  return true;
}

void ScriptedVenue::fill(const std::string& id, Qty qty, Price price) {
  Book& b = book.at(id);
  if (!b.open) return;
  qty = std::min(qty, b.spec.qty - b.filled);
  if (qty.units <= 0) return;
  b.filled += qty;
  if (b.filled >= b.spec.qty) b.open = false;
  std::string fid = "F" + std::to_string(++fills);
  b.fill_log.emplace_back(fid, qty, price);
  answer(OrderFilled{id, fid, qty, price});
}

void ScriptedVenue::cancel_unsolicited(const std::string& id) {
  Book& b = book.at(id);
  if (!b.open) return;
  b.open = false;
  answer(OrderCancelled{id});
}

std::vector<std::string> ScriptedVenue::open_ids() const {
  std::vector<std::string> out;
  for (const auto& [id, b] : book)
    if (b.open) out.push_back(id);
  return out;
}

void ScriptedVenue::answer(VenueEvent::Body b) {
  history.push_back(b);
  outbox.push_back(std::move(b));
}

EngineHarness::EngineHarness(EngineConfig cfg)
    : cal(cfg.timezone, cfg.session),
      engine(cfg, store, port, clock, log, std::make_unique<BreakoutStrategy>(test_breakout())) {
  engine.start_day(20220401);
  clock.advance_to(ist(9, 30));
}

void EngineHarness::tick(const std::string& symbol, Price last) {
  last_price[symbol] = last;
  Tick t{symbol, clock.now(), last, last - P("0.05"), last + P("0.05"), 1000, false};
  engine.on_tick(t);
}

void EngineHarness::bar(const std::string& symbol, Price open, Price high, Price low, Price close,
                        int64_t volume) {
  tick(symbol, close);
  Bar b{symbol, clock.now() - kMinuteMs, open, high, low, close, volume * kScale, 0, 0};
  engine.on_bars_closed({b});
}

std::string EngineHarness::drive_to_entry(const std::string& symbol, int start) {
  for (int i = 0; i < 40; ++i) {
    clock.advance_to(clock.now() + kMinuteMs);
    const int p = start + 5 * i;
    bar(symbol, Pi(p * 100), Pi((p + 6) * 100), Pi((p - 2) * 100), Pi((p + 5) * 100));
    for (const auto& [id, g] : engine.groups())
      if (g.symbol == symbol && g.state == BracketState::Entering) return id;
  }
  return {};
}

std::string EngineHarness::open_bracket(ScriptedVenue& v, const std::string& symbol, Qty fill) {
  const std::string plan = drive_to_entry(symbol, symbol == "NIFTY_F1" ? 17500 : 37000);
  if (plan.empty()) return plan;
  settle(v, last_price[symbol]);
  const Order& entry = order(group(plan).entry_id);
  v.fill(entry.id(), fill.units ? fill : entry.spec.qty, entry.spec.limit);
  settle(v, last_price[symbol]);
  return plan;
}

void EngineHarness::deliver(const VenueEvent::Body& b) {
  engine.on_venue_event(VenueEvent{clock.now(), b});
}

void EngineHarness::settle(ScriptedVenue& v, Price last) {
  for (int i = 0; i < 10'000; ++i) {
    if (v.process_one(port, last, false)) continue;
    if (v.outbox.empty()) return;
    auto b = v.outbox.front();
    v.outbox.pop_front();
    deliver(b);
  }
}

std::vector<std::string> EngineHarness::problems() const {
  auto p = engine.invariant_violations();
  p.insert(p.end(), store.problems.begin(), store.problems.end());
  return p;
}

}  // namespace aitrapp::testing
