#include "store/sqlite/sqlite_store.hpp"

#include <sstream>
#include <stdexcept>

#include "store/migrations.hpp"

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
  for (auto r : {LegRole::Entry, LegRole::StopLoss, LegRole::TakeProfit, LegRole::Exit})
    if (s == to_string(r)) return r;
  throw std::runtime_error("unknown leg role '" + s + "' in store");
}
OrderType parse_type(const std::string& s) {
  OrderType t;
  if (!order_type_from_string(s, t))
    throw std::runtime_error("unknown order type '" + s + "' in store");
  return t;
}
}  // namespace

struct SqliteStore::Statements {
  explicit Statements(sqlite3* db)
      : config(db,
               "INSERT INTO config_snapshots(config_sha, canonical_json, first_seen_ms) "
               "VALUES(?1,?2,?3) "
               "ON CONFLICT(config_sha) DO NOTHING"),
        signal(db,
               "INSERT INTO signals VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16) "
               "ON CONFLICT(signal_id) DO NOTHING"),
        decision(db, "INSERT INTO decisions VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)"),
        group(
            db,
            "INSERT INTO oco_groups "
            "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,"
            "?20,?21,?22,?23,?24,?25,?26) ON CONFLICT(plan_id) DO UPDATE SET state=excluded.state, "
            "stop=excluded.stop, entry_id=excluded.entry_id, sl_id=excluded.sl_id, "
            "tp_id=excluded.tp_id, "
            "exit_id=excluded.exit_id, attempts=excluded.attempts, "
            "entry_filled=excluded.entry_filled, "
            "net=excluded.net, exit_filled=excluded.exit_filled, "
            "entry_notional=excluded.entry_notional, "
            "exit_notional=excluded.exit_notional, realized=excluded.realized, mae=excluded.mae, "
            "mfe=excluded.mfe, opened_ms=excluded.opened_ms, closed_ms=excluded.closed_ms, "
            "repriced=excluded.repriced"),
        order(db,
              "INSERT INTO orders "
              "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,"
              "?21,?22,?23) ON CONFLICT(client_order_id) DO UPDATE SET qty=excluded.qty, "
              "limit_price=excluded.limit_price, trigger_price=excluded.trigger_price, "
              "status=excluded.status, "
              "venue_order_id=excluded.venue_order_id, filled=excluded.filled, "
              "filled_notional=excluded.filled_notional, reason=excluded.reason, "
              "sent_ms=excluded.sent_ms, "
              "acked_ms=excluded.acked_ms, updated_ms=excluded.updated_ms, "
              "send_count=excluded.send_count, "
              "cancel_requested=excluded.cancel_requested"),
        fill(db, "INSERT INTO fills VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)"),
        position(
            db,
            "INSERT INTO positions VALUES(?1,?2,?3,?4,?5,?6) ON CONFLICT(symbol) DO UPDATE SET "
            "qty=excluded.qty, avg_price=excluded.avg_price, realized=excluded.realized, "
            "last_price=excluded.last_price"),
        risk(db,
             "INSERT INTO risk_events VALUES((SELECT COALESCE(MAX(id),0)+1 FROM "
             "risk_events),?1,?2,?3,?4,?5,?6,?7)"),
        kill(db,
             "INSERT INTO kill_switch_events VALUES((SELECT COALESCE(MAX(id),0)+1 FROM "
             "kill_switch_events),?1,?2,?3,?4,?5,?6,?7,?8)"),
        checkpoint(
            db,
            "INSERT INTO engine_checkpoint VALUES(?1,?2,?3,?4,?5,?6,?7,?8) ON "
            "CONFLICT(trading_day) "
            "DO UPDATE SET last_event_ms=excluded.last_event_ms, state=excluded.state, "
            "peak=excluded.peak, signal_seq=excluded.signal_seq, decisions=excluded.decisions, "
            "tightened=excluded.tightened, flattened=excluded.flattened"),
        venue(
            db,
            "INSERT INTO sim_venue_orders VALUES(?1,?2) ON CONFLICT(client_order_id) DO UPDATE SET "
            "state_json=excluded.state_json") {}
  Statement config, signal, decision, group, order, fill, position, risk, kill, checkpoint, venue;
};

SqliteStore::SqliteStore(const std::string& path) : db_(path) {
  migrate();
  st_ = std::make_unique<Statements>(db_.handle());
}
SqliteStore::~SqliteStore() = default;

void SqliteStore::migrate() {
  db_.exec("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY)");
  for (const auto& m : migrations()) {
    Statement q(db_.handle(), "SELECT 1 FROM schema_migrations WHERE name = ?1");
    q.bind(1, m.name);
    if (q.step()) continue;
    db_.exec("BEGIN IMMEDIATE");
    try {
      db_.exec(m.sql);
      Statement ins(db_.handle(), "INSERT INTO schema_migrations(name) VALUES(?1)");
      ins.bind(1, m.name).run();
      db_.exec("COMMIT");
    } catch (const std::exception& e) {
      db_.exec("ROLLBACK");
      throw std::runtime_error("migration " + m.name + " failed: " + e.what());
    }
  }
}

std::vector<std::string> SqliteStore::applied_migrations() {
  std::vector<std::string> out;
  Statement q(db_.handle(), "SELECT name FROM schema_migrations ORDER BY name");
  while (q.step()) out.push_back(q.text_at(0));
  return out;
}

void SqliteStore::write(const WriteBatch& batch) {
  if (batch.empty()) return;
  db_.exec("BEGIN IMMEDIATE");
  try {
    for (const auto& w : batch.writes) {
      std::visit(overloaded{
                     [&](const ConfigSnapshotRecord& c) {
                       st_->config.bind(1, c.config_sha)
                           .bind(2, c.canonical_json)
                           .bind(3, int64_t{0})
                           .run();
                     },
                     [&](const SignalRecord& r) {
                       const Signal& s = r.signal;
                       st_->signal.bind(1, signal_id(s))
                           .bind(2, s.seq)
                           .bind(3, s.strategy)
                           .bind(4, s.symbol)
                           .bind(5, std::string(to_string(s.side)))
                           .bind(6, s.time)
                           .bind(7, px(s.entry))
                           .bind(8, px(s.stop))
                           .bind(9, px(s.target))
                           .bind(10, s.score)
                           .bind(11, s.scores.momentum)
                           .bind(12, s.scores.trend)
                           .bind(13, s.scores.liquidity)
                           .bind(14, s.scores.regime)
                           .bind(15, s.scores.reward_risk)
                           .bind(16, r.config_sha)
                           .run();
                     },
                     [&](const DecisionRecord& d) {
                       st_->decision.bind(1, d.plan_id)
                           .bind(2, d.signal_id)
                           .bind(3, d.strategy)
                           .bind(4, d.symbol)
                           .bind(5, std::string(to_string(d.side)))
                           .bind(6, d.time)
                           .bind(7, d.qty.units)
                           .bind(8, px(d.entry))
                           .bind(9, px(d.stop))
                           .bind(10, px(d.target))
                           .bind(11, d.score)
                           .bind(12, mo(d.risk))
                           .bind(13, d.config_sha)
                           .run();
                     },
                     [&](const BracketGroup& g) {
                       std::string attempts;
                       for (int a : g.attempts) attempts += std::to_string(a) + ",";
                       st_->group.bind(1, g.plan_id)
                           .bind(2, g.strategy)
                           .bind(3, g.symbol)
                           .bind(4, std::string(to_string(g.side)))
                           .bind(5, std::string(to_string(g.state)))
                           .bind(6, g.planned_qty.units)
                           .bind(7, px(g.entry))
                           .bind(8, px(g.stop))
                           .bind(9, px(g.target))
                           .bind(10, g.entry_id)
                           .bind(11, g.sl_id)
                           .bind(12, g.tp_id)
                           .bind(13, g.exit_id)
                           .bind(14, attempts)
                           .bind(15, g.entry_filled.units)
                           .bind(16, g.net.units)
                           .bind(17, g.exit_filled.units)
                           .bind(18, mo(g.entry_notional))
                           .bind(19, mo(g.exit_notional))
                           .bind(20, mo(g.realized))
                           .bind(21, px(g.mae))
                           .bind(22, px(g.mfe))
                           .bind(23, g.opened)
                           .bind(24, g.closed)
                           .bind(25, g.repriced ? 1 : 0)
                           .bind(26, g.config_sha)
                           .run();
                     },
                     [&](const Order& o) {
                       st_->order.bind(1, o.id())
                           .bind(2, o.plan_id)
                           .bind(3, o.parent_id)
                           .bind(4, std::string(to_string(o.role)))
                           .bind(5, o.attempt)
                           .bind(6, o.spec.symbol)
                           .bind(7, std::string(to_string(o.spec.side)))
                           .bind(8, std::string(to_string(o.spec.type)))
                           .bind(9, o.spec.qty.units)
                           .bind(10, px(o.spec.limit))
                           .bind(11, px(o.spec.trigger))
                           .bind(12, std::string(to_string(o.status)))
                           .bind(13, o.venue_order_id)
                           .bind(14, o.filled.units)
                           .bind(15, mo(o.filled_notional))
                           .bind(16, o.reason)
                           .bind(17, o.created)
                           .bind(18, o.sent)
                           .bind(19, o.acked)
                           .bind(20, o.updated)
                           .bind(21, o.send_count)
                           .bind(22, o.cancel_requested ? 1 : 0)
                           .bind(23, o.config_sha)
                           .run();
                     },
                     [&](const Fill& f) {
                       st_->fill.bind(1, f.fill_id)
                           .bind(2, f.client_order_id)
                           .bind(3, f.plan_id)
                           .bind(4, f.symbol)
                           .bind(5, std::string(to_string(f.side)))
                           .bind(6, std::string(to_string(f.role)))
                           .bind(7, f.qty.units)
                           .bind(8, px(f.price))
                           .bind(9, f.time)
                           .bind(10, f.config_sha)
                           .run();
                     },
                     [&](const Position& p) {
                       st_->position.bind(1, p.symbol)
                           .bind(2, p.qty.units)
                           .bind(3, px(p.avg_price))
                           .bind(4, mo(p.realized))
                           .bind(5, px(p.last))
                           .bind(6, p.units_per_whole)
                           .run();
                     },
                     [&](const RiskEventRecord& r) {
                       st_->risk.bind(1, r.time)
                           .bind(2, r.kind)
                           .bind(3, r.check)
                           .bind(4, r.reason)
                           .bind(5, r.symbol)
                           .bind(6, r.plan_id)
                           .bind(7, r.config_sha)
                           .run();
                     },
                     [&](const KillSwitchRecord& k) {
                       st_->kill.bind(1, k.time)
                           .bind(2, k.reason)
                           .bind(3, k.source)
                           .bind(4, k.detail)
                           .bind(5, mo(k.open_risk))
                           .bind(6, k.positions)
                           .bind(7, k.working_orders)
                           .bind(8, k.config_sha)
                           .run();
                     },
                     [&](const CheckpointRecord& c) {
                       st_->checkpoint.bind(1, c.trading_day)
                           .bind(2, c.last_event)
                           .bind(3, c.state)
                           .bind(4, mo(c.peak))
                           .bind(5, c.signal_seq)
                           .bind(6, c.decisions)
                           .bind(7, c.tightened ? 1 : 0)
                           .bind(8, c.flattened ? 1 : 0)
                           .run();
                     },
                 },
                 w);
    }
    db_.exec("COMMIT");
  } catch (...) {
    for (Statement* s : {&st_->config, &st_->signal, &st_->decision, &st_->group, &st_->order,
                         &st_->fill, &st_->position, &st_->risk, &st_->checkpoint})
      s->reset();
    db_.exec("ROLLBACK");
    throw;
  }
}

RecoveredState SqliteStore::recover(const std::string& day) {
  RecoveredState r;
  sqlite3* h = db_.handle();
  {
    Statement q(
        h,
        "SELECT trading_day,last_event_ms,state,peak,signal_seq,decisions,tightened,flattened "
        "FROM engine_checkpoint WHERE trading_day = ?1");
    q.bind(1, day);
    if (q.step())
      r.checkpoint =
          CheckpointRecord{q.text_at(0), q.int_at(1),      q.text_at(2),     parse_mo(q.text_at(3)),
                           q.int_at(4),  int(q.int_at(5)), q.int_at(6) != 0, q.int_at(7) != 0};
  }
  {
    Statement q(
        h,
        "SELECT "
        "client_order_id,plan_id,parent_id,role,attempt,symbol,side,order_type,qty,limit_price,"
        "trigger_price,status,venue_order_id,filled,filled_notional,reason,created_ms,sent_ms,"
        "acked_ms,"
        "updated_ms,send_count,cancel_requested,config_sha FROM orders ORDER BY client_order_id");
    while (q.step()) {
      Order o;
      o.spec = OrderSpec{q.text_at(0),
                         q.text_at(5),
                         side_from_string(q.text_at(6)),
                         parse_type(q.text_at(7)),
                         Qty{q.int_at(8)},
                         parse_px(q.text_at(9)),
                         parse_px(q.text_at(10))};
      o.plan_id = q.text_at(1);
      o.parent_id = q.text_at(2);
      o.role = parse_role(q.text_at(3));
      o.attempt = int(q.int_at(4));
      o.status = order_status_from_string(q.text_at(11));
      o.venue_order_id = q.text_at(12);
      o.filled = Qty{q.int_at(13)};
      o.filled_notional = parse_mo(q.text_at(14));
      o.reason = q.text_at(15);
      o.created = q.int_at(16);
      o.sent = q.int_at(17);
      o.acked = q.int_at(18);
      o.updated = q.int_at(19);
      o.send_count = int(q.int_at(20));
      o.cancel_requested = q.int_at(21) != 0;
      o.config_sha = q.text_at(22);
      r.orders.push_back(std::move(o));
    }
  }
  {
    Statement q(
        h,
        "SELECT "
        "plan_id,strategy,symbol,side,state,planned_qty,entry,stop,target,entry_id,sl_id,tp_id,"
        "exit_id,attempts,entry_filled,net,exit_filled,entry_notional,exit_notional,realized,mae,"
        "mfe,"
        "opened_ms,closed_ms,repriced,config_sha FROM oco_groups ORDER BY plan_id");
    while (q.step()) {
      BracketGroup g;
      g.plan_id = q.text_at(0);
      g.strategy = q.text_at(1);
      g.symbol = q.text_at(2);
      g.side = side_from_string(q.text_at(3));
      g.state = bracket_state_from_string(q.text_at(4));
      g.planned_qty = Qty{q.int_at(5)};
      g.entry = parse_px(q.text_at(6));
      g.stop = parse_px(q.text_at(7));
      g.target = parse_px(q.text_at(8));
      g.entry_id = q.text_at(9);
      g.sl_id = q.text_at(10);
      g.tp_id = q.text_at(11);
      g.exit_id = q.text_at(12);
      std::istringstream attempts(q.text_at(13));
      std::string a;
      for (int i = 0; i < 4 && std::getline(attempts, a, ','); ++i) g.attempts[i] = std::stoi(a);
      g.entry_filled = Qty{q.int_at(14)};
      g.net = Qty{q.int_at(15)};
      g.exit_filled = Qty{q.int_at(16)};
      g.entry_notional = parse_mo(q.text_at(17));
      g.exit_notional = parse_mo(q.text_at(18));
      g.realized = parse_mo(q.text_at(19));
      g.mae = parse_px(q.text_at(20));
      g.mfe = parse_px(q.text_at(21));
      g.opened = q.int_at(22);
      g.closed = q.int_at(23);
      g.repriced = q.int_at(24) != 0;
      g.config_sha = q.text_at(25);
      r.plan_ids.insert(g.plan_id);
      r.groups.push_back(std::move(g));
    }
  }
  {
    Statement q(h,
                "SELECT symbol,qty,avg_price,realized,last_price,units_per_whole FROM positions "
                "ORDER BY symbol");
    while (q.step()) {
      Position p;
      p.symbol = q.text_at(0);
      p.qty = Qty{q.int_at(1)};
      p.avg_price = parse_px(q.text_at(2));
      p.realized = parse_mo(q.text_at(3));
      p.last = parse_px(q.text_at(4));
      p.units_per_whole = q.int_at(5);
      r.positions.push_back(p);
    }
  }
  {
    Statement q(h, "SELECT fill_id FROM fills");
    while (q.step()) r.fill_ids.insert(q.text_at(0));
  }
  {
    Statement q(h, "SELECT plan_id FROM decisions");
    while (q.step()) r.plan_ids.insert(q.text_at(0));
  }
  return r;
}

void SqliteStore::save_venue_order(const std::string& id, const std::string& json) {
  st_->venue.bind(1, id).bind(2, json).run();
}

std::vector<std::string> SqliteStore::load_venue_orders() {
  std::vector<std::string> out;
  Statement q(db_.handle(), "SELECT state_json FROM sim_venue_orders ORDER BY client_order_id");
  while (q.step()) out.push_back(q.text_at(0));
  return out;
}

}  // namespace store
}  // namespace aitrapp
