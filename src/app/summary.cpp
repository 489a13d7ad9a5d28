#include "app/summary.hpp"

#include <set>
#include <sstream>

#include "core/sha256.hpp"

namespace aitrapp {

nlohmann::json summarize_store(store::SqlSession& db, VenueJournal& venue, const std::string& day) {
  nlohmann::json s;
  const std::vector<store::SqlValue> d{day};
  const auto count = [&](const std::string& sql) { return db.scalar(sql, d); };
  s["trading_day"] = day;
  s["signals"] = count("SELECT COUNT(*) FROM signals WHERE trading_day = ?1");
  s["decisions"] = count("SELECT COUNT(*) FROM decisions WHERE trading_day = ?1");
  s["orders"] = count("SELECT COUNT(*) FROM orders WHERE trading_day = ?1");
  s["fills"] = count("SELECT COUNT(*) FROM fills WHERE trading_day = ?1");
  s["trades_closed"] = count("SELECT COUNT(*) FROM trades WHERE trading_day = ?1");
  s["risk_events"] = count("SELECT COUNT(*) FROM risk_events WHERE trading_day = ?1");
  s["risk_blocks"] =
      count("SELECT COUNT(*) FROM risk_events WHERE trading_day = ?1 AND kind = 'BLOCK'");
  s["open_orders_after_eod"] = count(
      "SELECT COUNT(*) FROM orders WHERE trading_day = ?1 AND status NOT IN "
      "('FILLED','CANCELLED','REJECTED')");
  s["open_positions_after_eod"] =
      count("SELECT COUNT(*) FROM positions WHERE trading_day = ?1 AND qty <> 0");
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
  s["orphan_oco_children"] = count(
      "SELECT COUNT(*) FROM orders o JOIN oco_groups g ON g.plan_id = o.plan_id WHERE "
      "g.trading_day = ?1 AND o.role IN ('SL','TP') "
      "AND o.status NOT IN ('FILLED','CANCELLED','REJECTED') AND (g.net = 0 OR g.state = "
      "'CLOSED')");
  s["unprotected_positions"] = count(
      "SELECT COUNT(*) FROM oco_groups g WHERE g.trading_day = ?1 AND g.net <> 0 AND g.state IN "
      "('ENTERING','OPEN') AND NOT EXISTS "
      "(SELECT 1 FROM orders o WHERE o.client_order_id = g.sl_id AND o.status NOT IN "
      "('FILLED','CANCELLED','REJECTED'))");
  int64_t realized = 0;
  db.run("SELECT realized FROM positions WHERE trading_day = ?1", d,
         [&](const store::SqlRow& r) { realized += parse_fixed(r.text(0)).value_or(0); });
  s["realized_pnl"] = format_fixed(realized);
  // Text columns compare byte-wise on both backends (COLLATE "C" on PostgreSQL).
  Sha256Stream h;
  const std::string c = db.backend() == "postgresql" ? " COLLATE \"C\"" : "";
  db.run(
      "SELECT client_order_id, plan_id, role, side, order_type, qty, limit_price, "
      "trigger_price, status, filled FROM orders WHERE trading_day = ?1 ORDER BY created_ms, "
      "client_order_id" +
          c,
      d, [&](const store::SqlRow& r) {
        std::string row = "O";
        for (int col = 0; col < 10; ++col) row.append("|").append(r.text(col));
        h.update(row + "\n");
      });
  db.run(
      "SELECT client_order_id, qty, price, time_ms FROM fills WHERE trading_day = ?1 ORDER BY "
      "time_ms, client_order_id" +
          c + ", qty, price" + c,
      d, [&](const store::SqlRow& r) {
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
