#include "report/burnin.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "core/calendar.hpp"
#include "core/decimal.hpp"
#include "report/reconcile.hpp"

namespace aitrapp::report {
namespace {

using nlohmann::json;
using store::SqlRow;
using store::SqlSession;
using store::SqlValue;

int64_t raw(const std::string& s) {
  return parse_fixed(s).value_or(0);
}
std::string money(int64_t r) {
  return format_fixed(r);
}
// Ratios with two decimals, formatted here so that every rendering and every run prints the
// same bytes.
std::string ratio(double x) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f", std::abs(x) < 0.005 ? 0.0 : x);
  return b;
}
double r_multiple(int64_t pnl, int64_t risk) {
  return risk > 0 ? static_cast<double>(pnl) / static_cast<double>(risk) : 0.0;
}

constexpr const char* kTerminal = "('FILLED','CANCELLED','REJECTED')";

// The settings the day ran with, from its configuration snapshot (the store's own record, not
// whatever configuration the report is run with today).
struct DayConfig {
  std::string timezone = "Asia/Kolkata";
  SessionTimes session;
  int64_t capital = 0, daily_loss_bps = 0, per_trade_risk_bps = 0, slippage_ticks = 1;
  std::map<std::string, int64_t> tick;  // raw tick size per symbol
};

DayConfig day_config(SqlSession& db, const std::vector<SqlValue>& d) {
  std::string text = db.text_scalar(
      "SELECT c.canonical_json FROM config_snapshots c WHERE c.config_sha = (SELECT config_sha "
      "FROM decisions WHERE trading_day = ?1 ORDER BY time_ms DESC, plan_id DESC LIMIT 1)",
      d);
  if (text.empty())
    text = db.text_scalar(
        "SELECT canonical_json FROM config_snapshots ORDER BY first_seen_ms DESC, config_sha "
        "LIMIT 1");
  DayConfig c;
  if (text.empty()) return c;
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return c;
  c.timezone = j.value("/app/timezone"_json_pointer, c.timezone);
  const auto minute = [&](const char* key, int fallback) {
    const int m = parse_hhmm(j.value(json::json_pointer(std::string("/session/") + key), ""));
    return m < 0 ? fallback : m;
  };
  c.session.open_minute = minute("open", c.session.open_minute);
  c.session.close_minute = minute("close", c.session.close_minute);
  c.session.tighten_minute = minute("eod_tighten", c.session.tighten_minute);
  c.session.flat_minute = minute("hard_flat", c.session.flat_minute);
  c.capital = raw(j.value("/risk/capital"_json_pointer, std::string("0")));
  c.daily_loss_bps = j.value("/risk/daily_loss_bps"_json_pointer, int64_t{0});
  c.per_trade_risk_bps = j.value("/risk/per_trade_risk_bps"_json_pointer, int64_t{0});
  c.slippage_ticks = j.value("/venue/sim/stop_slippage_ticks"_json_pointer, int64_t{1});
  if (j.contains("instruments"))
    for (const auto& in : j["instruments"])
      c.tick[in.value("symbol", "")] = raw(in.value("tick", std::string("0")));
  return c;
}

json gate(const std::string& name, bool pass, const std::string& evidence, json numbers = {}) {
  return {{"gate", name},
          {"pass", pass},
          {"evidence", evidence},
          {"numbers", numbers.is_null() ? json::object() : numbers}};
}

// total / n rounded half away from zero to whole paise.
int64_t paise(int64_t total, int64_t n) {
  const int64_t unit = kScale / 100;
  const int64_t q = (std::abs(total) * 2 / n / unit + 1) / 2 * unit;
  return total < 0 ? -q : q;
}

// Win rate, profit factor and expectancy of a set of trades' realized P&L (raw money).
json breakdown(const std::vector<int64_t>& pnl) {
  int64_t wins = 0, gross_win = 0, gross_loss = 0, total = 0;
  for (int64_t p : pnl) {
    total += p;
    if (p > 0) {
      ++wins;
      gross_win += p;
    } else {
      gross_loss -= p;
    }
  }
  const auto n = static_cast<int64_t>(pnl.size());
  return {
      {"trades", n},
      {"pnl", money(total)},
      {"win_rate_pct", ratio(n ? 100.0 * static_cast<double>(wins) / static_cast<double>(n) : 0)},
      {"profit_factor",
       gross_loss > 0 ? ratio(static_cast<double>(gross_win) / static_cast<double>(gross_loss))
                      : std::string(gross_win > 0 ? "inf" : "-")},
      {"expectancy", money(n ? paise(total, n) : 0)}};
}

// Counts in fixed buckets [edges[i], edges[i+1]); the first is open below and the last above, so
// every value is counted once.
json histogram(const std::vector<double>& values, const std::vector<double>& edges,
               const std::string& unit) {
  json out = json::array();
  for (size_t i = 0; i < edges.size(); ++i) {
    const double lo = edges[i];
    const bool last = i + 1 == edges.size();
    const double hi = last ? 0 : edges[i + 1];
    int64_t n = 0;
    for (double v : values)
      if ((i == 0 || v >= lo) && (last || v < hi)) ++n;
    out.push_back({{"from", i == 0 ? "" : ratio(lo)},
                   {"to", last ? "" : ratio(hi)},
                   {"count", n},
                   {"unit", unit}});
  }
  return out;
}

int64_t count(SqlSession& db, const std::string& sql, const std::vector<SqlValue>& d) {
  return db.scalar(sql, d);
}

json day_report(SqlSession& db, const std::string& day) {
  const std::vector<SqlValue> d{day};
  const DayConfig cfg = day_config(db, d);
  TradingCalendar cal(cfg.timezone, cfg.session);
  const int ymd = std::stoi(day.substr(0, 4) + day.substr(5, 2) + day.substr(8, 2));
  const TimeMs tighten_at = cal.tighten_at(ymd), flat_at = cal.flat_at(ymd);
  const auto hhmmss = [&](TimeMs t) { return t > 0 ? cal.local_time_string(t).substr(11, 8) : ""; };
  json r;
  r["trading_day"] = day;
  r["timezone"] = cfg.timezone;
  json gates = json::array();

  // ---- Activity.
  const int64_t signals = count(db, "SELECT COUNT(*) FROM signals WHERE trading_day = ?1", d);
  const int64_t decisions = count(db, "SELECT COUNT(*) FROM decisions WHERE trading_day = ?1", d);
  const int64_t orders = count(db, "SELECT COUNT(*) FROM orders WHERE trading_day = ?1", d);
  const int64_t fills = count(db, "SELECT COUNT(*) FROM fills WHERE trading_day = ?1", d);
  gates.push_back(gate("signals_at_least_50", signals >= 50,
                       std::to_string(signals) + " signals (need >= 50)", {{"signals", signals}}));
  gates.push_back(gate("decisions_at_least_3", decisions >= 3,
                       std::to_string(decisions) + " decisions (need >= 3)",
                       {{"decisions", decisions}}));
  const int64_t lifecycles =
      count(db,
            "SELECT COUNT(*) FROM oco_groups WHERE trading_day = ?1 AND state = 'CLOSED' AND "
            "entry_filled > 0 AND exit_filled = entry_filled",
            d);
  gates.push_back(
      gate("complete_oco_lifecycle", lifecycles >= 1,
           std::to_string(lifecycles) + " brackets entered, exited in full and closed (need >= 1)",
           {{"complete_lifecycles", lifecycles}}));

  // ---- Heat and the day's P&L, from the stored timeline.
  json heat_line = json::array();
  int64_t max_heat = 0, heat_cap = 0, worst_pnl = 0, max_dd = 0, over_cap = 0;
  db.run(
      "SELECT minute_ms, heat, heat_cap, day_pnl, drawdown FROM risk_samples WHERE trading_day "
      "= ?1 ORDER BY minute_ms",
      d, [&](const SqlRow& q) {
        const int64_t h = raw(q.text(1)), cap = raw(q.text(2)), pnl = raw(q.text(3)),
                      dd = raw(q.text(4));
        max_heat = std::max(max_heat, h);
        heat_cap = std::max(heat_cap, cap);
        worst_pnl = std::min(worst_pnl, pnl);
        max_dd = std::max(max_dd, dd);
        if (h > cap) ++over_cap;
        heat_line.push_back({{"t", hhmmss(q.integer(0))},
                             {"heat", money(h)},
                             {"cap", money(cap)},
                             {"day_pnl", money(pnl)},
                             {"drawdown", money(dd)}});
      });
  r["timeline"] = heat_line;
  gates.push_back(gate("heat_within_cap", over_cap == 0 && !heat_line.empty(),
                       heat_line.empty()
                           ? "no risk timeline stored for the day"
                           : "max heat " + money(max_heat) + " against cap " + money(heat_cap) +
                                 "; " + std::to_string(over_cap) + " minutes above it",
                       {{"max_heat", money(max_heat)},
                        {"heat_cap", money(heat_cap)},
                        {"minutes_above_cap", over_cap}}));

  // ---- Daily loss stop: when the day's P&L reached the cap the stop fired, and nothing was
  // entered after a loss or drawdown stop.
  const int64_t loss_cap = mul_div(cfg.capital, cfg.daily_loss_bps, 10'000);
  TimeMs stop_at = 0;
  db.run(
      "SELECT MIN(time_ms) FROM risk_events WHERE trading_day = ?1 AND kind = 'LIMIT' AND "
      "check_name IN ('DAILY_LOSS_STOP','MAX_DRAWDOWN')",
      d, [&](const SqlRow& q) { stop_at = q.is_null(0) ? 0 : q.integer(0); });
  const int64_t entries_after =
      stop_at > 0 ? count(db,
                          "SELECT COUNT(*) FROM orders WHERE trading_day = ?1 AND role = 'ENTRY' "
                          "AND created_ms > ?2",
                          {day, stop_at})
                  : 0;
  const bool breached_unstopped = loss_cap > 0 && -worst_pnl >= loss_cap && stop_at == 0;
  gates.push_back(gate("daily_loss_stop_respected", !breached_unstopped && entries_after == 0,
                       "worst day P&L " + money(worst_pnl) + " against the stop -" +
                           money(loss_cap) +
                           (stop_at ? "; loss/drawdown stop at " + hhmmss(stop_at) + ", " +
                                          std::to_string(entries_after) + " entries after it"
                                    : "; no loss stop fired"),
                       {{"worst_day_pnl", money(worst_pnl)},
                        {"loss_cap", money(loss_cap)},
                        {"max_drawdown", money(max_dd)},
                        {"entries_after_stop", entries_after}}));

  // ---- Trades: realized P&L against the planned risk; how each one ended.
  std::map<std::string, std::string> exit_kind;  // plan -> the leg that closed most of it
  {
    std::map<std::string, int64_t> best;
    db.run(
        "SELECT plan_id, role, SUM(qty) FROM fills WHERE trading_day = ?1 AND role <> 'ENTRY' "
        "GROUP BY plan_id, role ORDER BY plan_id, role",
        d, [&](const SqlRow& q) {
          if (q.integer(2) > best[q.text(0)]) {
            best[q.text(0)] = q.integer(2);
            exit_kind[q.text(0)] = q.text(1);
          }
        });
  }
  // A stop "gapped through" filled further from its trigger than the fill model's slippage.
  std::map<std::string, bool> gapped;
  std::vector<double> slip_ticks[3];
  std::vector<int64_t> slip_money[3];
  const char* roles[3] = {"ENTRY", "SL", "TP"};
  db.run(
      "SELECT plan_id, role, side, symbol, limit_price, trigger_price, filled, filled_notional "
      "FROM orders WHERE trading_day = ?1 AND filled > 0 AND role IN ('ENTRY','SL','TP') ORDER "
      "BY client_order_id",
      d, [&](const SqlRow& q) {
        const std::string role = q.text(1);
        const bool buy = q.text(2) == "BUY";
        const int64_t qty = q.integer(6), notional = raw(q.text(7));
        const int64_t avg = qty ? notional / qty : 0;
        const int64_t ref = raw(role == "SL" ? q.text(5) : q.text(4));
        if (ref == 0) return;  // a market entry has no reference price
        const int64_t adverse = buy ? avg - ref : ref - avg;
        const auto tick = cfg.tick.count(q.text(3)) ? cfg.tick.at(q.text(3)) : 0;
        const int i = role == "ENTRY" ? 0 : role == "SL" ? 1 : 2;
        slip_ticks[i].push_back(tick > 0 ? static_cast<double>(adverse) / static_cast<double>(tick)
                                         : 0);
        slip_money[i].push_back(adverse * qty);
        if (i == 1 && tick > 0 && adverse > cfg.slippage_ticks * tick) gapped[q.text(0)] = true;
      });
  json slippage = json::array();
  for (int i = 0; i < 3; ++i) {
    double sum = 0, worst = 0;
    int64_t cost = 0;
    for (double t : slip_ticks[i]) {
      sum += t;
      worst = std::max(worst, t);
    }
    for (int64_t m : slip_money[i]) cost += m;
    const auto n = slip_ticks[i].size();
    slippage.push_back({{"role", roles[i]},
                        {"orders", n},
                        {"mean_ticks", ratio(n ? sum / static_cast<double>(n) : 0)},
                        {"worst_ticks", ratio(worst)},
                        {"cost", money(cost)}});
  }
  r["slippage"] = slippage;

  json trades = json::array();
  std::map<std::string, std::vector<int64_t>> by[5];  // symbol, strategy, side, exit, hour
  std::vector<int64_t> all;
  std::vector<double> realized_r;
  int64_t over_2r = 0, excused = 0, risk_over_cap = 0;
  const int64_t trade_cap = mul_div(cfg.capital, cfg.per_trade_risk_bps, 10'000);
  std::string worst_trade;
  double worst_r = 0;
  db.run(
      "SELECT g.plan_id, g.strategy, g.symbol, g.side, g.entry_filled, g.realized, g.mae, g.mfe, "
      "g.opened_ms, g.closed_ms, d.risk FROM oco_groups g JOIN decisions d ON d.plan_id = "
      "g.plan_id WHERE g.trading_day = ?1 AND g.state = 'CLOSED' AND g.entry_filled > 0 ORDER BY "
      "g.opened_ms, g.plan_id",
      d, [&](const SqlRow& q) {
        const std::string plan = q.text(0);
        const int64_t qty = q.integer(4), pnl = raw(q.text(5)), risk = raw(q.text(10));
        const int64_t mae = raw(q.text(6)) * qty, mfe = raw(q.text(7)) * qty;
        const double rr = r_multiple(pnl, risk);
        const std::string kind = exit_kind.count(plan) ? exit_kind.at(plan) : "NONE";
        const std::string hour = hhmmss(q.integer(8)).substr(0, 2) + ":00";
        const bool gap = gapped.count(plan) > 0;
        if (rr < -2.0) (gap ? excused : over_2r) += 1;
        if (risk > trade_cap && trade_cap > 0) ++risk_over_cap;
        if (rr < worst_r) {
          worst_r = rr;
          worst_trade = plan;
        }
        trades.push_back({{"plan_id", plan},
                          {"strategy", q.text(1)},
                          {"symbol", q.text(2)},
                          {"side", q.text(3)},
                          {"qty", qty},
                          {"opened", hhmmss(q.integer(8))},
                          {"closed", hhmmss(q.integer(9))},
                          {"exit", kind},
                          {"planned_risk", money(risk)},
                          {"pnl", money(pnl)},
                          {"r", ratio(rr)},
                          {"mae", money(mae)},
                          {"mfe", money(mfe)},
                          {"mae_r", ratio(r_multiple(mae, risk))},
                          {"mfe_r", ratio(r_multiple(mfe, risk))},
                          {"stop_gapped", gap}});
        all.push_back(pnl);
        realized_r.push_back(rr);
        by[0][q.text(2)].push_back(pnl);
        by[1][q.text(1)].push_back(pnl);
        by[2][q.text(3)].push_back(pnl);
        by[3][kind].push_back(pnl);
        by[4][hour].push_back(pnl);
      });
  r["trades"] = trades;
  gates.push_back(gate("per_trade_risk_enforced", over_2r == 0 && risk_over_cap == 0,
                       std::to_string(trades.size()) + " trades; worst " + ratio(worst_r) + " R" +
                           (worst_trade.empty() ? "" : " (" + worst_trade + ")") + "; " +
                           std::to_string(over_2r) + " lost more than 2 R without a gapped stop (" +
                           std::to_string(excused) + " gapped); " + std::to_string(risk_over_cap) +
                           " planned above the per-trade cap " + money(trade_cap),
                       {{"trades", trades.size()},
                        {"worst_r", ratio(worst_r)},
                        {"over_2r", over_2r},
                        {"over_2r_gapped", excused},
                        {"planned_above_cap", risk_over_cap}}));
  json pnl = {{"all", breakdown(all)}};
  const char* dims[5] = {"by_symbol", "by_strategy", "by_side", "by_exit", "by_hour"};
  for (int i = 0; i < 5; ++i) {
    pnl[dims[i]] = json::object();
    for (const auto& [k, v] : by[i]) pnl[dims[i]][k] = breakdown(v);
  }
  r["pnl"] = pnl;
  std::vector<double> mae_r, mfe_r;
  for (const auto& t : trades) {
    mae_r.push_back(std::stod(t["mae_r"].get<std::string>()));
    mfe_r.push_back(std::stod(t["mfe_r"].get<std::string>()));
  }
  r["histograms"] = {
      {"realized_r", histogram(realized_r, {-3, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3}, "R")},
      {"mae_r", histogram(mae_r, {0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 2}, "R")},
      {"mfe_r", histogram(mfe_r, {0, 0.5, 1, 1.5, 2, 3, 4}, "R")}};

  // ---- End of day.
  TimeMs tightened = 0, flat = 0;
  db.run(
      "SELECT check_name, MIN(time_ms) FROM risk_events WHERE trading_day = ?1 AND kind = 'EOD' "
      "GROUP BY check_name ORDER BY check_name",
      d, [&](const SqlRow& q) { (q.text(0) == "TIGHTEN" ? tightened : flat) = q.integer(1); });
  const int64_t open_orders = count(db,
                                    std::string("SELECT COUNT(*) FROM orders WHERE trading_day = "
                                                "?1 AND status NOT IN ") +
                                        kTerminal,
                                    d);
  const int64_t open_positions =
      count(db, "SELECT COUNT(*) FROM positions WHERE trading_day = ?1 AND qty <> 0", d);
  TimeMs last_close = 0;
  db.run("SELECT MAX(closed_ms) FROM oco_groups WHERE trading_day = ?1 AND entry_filled > 0", d,
         [&](const SqlRow& q) { last_close = q.is_null(0) ? 0 : q.integer(0); });
  // Flat "at 15:25": the hard flat's market exits fill within a minute of it.
  const bool eod_ok = tightened >= tighten_at && tightened < tighten_at + kMinuteMs &&
                      flat >= flat_at && flat < flat_at + kMinuteMs && open_orders == 0 &&
                      open_positions == 0 && last_close <= flat_at + kMinuteMs;
  gates.push_back(gate("eod_tighten_and_flat", eod_ok,
                       "tighten " + (tightened ? hhmmss(tightened) : std::string("missing")) +
                           ", hard flat " + (flat ? hhmmss(flat) : std::string("missing")) + " " +
                           cfg.timezone + "; last bracket closed " +
                           (last_close ? hhmmss(last_close) : std::string("-")) + "; " +
                           std::to_string(open_orders) + " open orders and " +
                           std::to_string(open_positions) + " open positions after",
                       {{"tighten", hhmmss(tightened)},
                        {"hard_flat", hhmmss(flat)},
                        {"last_close", hhmmss(last_close)},
                        {"open_orders_after", open_orders},
                        {"open_positions_after", open_positions}}));

  // ---- Record keeping: the reconcile checks of the day (scripts/reconcile_db.sql), so that the
  // report and `aitrapp reconcile --day` can never disagree.
  std::map<std::string, ReconcileResult> checks;
  for (const char* name :
       {"broken_chain", "missing_config_sha", "orphan_oco_siblings", "duplicate_client_order_id"})
    checks.emplace(name, reconcile_check(db, name, day));
  const auto problems = [&](const std::string& name) {
    return static_cast<int64_t>(checks.at(name).rows.size());
  };
  // A few of the offending rows, as the evidence names them: column `col` of each.
  const auto named = [&](const std::string& name, size_t col) {
    const auto& rows = checks.at(name).rows;
    if (rows.empty()) return std::string();
    std::string ids;
    for (size_t i = 0; i < rows.size() && i < 3; ++i) ids += (i ? ", " : "") + rows[i].at(col);
    return ": " + ids + (rows.size() > 3 ? ", ..." : "");
  };
  const int64_t broken = problems("broken_chain");
  gates.push_back(
      gate("complete_chain", broken == 0 && decisions > 0,
           std::to_string(broken) + " breaks in signal -> decision -> orders -> trades over " +
               std::to_string(decisions) + " decisions, " + std::to_string(orders) + " orders, " +
               std::to_string(fills) + " fills" + named("broken_chain", 1),
           {{"breaks", broken}}));
  const int64_t no_sha = problems("missing_config_sha");
  gates.push_back(gate("every_order_has_config_sha", no_sha == 0,
                       std::to_string(no_sha) +
                           " orders, fills, decisions or trades without a known config_sha" +
                           named("missing_config_sha", 1),
                       {{"missing", no_sha}}));
  const int64_t orphans = problems("orphan_oco_siblings");
  gates.push_back(gate("no_orphan_oco_siblings", orphans == 0,
                       std::to_string(orphans) + " live SL/TP legs whose bracket holds nothing" +
                           named("orphan_oco_siblings", 0),
                       {{"orphans", orphans}}));
  // Ids are the primary key, so a second row cannot exist; what can: two live orders for one
  // leg, or an order at the (simulated) venue that the engine never created.
  const int64_t two_live = problems("duplicate_client_order_id");
  std::vector<std::string> venue_ids;
  db.run("SELECT state_json FROM sim_venue_orders ORDER BY client_order_id", {},
         [&](const SqlRow& q) {
           const json v = json::parse(q.text(0), nullptr, false);
           venue_ids.push_back(v.is_object() ? v.value("id", "") : "");
         });
  int64_t foreign = 0;
  for (const auto& id : venue_ids)
    if (count(db, "SELECT COUNT(*) FROM orders WHERE client_order_id = ?1", {id}) == 0) ++foreign;
  gates.push_back(
      gate("no_duplicate_client_order_id", two_live == 0 && foreign == 0,
           std::to_string(two_live) + " legs with two live orders" +
               named("duplicate_client_order_id", 1) + "; " + std::to_string(foreign) +
               " orders at the venue the engine did not create",
           {{"two_live_orders_for_a_leg", two_live}, {"foreign_venue_orders", foreign}}));

  // ---- Kill switch runs: how long each took to be flat.
  json kills = json::array();
  std::vector<int64_t> durations;
  int64_t unfinished = 0;
  db.run(
      "SELECT time_ms, reason, source, flat_ms, positions, working_orders FROM "
      "kill_switch_events WHERE trading_day = ?1 ORDER BY id",
      d, [&](const SqlRow& q) {
        const TimeMs at = q.integer(0), done = q.integer(3);
        if (done > 0)
          durations.push_back(done - at);
        else
          ++unfinished;
        kills.push_back({{"time", hhmmss(at)},
                         {"reason", q.text(1)},
                         {"source", q.text(2)},
                         {"positions", q.integer(4)},
                         {"working_orders", q.integer(5)},
                         {"duration_ms", done > 0 ? json(done - at) : json(nullptr)}});
      });
  std::sort(durations.begin(), durations.end());
  const int64_t p95 = durations.empty() ? 0 : durations[(durations.size() * 95 + 99) / 100 - 1];
  r["kill_switch"] = kills;
  gates.push_back(gate("flatten_within_2s", unfinished == 0 && p95 <= 2000,
                       kills.empty() ? "no kill switch ran"
                                     : std::to_string(kills.size()) + " runs, p95 " +
                                           std::to_string(p95) + " ms (need <= 2000), " +
                                           std::to_string(unfinished) + " never recorded flat",
                       {{"runs", kills.size()}, {"p95_ms", p95}, {"unfinished", unfinished}}));

  // ---- Risk events and ack latency.
  json risk = {{"by_check", json::array()}, {"events", json::array()}};
  db.run(
      "SELECT kind, check_name, COUNT(*) FROM risk_events WHERE trading_day = ?1 GROUP BY kind, "
      "check_name ORDER BY kind, check_name",
      d, [&](const SqlRow& q) {
        risk["by_check"].push_back(
            {{"kind", q.text(0)}, {"check", q.text(1)}, {"count", q.integer(2)}});
      });
  db.run(
      "SELECT time_ms, kind, check_name, reason, symbol FROM risk_events WHERE trading_day = ?1 "
      "AND kind <> 'BLOCK' ORDER BY id",
      d, [&](const SqlRow& q) {
        risk["events"].push_back({{"time", hhmmss(q.integer(0))},
                                  {"kind", q.text(1)},
                                  {"check", q.text(2)},
                                  {"reason", q.text(3)},
                                  {"symbol", q.text(4)}});
      });
  r["risk_events"] = risk;
  std::vector<double> ack;
  db.run(
      "SELECT acked_ms - sent_ms FROM orders WHERE trading_day = ?1 AND sent_ms > 0 AND acked_ms "
      ">= sent_ms ORDER BY client_order_id",
      d, [&](const SqlRow& q) { ack.push_back(static_cast<double>(q.integer(0))); });
  r["histograms"]["ack_latency_ms"] = histogram(ack, {0, 50, 100, 250, 500, 1000, 2000}, "ms");

  int64_t realized = 0;
  db.run("SELECT realized FROM positions WHERE trading_day = ?1 ORDER BY symbol", d,
         [&](const SqlRow& q) { realized += raw(q.text(0)); });
  r["counts"] = {{"signals", signals},         {"decisions", decisions},
                 {"orders", orders},           {"fills", fills},
                 {"trades", trades.size()},    {"realized_pnl", money(realized)},
                 {"max_heat", money(max_heat)}};
  r["markers"] = {{"tighten", hhmmss(tighten_at)}, {"hard_flat", hhmmss(flat_at)}};
  bool pass = true;
  for (const auto& g : gates) pass = pass && g["pass"].get<bool>();
  r["gates"] = gates;
  r["pass"] = pass;
  return r;
}

}  // namespace

json burnin_report(SqlSession& db, const std::vector<std::string>& days) {
  json out;
  out["days"] = json::array();
  json failed = json::array();
  int64_t realized = 0, trades = 0;
  for (const auto& day : days) {
    json r = day_report(db, day);
    for (const auto& g : r["gates"])
      if (!g["pass"].get<bool>()) failed.push_back(day + " " + g["gate"].get<std::string>());
    realized += raw(r["counts"]["realized_pnl"].get<std::string>());
    trades += r["counts"]["trades"].get<int64_t>();
    out["days"].push_back(std::move(r));
  }
  out["overall"] = {{"pass", failed.empty()},         {"days", days.size()},
                    {"first_day", days.front()},      {"last_day", days.back()},
                    {"failed_gates", failed},         {"trades", trades},
                    {"realized_pnl", money(realized)}};
  return out;
}

}  // namespace aitrapp::report
