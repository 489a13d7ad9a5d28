#include "app/live_session.hpp"

#include "core/overloaded.hpp"

namespace aitrapp {

LiveSession::LiveSession(const AppConfig& cfg, Store& store, VenueJournal& journal, LogSink& log,
                         const Clock& source, const MakeVenue& make_venue,
                         TimeMs bar_close_grace_ms)
    : cfg_(cfg),
      store_(store),
      journal_(journal),
      log_(log),
      source_(source),
      bar_close_grace_ms_(bar_close_grace_ms),
      cal_(cfg.engine.timezone, cfg.engine.session),
      clock_(source.now()) {
  venue_ = make_venue(*this);
  if (!venue_->execution())
    paper_ =
        std::make_unique<ScheduledSimVenue<Kind>>(cfg.engine.instruments, cfg.sim, queue_, clock_,
                                                  &journal, Kind::VenueArrival, Kind::VenueAnswer);
  day_ = cal_.local_yyyymmdd(clock_.now());
  engine_ = make_engine(day_);
}

LiveSession::~LiveSession() {
  venue_.reset();  // its threads stop before anything they hand input to goes
}

std::unique_ptr<Engine> LiveSession::make_engine(int day) {
  VenuePort& port = paper_ ? static_cast<VenuePort&>(*paper_) : *venue_->execution();
  auto e = std::make_unique<Engine>(cfg_.engine, store_, port, clock_, log_,
                                    make_strategy(cfg_.strategy));
  e->start_day(day);
  return e;
}

std::vector<std::string> LiveSession::recover() {
  RecoveredState rec = store_.recover(day_string());
  engine_->recover(rec);
  schedule_timer();
  return rec.checkpoint ? engine_->invariant_violations() : std::vector<std::string>{};
}

// A new engine recovers from the store what the finished day left (nothing, for a book flat at
// its hard flat; an operator's stop carries over), as a process started that morning would; the
// market data, the venue link and the bars go on. Its strategy starts without history, as it
// would.
void LiveSession::roll_over(int day) {
  const std::string previous = day_string();
  day_ = day;
  engine_ = make_engine(day);
  log_.log(clock_.now(), "info", "trading_day_started",
           {{"message", "Trading day " + day_string() + " starts after " + previous},
            {"previous_day", previous}});
  stop_if_broken(day_string(), recover());
}

int64_t LiveSession::conflicting_places() const {
  return paper_ ? paper_->venue().conflicting_places() : 0;
}

void LiveSession::check_positions(const std::map<std::string, int64_t>& venue) {
  std::map<std::string, int64_t> engine;
  for (const auto& [symbol, p] : engine_->portfolio().positions()) engine[symbol] = p.qty.units;
  switch (positions_.check(venue, engine)) {
    case PositionReconciler::Verdict::Agree:
      engine_->set_degraded("position_mismatch", false, "");
      break;
    case PositionReconciler::Verdict::Mismatch:
      engine_->set_degraded("position_mismatch", true, positions_.detail());
      break;
    case PositionReconciler::Verdict::Suspect:
      break;
  }
}

std::optional<VenueLinkStats> LiveSession::venue_link() const {
  VenueLinkStats s = venue_->link_stats();
  s.late_ticks = bars_.late_ticks();
  return s;
}

void LiveSession::push(Inbound in) {
  {
    std::lock_guard lock(mu_);
    inbound_.push_back(std::move(in));
  }
  if (wake_) wake_();
}

std::vector<std::string> LiveSession::start() {
  store_.write(cfg_.snapshot());
  if (paper_) paper_->venue().restore(journal_.load_venue_orders());
  auto broken = recover();
  venue_->start();
  // The service paces itself from now(): it must read the exchange clock, not the construction
  // time.
  clock_.advance_to(source_.now());
  return broken;
}

bool LiveSession::idle() const {
  // Nothing to do until the next input once the session has closed: late venue answers and the
  // next day's first tick still arrive, and each is stepped.
  {
    std::lock_guard lock(mu_);
    if (!inbound_.empty()) return false;
  }
  return clock_.now() >= cal_.local_to_utc(day_, cfg_.engine.session.close_minute) &&
         queue_.empty();
}

TimeMs LiveSession::next_time() const {
  {
    std::lock_guard lock(mu_);
    if (!inbound_.empty()) return clock_.now();
  }
  // Never -1 while trading: the loop comes back at least once a second of exchange time.
  TimeMs t = clock_.now() + 1000;
  if (!queue_.empty()) t = std::min(t, queue_.top().time);
  return t;
}

void LiveSession::advance_to(TimeMs) {
  clock_.advance_to(source_.now());
}

const Tick* LiveSession::step() {
  clock_.advance_to(source_.now());
  std::optional<Inbound> in;
  {
    std::lock_guard lock(mu_);
    if (!inbound_.empty()) {
      in = std::move(inbound_.front());
      inbound_.pop_front();
    }
  }
  const Tick* tick = nullptr;
  if (in) {
    std::visit(overloaded{
                   [&](const MarketTick& m) { tick = on_market_tick(m); },
                   [&](VenueEvent::Body& b) {
                     engine_->on_venue_event(VenueEvent{clock_.now(), std::move(b)});
                   },
                   [&](const Status& s) { engine_->set_degraded(s.cause, s.on, s.detail); },
                   [&](const VenuePositions& p) { check_positions(p.net); },
                   [&](const VenueBands& b) { engine_->set_price_bands(b.by_symbol); },
               },
               *in);
  } else if (!queue_.empty() && queue_.top().time <= clock_.now()) {
    const auto ev = queue_.pop();
    switch (ev.kind) {
      case Kind::VenueArrival:
        paper_->arrive(ev.index, ev.time, clock_.now());
        break;
      case Kind::VenueAnswer:
        engine_->on_venue_event(paper_->take_answer(ev.index));
        break;
      case Kind::BarsClosed: {
        const std::vector<Bar> bars = bars_.close(close_minutes_.take(ev.index));
        if (!bars.empty()) engine_->on_bars_closed(bars);
        break;
      }
      case Kind::Timer:
        engine_->on_timer();
        break;
    }
  }
  schedule_timer();
  return tick;
}

// Into the minute bar of its exchange timestamp, then to the paper venue (it matches before the
// engine sees the tick) and the engine.
const Tick* LiveSession::on_market_tick(const MarketTick& m) {
  const auto it = cfg_.engine.instruments.find(m.symbol);
  if (it == cfg_.engine.instruments.end()) return nullptr;
  const TimeMs exch = m.exchange_time > 0 ? m.exchange_time : clock_.now();
  if (const int day = cal_.local_yyyymmdd(exch); day > day_) roll_over(day);
  const auto added = bars_.add(m.symbol, exch, m.last, m.day_volume);
  if (added.opened) {
    queue_.push(*added.opened + kMinuteMs + bar_close_grace_ms_, Kind::BarsClosed,
                close_minutes_.put(*added.opened));
  }
  tick_ = Tick{};
  tick_.symbol = m.symbol;
  tick_.time = clock_.now();
  tick_.last = m.last;
  tick_.bid = m.bid;
  tick_.ask = m.ask;
  tick_.volume = added.volume;
  if (!it->second.tradable) return nullptr;
  if (paper_) paper_->venue().on_tick(tick_);
  engine_->on_tick(tick_);
  return &tick_;
}

}  // namespace aitrapp
