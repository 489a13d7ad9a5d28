#include "app/paper_session.hpp"

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "app/backends.hpp"
#include "app/day_replay.hpp"
#include "app/json_log.hpp"
#include "app/summary.hpp"
#include "core/sha256.hpp"

namespace aitrapp {

namespace {

// The run's totals over its days' summaries: counts add up, the P&L sums in paise, the last
// day's close is what is left open, and the digest chains the days' digests.
nlohmann::json total_of(const std::vector<nlohmann::json>& days) {
  nlohmann::json t = nlohmann::json::object();
  int64_t realized = 0;
  Sha256Stream h;
  for (const auto& d : days) {
    for (const char* k :
         {"signals", "decisions", "orders", "fills", "trades_closed", "risk_events", "risk_blocks",
          "duplicate_client_order_ids", "orphan_oco_children", "duplicate_fills_ignored"})
      t[k] = t.value(k, int64_t{0}) + d.value(k, int64_t{0});
    realized += parse_fixed(d["realized_pnl"].get<std::string>()).value_or(0);
    h.update(d["digest"].get<std::string>() + "\n");
  }
  t["days"] = days.size();
  t["first_day"] = days.front()["trading_day"];
  t["last_day"] = days.back()["trading_day"];
  t["realized_pnl"] = format_fixed(realized);
  t["open_orders_after_eod"] = days.back()["open_orders_after_eod"];
  t["open_positions_after_eod"] = days.back()["open_positions_after_eod"];
  t["digest"] = h.hex_final();
  return t;
}

std::string format_total(const nlohmann::json& t) {
  std::ostringstream o;
  o << "Total over " << t["days"] << " days (" << t["first_day"].get<std::string>() << " to "
    << t["last_day"].get<std::string>() << ")\n"
    << "  signals " << t["signals"] << ", decisions " << t["decisions"] << ", orders "
    << t["orders"] << ", fills " << t["fills"] << ", trades closed " << t["trades_closed"] << "\n"
    << "  realized P&L " << t["realized_pnl"].get<std::string>() << ", risk events "
    << t["risk_events"] << " (" << t["risk_blocks"] << " pre-trade blocks)\n"
    << "  duplicate client_order_ids " << t["duplicate_client_order_ids"]
    << ", orphan OCO children " << t["orphan_oco_children"] << "\n"
    << "  digest     " << t["digest"].get<std::string>() << "\n";
  return o.str();
}

}  // namespace

int run_paper(const PaperOptions& opts, std::ostream& out, std::ostream& err) {
  // ---- Validate every input before touching the store.
  auto in = load_replay_inputs(opts.config_path, opts.data);
  if (!in) {
    err << "error: " << in.error() << "\n";
    return 2;
  }
  const AppConfig& cfg = in.value().cfg;
  const EngineConfig& ec = cfg.engine;
  TradingCalendar cal(ec.timezone, ec.session);

  // ---- Ports.
  const auto settings = BackendSettings::from_env(opts.db);
  auto logger = open_log(cfg, cal, settings.instance_id, err);
  if (!logger) return 2;
  auto opened = open_store_backends(settings);
  if (!opened) {
    err << "error: " << opened.error() << "\n";
    return startup_exit_status(opened.failure());
  }
  Backends& b = opened.value();

  // ---- Each day on the same store, one after the other: the day boundary is a new engine that
  // recovers what the previous day left open (nothing, for a book flat at 15:25), as a morning
  // restart would.
  std::vector<nlohmann::json> summaries;
  bool failed = false;
  for (DayData& day : in.value().days) {
    const size_t bars = day.bars.size(), dropped = day.dropped;
    DayReplay replay(cfg, std::move(day), b.store(), b.venue_journal(), *logger);
    const auto broken = replay.start();
    const Engine& engine = replay.engine();
    if (replay.resumed()) {
      out << "Resuming " << replay.day_string() << " after "
          << cal.local_time_string(replay.resumed_after()) << ": "
          << engine.portfolio().open_positions() << " open positions, " << engine.live_orders()
          << " live orders\n";
      for (const auto& v : broken) err << "invariant violated after recovery: " << v << "\n";
      if (!broken.empty()) return 1;
      if (replay.idle()) out << nothing_left_to_replay(replay.day_string()) << "\n";
    }

    // ---- Replay.
    const auto wall_start = std::chrono::steady_clock::now();
    const TimeMs sim_start = replay.now();
    TimeMs next_progress = 0;
    while (!replay.idle()) {
      const TimeMs t = replay.next_time();
      if (opts.speed > 0)
        std::this_thread::sleep_until(wall_start + std::chrono::milliseconds(static_cast<int64_t>(
                                                       (t - sim_start) / opts.speed)));
      replay.step();
      if (opts.progress && t >= next_progress) {
        next_progress = t + 30 * kMinuteMs;
        const auto& s = engine.stats();
        out << "[" << cal.local_time_string(t).substr(0, 19) << " " << ec.timezone << "] state "
            << to_string(engine.state()) << "  signals " << s.signals << "  decisions "
            << s.decisions << "  orders " << s.orders << "  fills " << s.fills << "  day P&L "
            << to_string(engine.portfolio().day_pnl()) << "  heat " << to_string(engine.heat())
            << std::endl;
      }
    }

    // ---- The day's summary.
    nlohmann::json s = summarize_store(b.records(), b.venue_journal(), replay.day_string());
    s["config_sha"] = cfg.config_sha;
    s["store"] = b.describe();
    s["max_heat"] = to_string(engine.stats().max_heat);
    s["bars"] = bars;
    s["rows_outside_session"] = dropped;
    s["duplicate_fills_ignored"] = engine.stats().duplicate_fills_ignored;
    s["resumed"] = replay.resumed();
    const auto violations = engine.invariant_violations();
    s["invariant_violations"] = violations;
    out << format_summary(s);
    for (const auto& v : violations) err << "invariant violated: " << v << "\n";
    failed = failed || !violations.empty();
    summaries.push_back(std::move(s));
  }
  nlohmann::json report = summaries.front();
  if (summaries.size() > 1) {
    const nlohmann::json total = total_of(summaries);
    out << format_total(total);
    report = {{"days", summaries}, {"total", total}};
  }
  if (!opts.summary_json.empty()) {
    std::ofstream f(opts.summary_json);
    if (!f) {
      err << "error: cannot write " << opts.summary_json << "\n";
      return 1;
    }
    f << report.dump(2) << "\n";
  }
  return failed ? 1 : 0;
}

}  // namespace aitrapp
