#include "store/sql_store.hpp"

#include <sstream>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

#include "core/overloaded.hpp"

namespace aitrapp {

std::string signal_id(const Signal& s) {
  return s.strategy + "|" + s.symbol + "|" + std::to_string(s.time) + "|" +
         std::string(to_string(s.side));
}

namespace store {
namespace {

std::string px(Price p) {
  return format_fixed(p.raw);
}
std::string mo(Money m) {
  return format_fixed(m.raw);
}
std::string str(std::string_view s) {
  return std::string(s);
}
Price parse_px(const std::string& s) {
  return Price::from_raw(parse_fixed(s).value_or(0));
}
Money parse_mo(const std::string& s) {
  return Money::from_raw(parse_fixed(s).value_or(0));
}
Side side_from_string(const std::string& s) {
  return s == "SELL" ? Side::Sell : Side::Buy;
}
LegRole parse_role(const std::string& s) {
  if (auto r = leg_role_from_string(s)) return *r;
  throw std::runtime_error("unknown leg role '" + s + "' in store");
}
OrderType parse_type(const std::string& s) {
  if (auto t = order_type_from_string(s)) return *t;
  throw std::runtime_error("unknown order type '" + s + "' in store");
}

// Upserts keep the newest state of rows that change (orders, groups, positions, checkpoint);
// append-only rows (signals, decisions, fills) are inserted once, so that replaying a batch whose
// commit was lost with the connection (the outage journal) changes nothing.
constexpr const char* kConfigSql =
    "INSERT INTO config_snapshots(config_sha, canonical_json, first_seen_ms) VALUES(?1,?2,?3) "
    "ON CONFLICT(config_sha) DO NOTHING";
constexpr const char* kSignalSql =
    "INSERT INTO signals VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17) "
    "ON CONFLICT(signal_id) DO NOTHING";
constexpr const char* kDecisionSql =
    "INSERT INTO decisions VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14) "
    "ON CONFLICT(plan_id) DO NOTHING";
constexpr const char* kGroupSql =
    "INSERT INTO oco_groups VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,"
    "?18,?19,?20,?21,?22,?23,?24,?25,?26,?27) ON CONFLICT(plan_id) DO UPDATE SET "
    "state=excluded.state, stop=excluded.stop, entry_id=excluded.entry_id, sl_id=excluded.sl_id, "
    "tp_id=excluded.tp_id, exit_id=excluded.exit_id, attempts=excluded.attempts, "
    "entry_filled=excluded.entry_filled, net=excluded.net, exit_filled=excluded.exit_filled, "
    "entry_notional=excluded.entry_notional, exit_notional=excluded.exit_notional, "
    "realized=excluded.realized, mae=excluded.mae, mfe=excluded.mfe, opened_ms=excluded.opened_ms, "
    "closed_ms=excluded.closed_ms, repriced=excluded.repriced";
constexpr const char* kOrderSql =
    "INSERT INTO orders VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,"
    "?19,?20,?21,?22,?23,?24) ON CONFLICT(client_order_id) DO UPDATE SET qty=excluded.qty, "
    "limit_price=excluded.limit_price, trigger_price=excluded.trigger_price, "
    "status=excluded.status, venue_order_id=excluded.venue_order_id, filled=excluded.filled, "
    "filled_notional=excluded.filled_notional, reason=excluded.reason, sent_ms=excluded.sent_ms, "
    "acked_ms=excluded.acked_ms, updated_ms=excluded.updated_ms, "
    "send_count=excluded.send_count, cancel_requested=excluded.cancel_requested";
constexpr const char* kFillSql =
    "INSERT INTO fills VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11) ON CONFLICT(fill_id) DO NOTHING";
constexpr const char* kPositionSql =
    "INSERT INTO positions VALUES(?1,?2,?3,?4,?5,?6,?7) ON CONFLICT(trading_day, symbol) DO "
    "UPDATE SET "
    "qty=excluded.qty, avg_price=excluded.avg_price, realized=excluded.realized, "
    "last_price=excluded.last_price";
// One writer (the leader) per database, so MAX(id)+1 inside the write transaction is unique.
constexpr const char* kRiskSql =
    "INSERT INTO risk_events(id, time_ms, kind, check_name, reason, symbol, plan_id, config_sha, "
    "trading_day) VALUES((SELECT COALESCE(MAX(id),0)+1 FROM risk_events),?1,?2,?3,?4,?5,?6,?7,?8)";
constexpr const char* kKillSql =
    "INSERT INTO kill_switch_events(id, time_ms, reason, source, detail, open_risk, positions, "
    "working_orders, config_sha, trading_day) VALUES((SELECT COALESCE(MAX(id),0)+1 FROM "
    "kill_switch_events),?1,?2,?3,?4,?5,?6,?7,?8,?9)";
constexpr const char* kKillFlatSql =
    "UPDATE kill_switch_events SET flat_ms = ?2 WHERE time_ms >= ?1 AND flat_ms = 0";
constexpr const char* kRiskSampleSql =
    "INSERT INTO risk_samples VALUES(?1,?2,?3,?4,?5,?6) ON CONFLICT(trading_day, minute_ms) DO "
    "UPDATE SET heat=excluded.heat, heat_cap=excluded.heat_cap, day_pnl=excluded.day_pnl, "
    "drawdown=excluded.drawdown";
constexpr const char* kCheckpointSql =
    "INSERT INTO engine_checkpoint VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10) "
    "ON CONFLICT(trading_day) DO UPDATE SET last_event_ms=excluded.last_event_ms, "
    "state=excluded.state, "
    "peak=excluded.peak, signal_seq=excluded.signal_seq, decisions=excluded.decisions, "
    "tightened=excluded.tightened, flattened=excluded.flattened, "
    "stop_reason=excluded.stop_reason, market_events=excluded.market_events";
constexpr const char* kVenueSql =
    "INSERT INTO sim_venue_orders VALUES(?1,?2) ON CONFLICT(client_order_id) DO UPDATE SET "
    "state_json=excluded.state_json";

int64_t flag(bool b) {
  return b ? 1 : 0;
}

}  // namespace

SqlWrite to_sql(const StoreWrite& w, const std::string& day) {
  return std::visit(
      overloaded{
          [](const ConfigSnapshotRecord& c) {
            return SqlWrite{kConfigSql, {c.config_sha, c.canonical_json, int64_t{0}}};
          },
          [&day](const SignalRecord& r) {
            const Signal& s = r.signal;
            return SqlWrite{
                kSignalSql,
                {signal_id(s), s.seq, s.strategy, s.symbol, str(to_string(s.side)), s.time,
                 px(s.entry), px(s.stop), px(s.target), s.score, s.scores.momentum, s.scores.trend,
                 s.scores.liquidity, s.scores.regime, s.scores.reward_risk, r.config_sha, day}};
          },
          [&day](const DecisionRecord& d) {
            return SqlWrite{kDecisionSql,
                            {d.plan_id, d.signal_id, d.strategy, d.symbol, str(to_string(d.side)),
                             d.time, d.qty.units, px(d.entry), px(d.stop), px(d.target), d.score,
                             mo(d.risk), d.config_sha, day}};
          },
          [&day](const BracketGroup& g) {
            std::string attempts;
            for (int a : g.attempts) attempts += std::to_string(a) + ",";
            return SqlWrite{kGroupSql,
                            {g.plan_id,
                             g.strategy,
                             g.symbol,
                             str(to_string(g.side)),
                             str(to_string(g.state)),
                             g.planned_qty.units,
                             px(g.entry),
                             px(g.stop),
                             px(g.target),
                             g.entry_id,
                             g.sl_id,
                             g.tp_id,
                             g.exit_id,
                             attempts,
                             g.entry_filled.units,
                             g.net.units,
                             g.exit_filled.units,
                             mo(g.entry_notional),
                             mo(g.exit_notional),
                             mo(g.realized),
                             px(g.mae),
                             px(g.mfe),
                             g.opened,
                             g.closed,
                             flag(g.repriced),
                             g.config_sha,
                             day}};
          },
          [&day](const Order& o) {
            return SqlWrite{kOrderSql,
                            {o.id(),
                             o.plan_id,
                             o.parent_id,
                             str(to_string(o.role)),
                             int64_t{o.attempt},
                             o.spec.symbol,
                             str(to_string(o.spec.side)),
                             str(to_string(o.spec.type)),
                             o.spec.qty.units,
                             px(o.spec.limit),
                             px(o.spec.trigger),
                             str(to_string(o.status)),
                             o.venue_order_id,
                             o.filled.units,
                             mo(o.filled_notional),
                             o.reason,
                             o.created,
                             o.sent,
                             o.acked,
                             o.updated,
                             int64_t{o.send_count},
                             flag(o.cancel_requested),
                             o.config_sha,
                             day}};
          },
          [&day](const Fill& f) {
            return SqlWrite{
                kFillSql,
                {f.fill_id, f.client_order_id, f.plan_id, f.symbol, str(to_string(f.side)),
                 str(to_string(f.role)), f.qty.units, px(f.price), f.time, f.config_sha, day}};
          },
          [&day](const Position& p) {
            return SqlWrite{kPositionSql,
                            {day, p.symbol, p.qty.units, px(p.avg_price), mo(p.realized),
                             px(p.last), p.units_per_whole}};
          },
          [](const RiskEventRecord& r) {
            return SqlWrite{kRiskSql,
                            {r.time, r.kind, r.check, r.reason, r.symbol, r.plan_id, r.config_sha,
                             r.trading_day}};
          },
          [&day](const KillSwitchRecord& k) {
            return SqlWrite{kKillSql,
                            {k.time, k.reason, k.source, k.detail, mo(k.open_risk),
                             int64_t{k.positions}, int64_t{k.working_orders}, k.config_sha, day}};
          },
          [](const KillSwitchFlatRecord& k) {
            return SqlWrite{kKillFlatSql, {k.kill_time, k.flat_at}};
          },
          [](const RiskSampleRecord& r) {
            return SqlWrite{kRiskSampleSql,
                            {r.trading_day, r.minute, mo(r.heat), mo(r.heat_cap), mo(r.day_pnl),
                             mo(r.drawdown)}};
          },
          [](const CheckpointRecord& c) {
            return SqlWrite{kCheckpointSql,
                            {c.trading_day, c.last_event, c.state, mo(c.peak), c.signal_seq,
                             int64_t{c.decisions}, flag(c.tightened), flag(c.flattened),
                             c.stop_reason, c.market_events}};
          },
      },
      w);
}

SqlStore::SqlStore(std::unique_ptr<SqlSession> session) : session_(std::move(session)) {}

void SqlStore::write(const WriteBatch& batch) {
  if (batch.empty()) return;
  // An order or bracket saved several times in one batch (a flatten touches each twice) is
  // written once, with its last state, at its first save's place: a row that refers to it (a
  // fill to its order) still comes after it. Both are upserts of every changing column, so the
  // committed rows are the same.
  std::vector<SqlWrite> writes;
  writes.reserve(batch.writes.size());
  std::unordered_map<std::string_view, size_t> order_at, group_at;
  for (const auto& w : batch.writes) {
    std::unordered_map<std::string_view, size_t>* seen = nullptr;
    std::string_view key;
    if (const auto* o = std::get_if<Order>(&w)) {
      seen = &order_at;
      key = o->id();
    } else if (const auto* g = std::get_if<BracketGroup>(&w)) {
      seen = &group_at;
      key = g->plan_id;
    }
    if (seen) {
      const auto [it, fresh] = seen->try_emplace(key, writes.size());
      if (!fresh) {
        writes[it->second] = to_sql(w, batch.trading_day);
        continue;
      }
    }
    writes.push_back(to_sql(w, batch.trading_day));
  }
  write_sql(writes);
}

void SqlStore::write_sql(const std::vector<SqlWrite>& writes, const std::function<void()>& extra) {
  in_transaction(*session_, [&] {
    before_write();
    for (const auto& w : writes) session_->run(w.sql, w.params);
    if (extra) extra();
  });
}

namespace {

CheckpointRecord checkpoint_row(const SqlRow& q) {
  return CheckpointRecord{q.text(0),    q.integer(1),      q.text(2),         parse_mo(q.text(3)),
                          q.integer(4), int(q.integer(5)), q.integer(6) != 0, q.integer(7) != 0,
                          q.text(8),    q.integer(9)};
}

constexpr const char* kCheckpointCols =
    "SELECT trading_day,last_event_ms,state,peak,signal_seq,decisions,tightened,flattened,"
    "stop_reason,market_events FROM engine_checkpoint ";
constexpr const char* kTerminal = "('FILLED','CANCELLED','REJECTED')";

}  // namespace

RecoveredState SqlStore::recover(const std::string& day) {
  RecoveredState r;
  SqlSession& s = *session_;
  s.run(std::string(kCheckpointCols) + "WHERE trading_day = ?1", {day},
        [&](const SqlRow& q) { r.checkpoint = checkpoint_row(q); });
  if (!r.checkpoint)
    s.run(std::string(kCheckpointCols) + "WHERE trading_day < ?1 ORDER BY trading_day DESC LIMIT 1",
          {day}, [&](const SqlRow& q) { r.previous_day = checkpoint_row(q); });
  // The day's own rows, and what earlier days left open: a live order, or any order of a
  // bracket that is not closed (the bracket logic reads all its legs). Never a later day's: a
  // run killed inside day N+1 resumes day N first, and day N must not adopt N+1's open orders.
  const std::string carried_groups = "trading_day < ?1 AND state <> 'CLOSED'";
  const std::string order_scope =
      "trading_day = ?1 OR (trading_day < ?1 AND (status NOT IN " + std::string(kTerminal) +
      " OR plan_id IN (SELECT plan_id FROM oco_groups WHERE " + carried_groups + ")))";
  s.run(
      "SELECT client_order_id,plan_id,parent_id,role,attempt,symbol,side,order_type,qty,"
      "limit_price,trigger_price,status,venue_order_id,filled,filled_notional,reason,created_ms,"
      "sent_ms,acked_ms,updated_ms,send_count,cancel_requested,config_sha FROM orders WHERE " +
          order_scope + " ORDER BY client_order_id",
      {day}, [&](const SqlRow& q) {
        Order o;
        o.spec = OrderSpec{q.text(0),
                           q.text(5),
                           side_from_string(q.text(6)),
                           parse_type(q.text(7)),
                           Qty{q.integer(8)},
                           parse_px(q.text(9)),
                           parse_px(q.text(10))};
        o.plan_id = q.text(1);
        o.parent_id = q.text(2);
        o.role = parse_role(q.text(3));
        o.attempt = int(q.integer(4));
        o.status = order_status_from_string(q.text(11));
        o.venue_order_id = q.text(12);
        o.filled = Qty{q.integer(13)};
        o.filled_notional = parse_mo(q.text(14));
        o.reason = q.text(15);
        o.created = q.integer(16);
        o.sent = q.integer(17);
        o.acked = q.integer(18);
        o.updated = q.integer(19);
        o.send_count = int(q.integer(20));
        o.cancel_requested = q.integer(21) != 0;
        o.config_sha = q.text(22);
        r.orders.push_back(std::move(o));
      });
  s.run(
      "SELECT plan_id,strategy,symbol,side,state,planned_qty,entry,stop,target,entry_id,sl_id,"
      "tp_id,exit_id,attempts,entry_filled,net,exit_filled,entry_notional,exit_notional,realized,"
      "mae,mfe,opened_ms,closed_ms,repriced,config_sha FROM oco_groups WHERE trading_day = ?1 OR "
      "(" +
          carried_groups + ") ORDER BY plan_id",
      {day}, [&](const SqlRow& q) {
        BracketGroup g;
        g.plan_id = q.text(0);
        g.strategy = q.text(1);
        g.symbol = q.text(2);
        g.side = side_from_string(q.text(3));
        g.state = bracket_state_from_string(q.text(4));
        g.planned_qty = Qty{q.integer(5)};
        g.entry = parse_px(q.text(6));
        g.stop = parse_px(q.text(7));
        g.target = parse_px(q.text(8));
        g.entry_id = q.text(9);
        g.sl_id = q.text(10);
        g.tp_id = q.text(11);
        g.exit_id = q.text(12);
        std::istringstream attempts(q.text(13));
        std::string a;
        for (int i = 0; i < 4 && std::getline(attempts, a, ','); ++i) g.attempts[i] = std::stoi(a);
        g.entry_filled = Qty{q.integer(14)};
        g.net = Qty{q.integer(15)};
        g.exit_filled = Qty{q.integer(16)};
        g.entry_notional = parse_mo(q.text(17));
        g.exit_notional = parse_mo(q.text(18));
        g.realized = parse_mo(q.text(19));
        g.mae = parse_px(q.text(20));
        g.mfe = parse_px(q.text(21));
        g.opened = q.integer(22);
        g.closed = q.integer(23);
        g.repriced = q.integer(24) != 0;
        g.config_sha = q.text(25);
        r.plan_ids.insert(g.plan_id);
        r.groups.push_back(std::move(g));
      });
  // A resumed day has its own rows (the recovery that started it wrote those carried in); a day
  // not yet started takes the positions the latest earlier day closed with, P&L zeroed.
  const std::string pos_cols =
      "SELECT symbol,qty,avg_price,realized,last_price,units_per_whole FROM positions WHERE ";
  const auto position_row = [&](const SqlRow& q) {
    Position p;
    p.symbol = q.text(0);
    p.qty = Qty{q.integer(1)};
    p.avg_price = parse_px(q.text(2));
    p.realized = r.checkpoint ? parse_mo(q.text(3)) : Money{};
    p.last = parse_px(q.text(4));
    p.units_per_whole = q.integer(5);
    r.positions.push_back(p);
  };
  if (r.checkpoint)
    s.run(pos_cols + "trading_day = ?1 ORDER BY symbol", {day}, position_row);
  else
    s.run(pos_cols +
              "qty <> 0 AND trading_day = (SELECT MAX(trading_day) FROM positions WHERE "
              "trading_day < ?1) ORDER BY symbol",
          {day}, position_row);
  s.run(
      "SELECT fill_id FROM fills WHERE client_order_id IN (SELECT client_order_id FROM orders "
      "WHERE " +
          order_scope + ")",
      {day}, [&](const SqlRow& q) { r.fill_ids.insert(q.text(0)); });
  s.run("SELECT plan_id FROM decisions WHERE trading_day = ?1", {day},
        [&](const SqlRow& q) { r.plan_ids.insert(q.text(0)); });
  if (r.checkpoint)
    s.run("SELECT MIN(time_ms) FROM kill_switch_events WHERE trading_day = ?1 AND flat_ms = 0",
          {day}, [&](const SqlRow& q) {
            if (!q.is_null(0)) r.kill_unflat_since = q.integer(0);
          });
  return r;
}

void SqlStore::save_venue_order(const std::string& id, const std::string& json) {
  session_->run(kVenueSql, {id, json});
}

void SqlStore::save_venue_orders(const std::vector<std::pair<std::string, std::string>>& states) {
  in_transaction(*session_, [&] {
    for (const auto& [id, json] : states) session_->run(kVenueSql, {id, json});
  });
}

std::vector<std::string> SqlStore::load_venue_orders() {
  std::vector<std::string> out;
  session_->run("SELECT state_json FROM sim_venue_orders ORDER BY client_order_id", {},
                [&](const SqlRow& q) { out.push_back(q.text(0)); });
  return out;
}

}  // namespace store
}  // namespace aitrapp
