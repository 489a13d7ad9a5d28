#include "app/day_replay.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include "core/text.hpp"
#include "market/csv_loader.hpp"
#include "market/tick_path.hpp"

namespace aitrapp {

std::string nothing_left_to_replay(const std::string& day) {
  return "Nothing left to replay: " + day +
         " was already replayed to its end in this store; a fresh --db (or another database) "
         "replays it again";
}

namespace {

// Bars of one or more trading days, validated, one DayData per day in date order.
Result<std::vector<DayData>> load_days(const AppConfig& cfg,
                                       const std::vector<std::string>& paths) {
  const EngineConfig& ec = cfg.engine;
  TradingCalendar cal(ec.timezone, ec.session);
  if (paths.empty()) return Error{"--data is required (a CSV file or a directory of them)"};
  auto files = load_bar_paths(paths, cal, cfg.perp_symbol);
  if (!files) return Error{files.error()};
  std::map<int, DayData> days;
  size_t dropped = 0;
  // Where each (symbol, minute) came from: the same minute twice, in one file given twice or in
  // two files, is refused rather than replayed twice.
  std::map<std::pair<std::string, TimeMs>, std::string> origin;
  for (const auto& f : files.value()) {
    for (const auto& b : f.bars) {
      const std::string here = f.path + ":" + std::to_string(b.source_line);
      if (!ec.instruments.count(b.symbol))
        return Error{here + ": unknown instrument " + quote_bytes(b.symbol) +
                     " (not in the configuration's 'instruments')"};
      if (auto [it, fresh] = origin.emplace(std::make_pair(b.symbol, b.start), here); !fresh)
        return Error{here + ": duplicate bar: " + b.symbol + " " + cal.local_time_string(b.start) +
                     " is also at " + it->second};
      if (!cal.in_session(b.start)) {
        ++dropped;
        continue;
      }
      const int day = cal.local_yyyymmdd(b.start);
      days[day].day = day;
      days[day].bars.push_back(b);
    }
  }
  if (days.empty())
    return Error{"no bars inside the session " + format_hhmm(ec.session.open_minute) + "-" +
                 format_hhmm(ec.session.close_minute) + " " + ec.timezone};
  std::vector<DayData> out;
  for (auto& [_, d] : days) {
    std::stable_sort(d.bars.begin(), d.bars.end(), [](const Bar& a, const Bar& b) {
      return a.start != b.start ? a.start < b.start : a.symbol < b.symbol;
    });
    // Price sanity: a bar whose range leaves the instrument's band around the previous close
    // of the day is a bad row (a 1.00 print in a NIFTY day), not a market the venue could trade.
    std::map<std::string, const Bar*> prev;
    for (const Bar& b : d.bars) {
      const Bar*& p = prev[b.symbol];
      const int64_t band = ec.instruments.at(b.symbol).band_bps;
      if (p && (!within_band(b.high, p->close, band) || !within_band(b.low, p->close, band)))
        return Error{origin.at({b.symbol, b.start}) + ": " + b.symbol + " bar at " +
                     cal.local_time_string(b.start) + " (high " + to_string(b.high) + ", low " +
                     to_string(b.low) + ") leaves the band of " + format_fixed(band * 100) +
                     "% around the previous close " + to_string(p->close) + " at " +
                     origin.at({p->symbol, p->start})};
      p = &b;
    }
    out.push_back(std::move(d));
  }
  out.front().dropped = dropped;  // rows outside the session, reported once for the run
  return out;
}

}  // namespace

Result<ReplayInputs> load_replay_inputs(const std::string& config_path,
                                        const std::vector<std::string>& data) {
  auto cfg = load_app_config(config_path);
  if (!cfg) return Error{cfg.error()};
  auto days = load_days(cfg.value(), data);
  if (!days) return Error{days.error()};
  return ReplayInputs{std::move(cfg.value()), std::move(days.value())};
}

DayReplay::DayReplay(const AppConfig& cfg, DayData data, Store& store, VenueJournal& venue_journal,
                     LogSink& log)
    : cfg_(cfg),
      data_(std::move(data)),
      store_(store),
      venue_journal_(venue_journal),
      runtime_(cfg.engine, cfg.sim, store, log, make_strategy(cfg.strategy),
               RuntimeOptions{.roll_days = false, .journal = &venue_journal, .tap = nullptr}) {
  runtime_.engine().start_day(data_.day);
}

DayReplay::~DayReplay() = default;

std::vector<std::string> DayReplay::start() {
  Engine& engine = runtime_.engine();
  store_.write(cfg_.snapshot());
  RecoveredState rec = store_.recover(day_string());
  resumed_ = rec.checkpoint.has_value();
  resume_after_ = resumed_ ? rec.checkpoint->last_event : -1;
  const auto venue_orders = venue_journal_.load_venue_orders();
  // The simulated venue's book lives in its journal (beside a PostgreSQL store, a local file).
  // Without it every recovered order is unknown there and the day cannot be carried on honestly.
  if (venue_orders.empty()) {
    size_t acked = 0;
    for (const Order& o : rec.orders) acked += o.venue_order_id.empty() ? 0 : 1;
    if (acked > 0)
      return {"the simulated venue's journal holds none of the " + std::to_string(acked) +
              " orders this store's " + day_string() +
              " placed there: it was deleted or belongs to another store; restore it with the "
              "store, or replay the day on a fresh database"};
  }
  runtime_.venue().restore(venue_orders);

  // The day's market data in the order the schedule hands it out (time, then ticks before bar
  // closes, then data order). A resumed day skips what its checkpoint counted as taken (the
  // strategy warms up on the bars closed there); a checkpoint from before that count was kept
  // says only a time, so everything up to it.
  enum class Kind { Tick, BarsClosed };
  struct DataEvent {
    TimeMs time;
    Kind kind;
    size_t index;  // into ticks or closes
  };
  std::vector<Tick> ticks;
  std::vector<std::vector<Bar>> closes;
  std::vector<DataEvent> data_events;
  std::map<TimeMs, size_t> close_index;
  for (const Bar& b : data_.bars) {
    const Instrument& in = cfg_.engine.instruments.at(b.symbol);
    if (in.tradable)
      for (auto& t : bar_to_ticks(b, in)) {
        data_events.push_back({t.time, Kind::Tick, ticks.size()});
        ticks.push_back(std::move(t));
      }
    const TimeMs close_time = b.start + kMinuteMs;
    auto [it, fresh] = close_index.try_emplace(close_time, closes.size());
    if (fresh) {
      data_events.push_back({close_time, Kind::BarsClosed, closes.size()});
      closes.emplace_back();
    }
    closes[it->second].push_back(b);
  }
  std::stable_sort(data_events.begin(), data_events.end(), [](const auto& a, const auto& b) {
    return a.time != b.time ? a.time < b.time : a.kind < b.kind;
  });
  const int64_t counted = resumed_ ? rec.checkpoint->market_events : 0;
  int64_t taken = 0;
  for (const DataEvent& ev : data_events) {
    const bool was_taken = counted >= 0 ? taken < counted : ev.time <= resume_after_;
    if (!was_taken) {
      if (ev.kind == Kind::Tick)
        runtime_.push_tick(std::move(ticks[ev.index]));
      else
        runtime_.push_bars_closed(std::move(closes[ev.index]), ev.time);
      continue;
    }
    ++taken;
    if (ev.kind == Kind::BarsClosed)
      for (const Bar& b : closes[ev.index]) engine.warm_up(b);
  }
  if (resumed_) rec.checkpoint->market_events = taken;
  runtime_.start_clock_at(resume_after_ > 0 ? resume_after_ : data_.bars.front().start);
  engine.recover(rec);
  runtime_.after_command();
  // Every recovered position must still be protected before the replay goes on.
  return resumed_ ? engine.invariant_violations() : std::vector<std::string>{};
}

std::vector<std::string> DayReplay::feeds() const {
  std::set<std::string> out;
  for (const Bar& b : data_.bars)
    if (const Instrument& in = cfg_.engine.instruments.at(b.symbol); in.tradable)
      out.insert(in.exchange);
  return {out.begin(), out.end()};
}

}  // namespace aitrapp
