#include "app/venues/kite_live.hpp"

#include <fstream>
#include <set>

namespace aitrapp {

namespace {

std::optional<std::string> read_token_file(const std::string& path) {
  if (path.empty()) return std::nullopt;
  std::ifstream in(path);
  std::string t;
  if (!(in >> t) || t.empty()) return std::nullopt;
  return t;
}

class KiteLive final : public LiveVenue {
 public:
  KiteLive(KiteLiveSettings settings, const AppConfig& cfg, LogSink& log, const Clock& source,
           LiveInbound& in)
      : s_(std::move(settings)), cfg_(cfg), in_(in) {
    for (const auto& [symbol, row] : s_.rows) symbol_of_token_[row.instrument_token] = symbol;
    if (s_.live) {
      kite::KiteVenueHooks hooks;
      hooks.emit = [this](VenueEvent::Body b) { in_.venue_event(std::move(b)); };
      hooks.status = [this](const std::string& c, bool on, const std::string& d) {
        in_.status(c, on, d);
      };
      hooks.refresh_token = [path = s_.token_file] { return read_token_file(path); };
      hooks.positions = [this](std::map<std::string, int64_t> net) {
        in_.positions(std::move(net));
      };
      hooks.bands = [this](std::map<std::string, PriceBand> b) { in_.bands(std::move(b)); };
      live_ = std::make_unique<kite::KiteVenue>(
          std::make_unique<kite::KiteRest>(s_.rest_root, s_.api_key,
                                           std::chrono::milliseconds(7000)),
          s_.access_token, s_.rows, kite::KiteVenueParams{}, std::move(hooks));
    }
    std::vector<uint32_t> tokens;
    for (const auto& [token, _] : symbol_of_token_) tokens.push_back(token);
    kite::TickerCallbacks cb;
    cb.on_tick = [this](const kite::KiteTick& k) { on_packet(k); };
    cb.on_order_update = [this](const nlohmann::json& o) {
      if (live_) live_->on_order_update(o);
    };
    cb.on_connection = [this, &log, &source](bool up, const std::string& why) {
      // On the ticker's thread: the log sink is thread-safe, the exchange clock immutable.
      const int64_t reconnects = ticker_ ? ticker_->reconnects() : 0;
      log.log(
          source.now(), up ? "info" : "warn", up ? "ticker_connected" : "ticker_disconnected",
          {{"message", up ? (reconnects > 0 ? "Kite ticker reconnected" : "Kite ticker connected")
                          : "Kite ticker disconnected: " + why},
           {"reconnects", std::to_string(reconnects)}});
      if (up && live_) live_->reconcile_soon();  // updates sent while we were away are lost
    };
    ticker_ = std::make_unique<kite::KiteTicker>(
        s_.ws_url, std::move(tokens),
        [this] {
          // Kite's tokens die at the morning flush: a PAPER session that outlives its day takes
          // the operator's new login from the token file when the ticker reconnects (LIVE: the
          // adapter re-reads it on a TokenException).
          if (live_) return std::make_pair(s_.api_key, live_->access_token());
          return std::make_pair(s_.api_key,
                                read_token_file(s_.token_file).value_or(s_.access_token));
        },
        std::move(cb));
  }

  ~KiteLive() override {
    ticker_->stop();
    if (live_) live_->stop();
  }

  VenuePort* execution() override { return live_.get(); }

  void start() override {
    if (live_) live_->start();
    ticker_->start();
  }

  std::vector<std::string> feeds() const override {
    std::set<std::string> out;
    for (const auto& [symbol, row] : s_.rows)
      if (cfg_.engine.instruments.at(symbol).tradable) out.insert(row.exchange);
    return {out.begin(), out.end()};
  }

  VenueLinkStats link_stats() const override {
    VenueLinkStats s;
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

 private:
  // A ticker packet (on the ticker's thread), in engine terms: Kite's exchange timestamp is in
  // seconds, and a packet without depth quotes its last price both sides.
  void on_packet(const kite::KiteTick& k) {
    const auto sym = symbol_of_token_.find(k.token);
    if (sym == symbol_of_token_.end()) return;
    MarketTick m;
    m.symbol = sym->second;
    m.exchange_time = k.exchange_time > 0 ? k.exchange_time * 1000 : 0;
    m.last = k.last;
    m.bid = k.bids[0].price.raw > 0 ? k.bids[0].price : k.last;
    m.ask = k.asks[0].price.raw > 0 ? k.asks[0].price : k.last;
    if (k.tradable) m.day_volume = k.volume;
    in_.tick(std::move(m));
  }

  KiteLiveSettings s_;
  const AppConfig& cfg_;
  LiveInbound& in_;
  std::map<uint32_t, std::string> symbol_of_token_;
  std::unique_ptr<kite::KiteVenue> live_;
  std::unique_ptr<kite::KiteTicker> ticker_;
};

}  // namespace

LiveSession::MakeVenue kite_live_venue(KiteLiveSettings settings, const AppConfig& cfg,
                                       LogSink& log, const Clock& source) {
  return [settings = std::move(settings), &cfg, &log, &source](LiveInbound& in) {
    return std::make_unique<KiteLive>(settings, cfg, log, source, in);
  };
}

}  // namespace aitrapp
