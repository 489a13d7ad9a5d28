#include "app/venues/bitget_live.hpp"

#include <atomic>
#include <mutex>

#include "net/ws_client.hpp"
#include "venue/bitget/bitget_stream_codec.hpp"
#include "venue/bitget/bitget_ws.hpp"

namespace aitrapp {

namespace {

using nlohmann::json;

// A book that has not moved for this long of exchange time while trades print through its touch
// is stale (a quiet book under trades at its own prices is not).
constexpr TimeMs kStaleBookMs = 30'000;

json subscribe(const std::vector<std::pair<std::string, std::string>>& channels) {
  json args = json::array();
  for (const auto& [channel, inst] : channels)
    args.push_back({{"instType", bitget::kProductType}, {"channel", channel}, {"instId", inst}});
  return {{"op", "subscribe"}, {"args", args}};
}

net::WsClientOptions stream_options(const std::string& url) {
  net::WsClientOptions o(url, "--bitget-ws");
  // Bitget closes a connection its client has not written to for two minutes; a ping every
  // 5 s (its answer is a frame too) keeps the silence watchdog meaningful on a quiet stream.
  o.keepalive_text = "ping";
  o.keepalive_every = std::chrono::milliseconds(5000);
  o.silence = std::chrono::milliseconds(15'000);
  return o;
}

class BitgetLive final : public LiveVenue {
 public:
  BitgetLive(BitgetLiveSettings settings, LogSink& log, const Clock& source, LiveInbound& in)
      : s_(std::move(settings)), log_(log), source_(source), in_(in) {
    if (s_.live) {
      bitget::BitgetVenueHooks hooks;
      hooks.emit = [this](VenueEvent::Body b) { in_.venue_event(std::move(b)); };
      hooks.positions = [this](std::map<std::string, int64_t> net) {
        in_.positions(std::move(net));
      };
      auto rest = std::make_unique<bitget::BitgetRest>(
          s_.rest_root, "--bitget-root", s_.credentials, clock_, std::chrono::milliseconds(7000));
      bitget::BitgetVenueParams params;
      params.margin_mode = s_.margin_mode;
      live_ = std::make_unique<bitget::BitgetVenue>(std::move(rest), s_.rules, params,
                                                    std::move(hooks));
      net::WsCallbacks pc;
      pc.on_open = [this] {
        std::vector<std::string> out{bitget::login_message(s_.credentials, clock_.now()).dump(),
                                     subscribe({{"orders", "default"}}).dump()};
        return out;
      };
      pc.on_frame = [this](std::string_view f, bool) { on_private(f); };
      pc.on_connection = [this](bool up, const std::string& why) {
        connection("private", up, why, private_ ? private_->reconnects() : 0);
        if (up && live_) live_->reconcile_soon();  // pushes sent while we were away are lost
      };
      private_ =
          std::make_unique<net::WsClient>(stream_options(s_.ws_base + "/private"), std::move(pc));
    }
    net::WsCallbacks cb;
    cb.on_open = [this] {
      std::vector<std::pair<std::string, std::string>> channels;
      for (const auto& [symbol, _] : s_.rules) {
        channels.emplace_back("books", symbol);
        channels.emplace_back("trade", symbol);
      }
      return std::vector<std::string>{subscribe(channels).dump()};
    };
    cb.on_frame = [this](std::string_view f, bool) { on_public(f); };
    cb.on_connection = [this](bool up, const std::string& why) {
      if (!up) {
        std::lock_guard lock(mu_);
        for (auto& [_, b] : books_) b.valid = false;  // a fresh snapshot comes with the resubscribe
      }
      connection("public", up, why, public_ ? public_->reconnects() : 0);
    };
    public_ =
        std::make_unique<net::WsClient>(stream_options(s_.ws_base + "/public"), std::move(cb));
  }

  ~BitgetLive() override {
    public_->stop();
    if (private_) private_->stop();
    if (live_) live_->stop();
  }

  VenuePort* execution() override { return live_.get(); }

  void start() override {
    if (live_) live_->start();
    if (private_) private_->start();
    public_->start();
  }

  std::vector<std::string> feeds() const override { return {"BITGET"}; }

  VenueLinkStats link_stats() const override {
    VenueLinkStats s;
    s.retries["ws_reconnect"] = public_->reconnects() + (private_ ? private_->reconnects() : 0);
    s.retries["book_resync"] = book_resyncs_.load();
    s.retries["decode_error"] = decode_errors_.load();
    if (live_) {
      s.throttle_exit = live_->queue_depth(Lane::Exit);
      s.throttle_entry = live_->queue_depth(Lane::Entry);
      s.retries["rate_limited"] = live_->rate_limited();
      s.retries["lookup_by_client_oid"] = live_->lookups();
      s.retries["venue_error"] = live_->venue_errors();
      s.retries["malformed_row"] = live_->malformed_rows();
      s.retries["stop_fired"] = live_->stops_fired();
      s.order_stream_seen_ms = private_->last_frame_ms();  // the pongs keep it fresh
    }
    return s;
  }

 private:
  struct Book {
    bitget::BookMirror mirror;
    bool valid = false;  // a snapshot applied and every update since followed
    TimeMs book_ts = 0, trade_ts = 0;
    Price last;
    int64_t volume = 0;  // traded since we connected, in quantity units (the bars' deltas)
    bool stale = false;
  };

  // The session's clock plus the measured offset: what the exchange's login check expects.
  struct OffsetClock final : Clock {
    const Clock& base;
    TimeMs offset;
    OffsetClock(const Clock& b, TimeMs o) : base(b), offset(o) {}
    TimeMs now() const override { return base.now() + offset; }
  };

  void connection(const char* stream, bool up, const std::string& why, int64_t reconnects) {
    // On a stream's thread: the log sink is thread-safe, the exchange clock immutable.
    const std::string name = std::string("Bitget ") + stream + " stream";
    log_.log(source_.now(), up ? "info" : "warn", up ? "stream_connected" : "stream_disconnected",
             {{"message", up ? name + (reconnects > 0 ? " reconnected" : " connected")
                             : name + " disconnected: " + why},
              {"reconnects", std::to_string(reconnects)}});
  }

  void decode_error(const std::string& what) {
    ++decode_errors_;
    log_.log(source_.now(), "warn", "stream_decode_error", {{"message", what}});
  }

  void on_public(std::string_view frame) {
    if (frame == "pong") return;
    const json j = json::parse(frame, nullptr, false);
    if (j.is_discarded()) return decode_error("Bitget public stream: a frame that is not JSON");
    if (j.value("event", "") == "error")
      return decode_error("Bitget public stream error " + j.dump());
    const auto push = bitget::push_of(j);
    if (!push || !s_.rules.count(push->inst_id)) return;
    if (push->channel == "books") return on_book(*push);
    if (push->channel == "trade") return on_trades(*push);
  }

  void on_book(const bitget::Push& p) {
    auto parsed = bitget::parse_book_push(p);
    if (!parsed) return decode_error(parsed.error());
    std::optional<MarketTick> tick;
    bool resync = false;
    {
      std::lock_guard lock(mu_);
      Book& b = books_[p.inst_id];
      if (!parsed.value().snapshot && !b.valid) return;  // waiting for the snapshot
      if (auto r = b.mirror.apply(parsed.value()); !r) {
        b.valid = false;
        resync = true;
        log_.log(source_.now(), "warn", "book_resync", {{"message", r.error()}});
      } else {
        b.valid = true;
        b.book_ts = std::max(b.book_ts, parsed.value().ts);
        tick = tick_of(p.inst_id, b, parsed.value().ts);
      }
    }
    if (resync) {
      ++book_resyncs_;
      public_->reconnect("the book needs a fresh snapshot");
      return;
    }
    set_stale(p.inst_id, false);
    if (tick) in_.tick(std::move(*tick));
  }

  void on_trades(const bitget::Push& p) {
    if (!p.data || !p.data->is_array()) return decode_error("trade push without data");
    const bitget::ContractRules& rules = s_.rules.at(p.inst_id);
    for (const json& t : *p.data) {
      const auto price = parse_fixed(t.is_object() ? t.value("price", "") : "");
      const auto size = bitget::parse_size(rules, t.is_object() ? t.value("size", "") : "");
      if (!price || *price <= 0 || !size)
        return decode_error("trade push: a trade without a price and size: " + t.dump());
      TimeMs ts = 0;
      try {
        ts = std::stoll(t.value("ts", "0"));
      } catch (const std::exception&) {
        return decode_error("trade push: ts is not a number: " + t.dump());
      }
      std::optional<MarketTick> tick;
      bool stale = false;
      {
        std::lock_guard lock(mu_);
        Book& b = books_[p.inst_id];
        b.last = Price::from_raw(*price);
        b.volume += size->units;
        b.trade_ts = std::max(b.trade_ts, ts);
        const bool through = b.valid && (b.last < b.mirror.best_bid().value_or(b.last) ||
                                         b.last > b.mirror.best_ask().value_or(b.last));
        stale = !b.valid || (through && b.trade_ts - b.book_ts > kStaleBookMs);
        tick = tick_of(p.inst_id, b, ts);
      }
      if (live_) live_->on_price(p.inst_id, Price::from_raw(*price));
      set_stale(p.inst_id, stale);
      in_.tick(std::move(*tick));
    }
  }

  // Under mu_. The touch from the book when it is trusted, else the last price both sides.
  MarketTick tick_of(const std::string& symbol, const Book& b, TimeMs ts) const {
    MarketTick m;
    m.symbol = symbol;
    m.exchange_time = ts;
    Price bid, ask;  // zero: none
    if (b.valid) {
      bid = b.mirror.best_bid().value_or(Price{});
      ask = b.mirror.best_ask().value_or(Price{});
    }
    m.last = b.last;
    if (m.last.raw == 0 && bid.raw > 0 && ask.raw > 0)
      m.last = Price::from_raw((bid.raw + ask.raw) / 2);
    m.bid = bid.raw > 0 ? bid : m.last;
    m.ask = ask.raw > 0 ? ask : m.last;
    m.day_volume = b.volume;
    return m;
  }

  // Entries pause while a book is stale: a quote older than the trades is not one to price on.
  void set_stale(const std::string& symbol, bool stale) {
    {
      std::lock_guard lock(mu_);
      Book& b = books_[symbol];
      if (b.stale == stale || b.last.raw == 0) return;
      b.stale = stale;
    }
    in_.status(
        "bitget_book", stale,
        stale ? symbol + ": the book is older than its trades (stale or out of sequence)" : "");
  }

  void on_private(std::string_view frame) {
    if (frame == "pong") return;
    const json j = json::parse(frame, nullptr, false);
    if (j.is_discarded()) return decode_error("Bitget private stream: a frame that is not JSON");
    const std::string event = j.value("event", "");
    if (event == "error") {
      log_.log(source_.now(), "error", "stream_refused",
               {{"message", "Bitget private stream refused: " + j.dump()}});
      return;
    }
    const auto push = bitget::push_of(j);
    if (!push || push->channel != "orders" || !push->data || !push->data->is_array()) return;
    for (const json& one : *push->data) {
      const std::string symbol = one.is_object() ? one.value("instId", "") : "";
      const auto rules = s_.rules.find(symbol);
      if (rules == s_.rules.end()) continue;  // a contract we do not trade
      const json single = json::array({one});
      bitget::Push p = *push;
      p.data = &single;
      auto orders = bitget::parse_order_push(p, rules->second);
      if (!orders) {
        decode_error(orders.error());
        if (live_) live_->reconcile_soon();  // the REST round fills in what the push held
        continue;
      }
      for (const auto& o : orders.value()) live_->on_order_push(o);
    }
  }

  BitgetLiveSettings s_;
  LogSink& log_;
  const Clock& source_;
  LiveInbound& in_;
  OffsetClock clock_{source_, s_.clock_offset_ms};
  std::mutex mu_;  // guards books_ (both streams' threads)
  std::map<std::string, Book> books_;
  std::atomic<int64_t> book_resyncs_{0}, decode_errors_{0};
  std::unique_ptr<bitget::BitgetVenue> live_;
  std::unique_ptr<net::WsClient> public_, private_;
};

}  // namespace

LiveSession::MakeVenue bitget_live_venue(BitgetLiveSettings settings, LogSink& log,
                                         const Clock& source) {
  return [settings = std::move(settings), &log, &source](LiveInbound& in) {
    return std::make_unique<BitgetLive>(settings, log, source, in);
  };
}

}  // namespace aitrapp
