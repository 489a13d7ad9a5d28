#include "app/paper_session.hpp"

#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <queue>
#include <set>
#include <thread>

#include "app/config.hpp"
#include "app/json_log.hpp"
#include "app/summary.hpp"
#include "engine/engine.hpp"
#include "market/csv_loader.hpp"
#include "market/tick_path.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "venue/sim/sim_venue.hpp"

namespace aitrapp {
namespace {

// What the replay feeds, in time order. At equal times: requests reach the venue, then market
// data (the venue matches before the engine sees the tick), then venue answers, bar closes, timers.
enum class Kind { VenueArrival = 0, Tick = 1, VenueAnswer = 2, BarsClosed = 3, Timer = 4 };

struct Scheduled {
  TimeMs time;
  Kind kind;
  uint64_t seq;
  size_t index;
  bool operator>(const Scheduled& o) const {
    if (time != o.time) return time > o.time;
    if (kind != o.kind) return kind > o.kind;
    return seq > o.seq;
  }
};

class ReplayLoop {
 public:
  void push(TimeMs t, Kind k, size_t index) { q_.push(Scheduled{t, k, seq_++, index}); }
  bool empty() const { return q_.empty(); }
  Scheduled pop() {
    Scheduled s = q_.top();
    q_.pop();
    return s;
  }

 private:
  std::priority_queue<Scheduled, std::vector<Scheduled>, std::greater<>> q_;
  uint64_t seq_ = 0;
};

// The engine's venue port in a replay: requests travel to the venue after the link latency.
class LoopVenueLink final : public VenuePort {
 public:
  LoopVenueLink(ReplayLoop& loop, const Clock& clock, TimeMs latency)
      : loop_(loop), clock_(clock), latency_(latency) {}
  void send(const VenueRequest& r) override {
    requests.push_back(r);
    loop_.push(clock_.now() + latency_, Kind::VenueArrival, requests.size() - 1);
  }
  std::vector<VenueRequest> requests;

 private:
  ReplayLoop& loop_;
  const Clock& clock_;
  TimeMs latency_;
};

}  // namespace

int run_paper(const PaperOptions& opts, std::ostream& out, std::ostream& err) {
  // ---- Validate every input before touching the store.
  auto cfg_r = opts.config_path.empty()
                   ? parse_config(embedded_default_config(),
                                  "embedded default configuration (configs/app.yaml)")
                   : load_config_file(opts.config_path);
  if (!cfg_r) {
    err << "error: " << cfg_r.error() << "\n";
    return 2;
  }
  const AppConfig& cfg = cfg_r.value();
  const EngineConfig& ec = cfg.engine;
  TradingCalendar cal(ec.timezone, ec.session);
  if (opts.data.empty()) {
    err << "error: --data is required (a CSV file or a directory of them)\n";
    return 2;
  }
  auto files = load_bar_paths(opts.data, cal, cfg.perp_symbol);
  if (!files) {
    err << "error: " << files.error() << "\n";
    return 2;
  }
  std::vector<Bar> bars;
  size_t dropped = 0;
  std::set<int> days;
  for (const auto& f : files.value()) {
    for (const auto& b : f.bars) {
      if (!ec.instruments.count(b.symbol)) {
        err << "error: " << f.path << ":" << b.source_line << ": unknown instrument '" << b.symbol
            << "' (not in the configuration's 'instruments')\n";
        return 2;
      }
      if (!cal.in_session(b.start)) {
        ++dropped;
        continue;
      }
      days.insert(cal.local_yyyymmdd(b.start));
      bars.push_back(b);
    }
  }
  if (bars.empty()) {
    err << "error: no bars inside the session " << format_hhmm(ec.session.open_minute) << "-"
        << format_hhmm(ec.session.close_minute) << " " << ec.timezone << "\n";
    return 2;
  }
  if (days.size() > 1) {
    err << "error: the data spans " << days.size()
        << " trading days; paper replays one day per run\n";
    return 2;
  }
  const int day = *days.begin();
  std::stable_sort(bars.begin(), bars.end(), [](const Bar& a, const Bar& b) {
    return a.start != b.start ? a.start < b.start : a.symbol < b.symbol;
  });

  // ---- Ports.
  std::unique_ptr<store::SqliteStore> store;
  std::unique_ptr<JsonLineLog> logger;
  try {
    store = std::make_unique<store::SqliteStore>(opts.db);
    logger = std::make_unique<JsonLineLog>(cfg.log_file, cal);
  } catch (const std::exception& e) {
    err << "error: " << e.what() << "\n";
    return 1;
  }
  store->write(WriteBatch{{ConfigSnapshotRecord{cfg.config_sha, cfg.canonical_json}}});

  SimClock clock;
  ReplayLoop loop;
  LoopVenueLink link(loop, clock, cfg.sim.latency_ms);
  std::vector<VenueEvent> answers;
  SimVenue venue(
      ec.instruments, cfg.sim,
      [&](VenueEvent ev) {
        answers.push_back(std::move(ev));
        loop.push(answers.back().time, Kind::VenueAnswer, answers.size() - 1);
      },
      [&](const std::string& id, const std::string& json) { store->save_venue_order(id, json); });
  Engine engine(ec, *store, link, clock, *logger);
  engine.start_day(day);

  // ---- Recovery: resume after the last checkpoint of this day, if any.
  char daybuf[16];
  std::snprintf(daybuf, sizeof daybuf, "%04d-%02d-%02d", day / 10000, day / 100 % 100, day % 100);
  RecoveredState rec = store->recover(daybuf);
  const TimeMs resume_after = rec.checkpoint ? rec.checkpoint->last_event : -1;
  venue.restore(store->load_venue_orders());

  std::vector<Tick> ticks;
  std::vector<std::vector<Bar>> closes;
  std::map<TimeMs, size_t> close_index;
  for (const Bar& b : bars) {
    const TimeMs close_time = b.start + kMinuteMs;
    if (close_time <= resume_after) {
      engine.warm_up(b);
      continue;
    }
    const Instrument& in = ec.instruments.at(b.symbol);
    if (in.tradable)
      for (auto& t : bar_to_ticks(b, in))
        if (t.time > resume_after) {
          ticks.push_back(std::move(t));
          loop.push(ticks.back().time, Kind::Tick, ticks.size() - 1);
        }
    auto [it, fresh] = close_index.try_emplace(close_time, closes.size());
    if (fresh) {
      closes.emplace_back();
      loop.push(close_time, Kind::BarsClosed, it->second);
    }
    closes[it->second].push_back(b);
  }
  clock.advance_to(resume_after > 0 ? resume_after : bars.front().start);
  engine.recover(rec);
  if (rec.checkpoint) {
    out << "Resuming " << daybuf << " after " << cal.local_time_string(resume_after) << ": "
        << engine.portfolio().open_positions() << " open positions, " << engine.live_orders()
        << " live orders\n";
    // Every recovered position must still be protected before the replay goes on.
    const auto broken = engine.invariant_violations();
    for (const auto& v : broken) err << "invariant violated after recovery: " << v << "\n";
    if (!broken.empty()) return 1;
  }

  // ---- Replay.
  const auto wall_start = std::chrono::steady_clock::now();
  const TimeMs sim_start = clock.now();
  std::set<TimeMs> timers;
  TimeMs next_progress = 0;
  TimeMs last_timer = -1;
  int spins = 0;
  auto schedule_timer = [&] {
    TimeMs w = engine.next_wakeup();
    if (w >= 0 && timers.insert(w).second) loop.push(w, Kind::Timer, 0);
  };
  schedule_timer();
  while (!loop.empty()) {
    Scheduled ev = loop.pop();
    if (opts.speed > 0) {
      auto due = wall_start + std::chrono::milliseconds(
                                  static_cast<int64_t>((ev.time - sim_start) / opts.speed));
      std::this_thread::sleep_until(due);
    }
    clock.advance_to(ev.time);
    switch (ev.kind) {
      case Kind::VenueArrival:
        venue.on_request(link.requests[ev.index], ev.time);
        break;
      case Kind::Tick:
        venue.on_tick(ticks[ev.index]);
        engine.on_tick(ticks[ev.index]);
        break;
      case Kind::VenueAnswer:
        engine.on_venue_event(answers[ev.index]);
        break;
      case Kind::BarsClosed:
        engine.on_bars_closed(closes[ev.index]);
        break;
      case Kind::Timer:
        timers.erase(ev.time);
        // A deadline that does not move after it fired would spin the replay forever.
        spins = ev.time == last_timer ? spins + 1 : 0;
        last_timer = ev.time;
        if (spins > 1000)
          throw std::logic_error("engine keeps asking for a timer at the same instant");
        engine.on_timer();
        break;
    }
    schedule_timer();
    if (opts.progress && ev.time >= next_progress) {
      next_progress = ev.time + 30 * kMinuteMs;
      const auto& s = engine.stats();
      out << "[" << cal.local_time_string(ev.time).substr(11, 8) << " " << ec.timezone << "] state "
          << to_string(engine.state()) << "  signals " << s.signals << "  decisions " << s.decisions
          << "  orders " << s.orders << "  fills " << s.fills << "  day P&L "
          << to_string(engine.portfolio().day_pnl()) << "  heat " << to_string(engine.heat())
          << std::endl;
    }
  }

  // ---- Summary.
  nlohmann::json s = summarize_store(*store);
  s["trading_day"] = daybuf;
  s["max_heat"] = to_string(engine.stats().max_heat);
  s["bars"] = bars.size();
  s["rows_outside_session"] = dropped;
  s["duplicate_fills_ignored"] = engine.stats().duplicate_fills_ignored;
  s["resumed"] = rec.checkpoint.has_value();
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
