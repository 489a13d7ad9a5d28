#include "app/kite_session.hpp"

#include <fstream>

#include "core/overloaded.hpp"

namespace aitrapp {

namespace {
std::optional<std::string> read_token_file(const std::string& path) {
  if (path.empty()) return std::nullopt;
  std::ifstream in(path);
  std::string t;
  if (!(in >> t) || t.empty()) return std::nullopt;
  return t;
}
}  // namespace

KiteSession::KiteSession(const AppConfig& cfg, Store& store, VenueJournal& journal, LogSink& log,
                         const Clock& source, KiteSessionSettings settings)
    : cfg_(cfg),
      store_(store),
      journal_(journal),
      source_(source),
      settings_(std::move(settings)),
      cal_(cfg.engine.timezone, cfg.engine.session),
      clock_(source.now()) {
  for (const auto& [symbol, row] : settings_.rows) symbol_of_token_[row.instrument_token] = symbol;
  if (settings_.live) {
    kite::KiteVenueHooks hooks;
    hooks.emit = [this](VenueEvent::Body b) { push_inbound(std::move(b)); };
    hooks.status = [this](const std::string& c, bool on, const std::string& d) {
      push_inbound(Status{c, on, d});
    };
    hooks.refresh_token = [path = settings_.token_file] { return read_token_file(path); };
    hooks.positions = [this](std::map<std::string, int64_t> net) {
      push_inbound(VenuePositions{std::move(net)});
    };
    hooks.bands = [this](std::map<std::string, PriceBand> bands) {
      push_inbound(VenueBands{std::move(bands)});
    };
    live_ = std::make_unique<kite::KiteVenue>(
        std::make_unique<kite::KiteRest>(settings_.rest_root, settings_.api_key,
                                         std::chrono::milliseconds(7000)),
        settings_.access_token, settings_.rows, kite::KiteVenueParams{}, std::move(hooks));
  } else {
    paper_ = std::make_unique<ScheduledSimVenue<Kind>>(cfg, queue_, clock_, journal,
                                                       Kind::VenueArrival, Kind::VenueAnswer);
  }
  std::vector<uint32_t> tokens;
  for (const auto& [token, _] : symbol_of_token_) tokens.push_back(token);
  kite::TickerCallbacks cb;
  cb.on_tick = [this](const kite::KiteTick& t) { push_inbound(t); };
  cb.on_order_update = [this](const nlohmann::json& o) {
    if (live_) live_->on_order_update(o);
  };
  cb.on_connection = [this, &log](bool up, const std::string& why) {
    // On the ticker's thread: the log sink is thread-safe, the exchange clock immutable.
    const int64_t reconnects = ticker_ ? ticker_->reconnects() : 0;
    log.log(source_.now(), up ? "info" : "warn", up ? "ticker_connected" : "ticker_disconnected",
            {{"message", up ? (reconnects > 0 ? "Kite ticker reconnected" : "Kite ticker connected")
                            : "Kite ticker disconnected: " + why},
             {"reconnects", std::to_string(reconnects)}});
    if (up && live_) live_->reconcile_soon();  // updates sent while we were away are lost
  };
  ticker_ = std::make_unique<kite::KiteTicker>(
      settings_.ws_url, std::move(tokens),
      [this] {
        return std::make_pair(settings_.api_key,
                              live_ ? live_->access_token() : settings_.access_token);
      },
      std::move(cb));
  // The engine's venue port: LIVE requests go to Kite, PAPER ones to the in-process venue.
  VenuePort& port = live_ ? static_cast<VenuePort&>(*live_) : *paper_;
  engine_ =
      std::make_unique<Engine>(cfg.engine, store, port, clock_, log, make_strategy(cfg.strategy));
  day_ = cal_.local_yyyymmdd(clock_.now());
  engine_->start_day(day_);
}

KiteSession::~KiteSession() {
  ticker_->stop();
  if (live_) live_->stop();
}

int64_t KiteSession::conflicting_places() const {
  return paper_ ? paper_->venue().conflicting_places() : 0;
}

void KiteSession::check_positions(const std::map<std::string, int64_t>& venue) {
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

std::optional<VenueLinkStats> KiteSession::venue_link() const {
  VenueLinkStats s;
  s.late_ticks = bars_.late_ticks();
  s.retries["ws_reconnect"] = ticker_ ? ticker_->reconnects() : 0;
  if (live_) {
    s.throttle_exit = live_->queue_depth(Lane::Exit);
    s.throttle_entry = live_->queue_depth(Lane::Entry);
    s.retries["token_refresh"] = live_->token_refreshes();
    s.retries["rate_limited"] = live_->rate_limited();
    s.retries["lookup_by_tag"] = live_->lookups();
    s.retries["venue_error"] = live_->venue_errors();
    // LIVE order updates arrive on the ticker connection; its heartbeat keeps it fresh.
    if (ticker_) s.order_stream_seen_ms = ticker_->last_frame_ms();
  }
  return s;
}

std::vector<std::string> KiteSession::feeds() const {
  std::set<std::string> out;
  for (const auto& [symbol, row] : settings_.rows)
    if (cfg_.engine.instruments.at(symbol).tradable) out.insert(row.exchange);
  return {out.begin(), out.end()};
}

void KiteSession::push_inbound(Inbound in) {
  {
    std::lock_guard lock(mu_);
    inbound_.push_back(std::move(in));
  }
  if (wake_) wake_();
}

std::vector<std::string> KiteSession::start() {
  store_.write(WriteBatch{{ConfigSnapshotRecord{cfg_.config_sha, cfg_.canonical_json}}});
  RecoveredState rec = store_.recover(day_string());
  if (paper_) paper_->venue().restore(journal_.load_venue_orders());
  engine_->recover(rec);
  schedule_timer();
  if (live_) live_->start();
  ticker_->start();
  // The service paces itself from now(): it must read the exchange clock, not the construction
  // time.
  clock_.advance_to(source_.now());
  return rec.checkpoint ? engine_->invariant_violations() : std::vector<std::string>{};
}

bool KiteSession::idle() const {
  // The day is over once the session has closed; the service keeps serving the API.
  return clock_.now() >= cal_.local_to_utc(day_, cfg_.engine.session.close_minute) &&
         queue_.empty();
}

TimeMs KiteSession::next_time() const {
  {
    std::lock_guard lock(mu_);
    if (!inbound_.empty()) return clock_.now();
  }
  // Never -1 while trading: the loop comes back at least once a second of exchange time.
  TimeMs t = clock_.now() + 1000;
  if (!queue_.empty()) t = std::min(t, queue_.top().time);
  return t;
}

void KiteSession::advance_to(TimeMs) {
  clock_.advance_to(source_.now());
}

const Tick* KiteSession::step() {
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
                   [&](const kite::KiteTick& k) { tick = on_kite_tick(k); },
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
        engine_->on_venue_event(paper_->answer(ev.index));
        break;
      case Kind::BarsClosed: {
        const std::vector<Bar> bars = bars_.close(close_minutes_[ev.index]);
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

// A ticker packet: into the minute bar of its exchange timestamp, then to the paper venue (it
// matches before the engine sees the tick) and the engine.
const Tick* KiteSession::on_kite_tick(const kite::KiteTick& k) {
  auto sym = symbol_of_token_.find(k.token);
  if (sym == symbol_of_token_.end()) return nullptr;
  const std::string& symbol = sym->second;
  const TimeMs exch = k.exchange_time > 0 ? k.exchange_time * 1000 : clock_.now();
  const auto added =
      bars_.add(symbol, exch, k.last, k.tradable ? std::optional<int64_t>(k.volume) : std::nullopt);
  if (added.opened) {
    close_minutes_.push_back(*added.opened);
    queue_.push(*added.opened + kMinuteMs + settings_.bar_close_grace_ms, Kind::BarsClosed,
                close_minutes_.size() - 1);
  }
  tick_ = Tick{};
  tick_.symbol = symbol;
  tick_.time = clock_.now();
  tick_.last = k.last;
  tick_.bid = k.bids[0].price.raw > 0 ? k.bids[0].price : k.last;
  tick_.ask = k.asks[0].price.raw > 0 ? k.asks[0].price : k.last;
  tick_.volume = added.volume;
  if (!cfg_.engine.instruments.at(symbol).tradable) return nullptr;
  if (paper_) paper_->venue().on_tick(tick_);
  engine_->on_tick(tick_);
  return &tick_;
}

}  // namespace aitrapp
