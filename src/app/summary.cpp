#include "app/summary.hpp"

#include <set>
#include <sstream>

#include "core/sha256.hpp"

namespace aitrapp {

nlohmann::json summarize_store(store::SqlSession& db, VenueJournal& venue) {
  nlohmann::json s;
  s["signals"] = db.scalar("SELECT COUNT(*) FROM signals");
  s["decisions"] = db.scalar("SELECT COUNT(*) FROM decisions");
  s["orders"] = db.scalar("SELECT COUNT(*) FROM orders");
  s["fills"] = db.scalar("SELECT COUNT(*) FROM fills");
  s["trades_closed"] = db.scalar("SELECT COUNT(*) FROM trades");
  s["risk_events"] = db.scalar("SELECT COUNT(*) FROM risk_events");
  s["risk_blocks"] = db.scalar("SELECT COUNT(*) FROM risk_events WHERE kind = 'BLOCK'");
  s["open_orders_after_eod"] = db.scalar(
      "SELECT COUNT(*) FROM orders WHERE status NOT IN ('FILLED','CANCELLED','REJECTED')");
  s["open_positions_after_eod"] = db.scalar("SELECT COUNT(*) FROM positions WHERE qty <> 0");
  // The primary key makes a second row impossible; the venue side is checked too: every order
  // the venue holds must be exactly one order the engine created.
  std::set<std::string> ids;
  db.run("SELECT client_order_id FROM orders", {},
         [&](const store::SqlRow& r) { ids.insert(r.text(0)); });
  int64_t foreign = 0;
  for (const auto& state : venue.load_venue_orders())
    if (!ids.count(nlohmann::json::parse(state).value("id", std::string()))) ++foreign;
  s["duplicate_client_order_ids"] =
      db.scalar(
          "SELECT COUNT(*) FROM (SELECT client_order_id FROM orders GROUP BY client_order_id "
          "HAVING COUNT(*) > 1) d") +
      foreign;
  s["orphan_oco_children"] = db.scalar(
      "SELECT COUNT(*) FROM orders o JOIN oco_groups g ON g.plan_id = o.plan_id WHERE o.role IN "
      "('SL','TP') "
      "AND o.status NOT IN ('FILLED','CANCELLED','REJECTED') AND (g.net = 0 OR g.state = "
      "'CLOSED')");
  s["unprotected_positions"] = db.scalar(
      "SELECT COUNT(*) FROM oco_groups g WHERE g.net <> 0 AND g.state IN ('ENTERING','OPEN') AND "
      "NOT EXISTS "
      "(SELECT 1 FROM orders o WHERE o.client_order_id = g.sl_id AND o.status NOT IN "
      "('FILLED','CANCELLED','REJECTED'))");
  int64_t realized = 0;
  db.run("SELECT realized FROM positions", {},
         [&](const store::SqlRow& r) { realized += parse_fixed(r.text(0)).value_or(0); });
  s["realized_pnl"] = format_fixed(realized);
  // Text columns compare byte-wise on both backends (COLLATE "C" on PostgreSQL).
  Sha256Stream h;
  const std::string c = db.backend() == "postgresql" ? " COLLATE \"C\"" : "";
  db.run(
      "SELECT client_order_id, plan_id, role, side, order_type, qty, limit_price, "
      "trigger_price, status, filled FROM orders ORDER BY created_ms, client_order_id" +
          c,
      {}, [&](const store::SqlRow& r) {
        std::string row = "O";
        for (int col = 0; col < 10; ++col) row.append("|").append(r.text(col));
        h.update(row + "\n");
      });
  db.run(
      "SELECT client_order_id, qty, price, time_ms FROM fills ORDER BY time_ms, client_order_id" +
          c + ", qty, price" + c,
      {}, [&](const store::SqlRow& r) {
        std::string row = "F";
        for (int col = 0; col < 4; ++col) row.append("|").append(r.text(col));
        h.update(row + "\n");
      });
  s["digest"] = h.hex_final();
  return s;
}

std::string format_summary(const nlohmann::json& s) {
  std::ostringstream o;
  o << "Day " << s.value("trading_day", std::string("?")) << " summary\n"
    << "  signals " << s["signals"] << ", decisions " << s["decisions"] << ", orders "
    << s["orders"] << ", fills " << s["fills"] << ", trades closed " << s["trades_closed"] << "\n"
    << "  realized P&L " << s["realized_pnl"].get<std::string>() << ", max heat "
    << s.value("max_heat", std::string("?")) << ", risk events " << s["risk_events"] << " ("
    << s["risk_blocks"] << " pre-trade blocks)\n"
    << "  after EOD: open orders " << s["open_orders_after_eod"] << ", open positions "
    << s["open_positions_after_eod"] << "\n"
    << "  duplicate client_order_ids " << s["duplicate_client_order_ids"]
    << ", orphan OCO children " << s["orphan_oco_children"] << ", unprotected positions "
    << s["unprotected_positions"] << "\n"
    << "  config_sha " << s["config_sha"].get<std::string>() << "\n"
    << "  digest     " << s["digest"].get<std::string>() << "\n";
  return o.str();
}

}  // namespace aitrapp
