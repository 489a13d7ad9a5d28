#include "app/paper_session.hpp"

#include <chrono>
#include <fstream>
#include <iostream>
#include <thread>

#include "app/backends.hpp"
#include "app/day_replay.hpp"
#include "app/json_log.hpp"
#include "app/summary.hpp"

namespace aitrapp {

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
  const size_t bars = in->day.bars.size(), dropped = in->day.dropped;

  // ---- Ports.
  const auto settings = BackendSettings::from_env(opts.db);
  auto logger = open_log(cfg, cal, settings.instance_id, err);
  if (!logger) return 2;
  auto opened = open_store_backends(settings);
  if (auto* e = std::get_if<StartupError>(&opened)) {
    err << "error: " << e->message << "\n";
    return e->exit_code;
  }
  Backends& b = std::get<Backends>(opened);
  DayReplay replay(cfg, std::move(in.value().day), b.store(), b.venue_journal(), *logger);
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
      out << "[" << cal.local_time_string(t).substr(11, 8) << " " << ec.timezone << "] state "
          << to_string(engine.state()) << "  signals " << s.signals << "  decisions " << s.decisions
          << "  orders " << s.orders << "  fills " << s.fills << "  day P&L "
          << to_string(engine.portfolio().day_pnl()) << "  heat " << to_string(engine.heat())
          << std::endl;
    }
  }

  // ---- Summary.
  nlohmann::json s = summarize_store(b.records(), b.venue_journal());
  s["config_sha"] = cfg.config_sha;
  s["store"] = b.describe();
  s["trading_day"] = replay.day_string();
  s["max_heat"] = to_string(engine.stats().max_heat);
  s["bars"] = bars;
  s["rows_outside_session"] = dropped;
  s["duplicate_fills_ignored"] = engine.stats().duplicate_fills_ignored;
  s["resumed"] = replay.resumed();
  const auto violations = engine.invariant_violations();
  s["invariant_violations"] = violations;
  out << format_summary(s);
  for (const auto& v : violations) err << "invariant violated: " << v << "\n";
  if (!opts.summary_json.empty()) {
    std::ofstream f(opts.summary_json);
    if (!f) {
      err << "error: cannot write " << opts.summary_json << "\n";
      return 1;
    }
    f << s.dump(2) << "\n";
  }
  return violations.empty() ? 0 : 1;
}

}  // namespace aitrapp
