// Issue 6 row 3, against the Kite simulator: time to flat with N open bracketed positions when
// every order call goes over loopback HTTP to the simulator enforcing Kite's limits (10 order
// calls/s, 400/min), through the LIVE adapter (KiteVenue) with its throttle, and order updates
// come back over the simulator's WebSocket ticker (KiteTicker). The engine paces itself at
// Kite's limits as configs/app.yaml sets them. Store: SQLite, a durable commit per step.
//
// The lower bound is the rate limit: flat needs 3 order calls per position (its stop-loss and
// take-profit cancelled, the position exited), so no client can be flat before 3N / 10 s. The
// row reports the wall time to flat, its ratio to that bound, and the order calls made.
//
// Building the positions is not timed. Between the synthetic day's minutes (every symbol breaks
// out in the same minute) the exchange clock jumps ahead to the next bar once the engine and the
// adapter are quiet; while requests are in flight it runs at 1x, so the engine's ack timeouts
// and the adapter's pacing see real time. During the flatten no bar arrives.
#include <benchmark/benchmark.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>

#include "../tests/support/many_positions.hpp"
#include "bench/bench_stores.hpp"
#include "core/scaled_clock.hpp"
#include "tests/support/perp_replay.hpp"
#include "venue/kite/kite_ticker.hpp"
#include "venue/kite/kite_venue.hpp"
#include "venue/kite_sim/kite_sim_server.hpp"

namespace aitrapp::bench {
namespace {

using namespace std::chrono_literals;

// Exchange time: the wall clock plus an offset that only grows. Thread-safe.
class WarpClock final : public Clock {
 public:
  explicit WarpClock(TimeMs start) : offset_(start - ScaledClock::wall_now_ms()) {}
  TimeMs now() const override { return ScaledClock::wall_now_ms() + offset_.load(); }
  void jump_to(TimeMs t) {
    const TimeMs ahead = t - now();
    if (ahead > 0) offset_ += ahead;
  }

 private:
  std::atomic<TimeMs> offset_;
};

// Counts the order calls the engine makes (placements, cancels, modifications).
class CountingPort final : public VenuePort {
 public:
  explicit CountingPort(VenuePort& inner) : inner_(inner) {}
  void send(const VenueRequest& r) override {
    if (!std::holds_alternative<QueryRequest>(r)) ++order_calls;
    inner_.send(r);
  }
  int64_t order_calls = 0;

 private:
  VenuePort& inner_;
};

// The simulator, the adapter, the ticker and the engine; the benchmark thread is the engine
// thread. One instance per repetition.
class KiteRig {
 public:
  KiteRig(const AppConfig& cfg, Store& store)
      : cfg_(cfg),
        cal_(cfg.engine.timezone, cfg.engine.session),
        warp_(cal_.local_to_utc(20220401, 9 * 60 + 15, 0)),
        exchange_(cfg.engine.instruments, cfg.engine.limits.capital, {"key", "secret", "tok"}, cal_,
                  warp_, 6 * 60),
        server_(exchange_, exchange_mu_, "127.0.0.1", 0),
        engine_clock_(warp_.now()) {
    server_.start();
    std::map<std::string, kite::InstrumentRow> rows;
    std::vector<uint32_t> tokens;
    for (const auto& row : exchange_.instruments())
      if (cfg.engine.instruments.count(row.tradingsymbol)) {
        rows[row.tradingsymbol] = row;
        tokens.push_back(row.instrument_token);
      }
    const std::string root = "127.0.0.1:" + std::to_string(server_.port());
    kite::KiteVenueHooks hooks;
    hooks.emit = [this](VenueEvent::Body b) {
      std::lock_guard lock(in_mu_);
      inbound_.push_back(std::move(b));
      in_cv_.notify_one();
    };
    hooks.status = [this](const std::string& cause, bool on, const std::string& detail) {
      std::lock_guard lock(in_mu_);
      if (on) degraded_ = cause + ": " + detail;
    };
    venue_ = std::make_unique<kite::KiteVenue>(
        std::make_unique<kite::KiteRest>("http://" + root, "key", 7000ms), "tok", rows,
        kite::KiteVenueParams{}, std::move(hooks));
    kite::TickerCallbacks cb;
    cb.on_tick = [](const kite::KiteTick&) {};  // the engine's quotes come from the rig
    cb.on_order_update = [this](const nlohmann::json& o) { venue_->on_order_update(o); };
    cb.on_connection = [this](bool up, const std::string&) {
      if (up) venue_->reconcile_soon();
    };
    ticker_ = std::make_unique<kite::KiteTicker>(
        "ws://" + root + "/", std::move(tokens),
        [] { return std::make_pair(std::string("key"), std::string("tok")); }, std::move(cb));
    counting_ = std::make_unique<CountingPort>(*venue_);
    engine_ = std::make_unique<Engine>(cfg.engine, store, *counting_, engine_clock_, log_,
                                       make_strategy(cfg.strategy));
    store.write(cfg.snapshot());
    venue_->start();
    ticker_->start();
    engine_->start_day(20220401);
  }
  ~KiteRig() {
    ticker_->stop();
    venue_->stop();
    server_.stop();
  }

  // One minute's bars: the quotes at their open, then at their close, each to the exchange
  // (matching, then the ticker) before the engine; then the closed bars. The open quote is the
  // one a resting entry at the last close fills on.
  void deliver_minute(const std::vector<Bar>& bars) {
    for (const bool at_close : {false, true}) {
      std::vector<Tick> quotes;
      for (const Bar& b : bars) {
        Bar at = b;
        at.close = at_close ? b.close : b.open;
        quotes.push_back(support::close_quote(at, cfg_.engine.instruments.at(b.symbol).tick));
        quotes.back().time = at_close ? b.start + kMinuteMs : b.start;
        quotes.back().bar_close = at_close;
      }
      deliver_quotes(quotes);
    }
    engine_->on_bars_closed(bars);
  }
  // Runs the engine thread for up to `wait`: the venue's answers as they come, the timers when
  // due. Returns when `done()` holds (true) or the wait is over (false).
  template <class Done>
  bool pump_until(Done done, std::chrono::milliseconds wait) {
    const auto deadline = std::chrono::steady_clock::now() + wait;
    for (;;) {
      catch_up();
      if (!degraded_.empty()) throw std::runtime_error("the adapter degraded: " + degraded_);
      if (done()) return true;
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::unique_lock lock(in_mu_);
      in_cv_.wait_for(lock, 2ms, [&] { return !inbound_.empty(); });
    }
  }

  // Nothing in flight: no request queued in the engine or the adapter, every order acknowledged.
  bool quiet() const {
    if (engine_->throttle_depth(Lane::Exit) + engine_->throttle_depth(Lane::Entry) > 0 ||
        venue_->queue_depth(Lane::Exit) + venue_->queue_depth(Lane::Entry) > 0)
      return false;
    for (const auto& [_, o] : engine_->orders())
      if (o.unconfirmed || o.status == OrderStatus::Pending || o.status == OrderStatus::Sent)
        return false;
    return true;
  }

  Engine& engine() { return *engine_; }
  int64_t order_calls() const { return counting_->order_calls; }
  nlohmann::json venue_stats() {
    std::lock_guard lock(exchange_mu_);
    return exchange_.stats();
  }

 private:
  void deliver_quotes(std::vector<Tick>& quotes) {
    warp_.jump_to(quotes.front().time);
    catch_up();
    std::vector<kite::KiteTick> published;
    std::vector<std::string> updates;
    {
      std::lock_guard lock(exchange_mu_);
      for (Tick& q : quotes) {
        q.time = engine_clock_.now();
        published.push_back(exchange_.on_tick(q, steady_now_ms()));
      }
      updates = exchange_.take_order_updates();
    }
    server_.broadcast_ticks(std::move(published));
    server_.broadcast_text(std::move(updates));
    for (const Tick& q : quotes) engine_->on_tick(q);
  }

  // The engine's clock to exchange time, its due timers, then every answer that has arrived.
  void catch_up() {
    engine_clock_.advance_to(warp_.now());
    for (TimeMs w = engine_->next_wakeup(); w >= 0 && w <= engine_clock_.now();
         w = engine_->next_wakeup())
      engine_->on_timer();
    std::vector<VenueEvent> in;
    {
      std::lock_guard lock(in_mu_);
      for (auto& b : inbound_) in.push_back(VenueEvent{engine_clock_.now(), std::move(b)});
      inbound_.clear();
    }
    if (!in.empty()) engine_->on_venue_events(in);
  }

  const AppConfig& cfg_;
  TradingCalendar cal_;
  WarpClock warp_;
  std::mutex exchange_mu_;
  kite::KiteExchange exchange_;
  kite::KiteSimServer server_;
  SimClock engine_clock_;
  NullLog log_;
  std::unique_ptr<kite::KiteVenue> venue_;
  std::unique_ptr<kite::KiteTicker> ticker_;
  std::unique_ptr<CountingPort> counting_;
  std::unique_ptr<Engine> engine_;

  std::mutex in_mu_;
  std::condition_variable in_cv_;
  std::deque<VenueEvent::Body> inbound_;  // stamped when the engine takes them
  std::string degraded_;                  // guarded by in_mu_ (written on the adapter's thread)
};

void BM_FlattenAgainstKiteSim(benchmark::State& st) {
  const int n = static_cast<int>(st.range(0));
  const AppConfig cfg = support::many_positions_config(n, 10, 1'000'000, 400);
  const DayData day = support::many_positions_day(cfg, n, 1'000'000, false);
  const std::string db =
      (std::filesystem::temp_directory_path() / "aitrapp_bench_kite_flatten.sqlite").string();
  double calls = 0, wall_s = 0;
  nlohmann::json stats;
  for (auto _ : st) {
    st.PauseTiming();
    std::string why;
    auto store = open_fresh_store(BenchStore::Sqlite, db, why);
    KiteRig rig(cfg, *store);
    bool opened = false;
    for (size_t i = 0; i < day.bars.size() && !opened; i += static_cast<size_t>(n)) {
      rig.deliver_minute({day.bars.begin() + static_cast<std::ptrdiff_t>(i),
                          day.bars.begin() + static_cast<std::ptrdiff_t>(i) + n});
      opened = rig.pump_until(
          [&] { return rig.quiet() && rig.engine().portfolio().open_positions() == n; }, 50ms);
      // Quiet before the next minute, so that no order waits across a jump of the clock.
      if (!opened && !rig.pump_until([&] { return rig.quiet(); }, 120s)) {
        st.SkipWithError("the positions' orders never settled");
        break;
      }
    }
    if (!opened) {
      st.SkipWithError("the day did not open every position");
      break;
    }
    // The flatten starts with Kite's minute window free enough for all of its calls (the
    // bound assumes 10/s): the positions took 3N calls, and 3N more must fit within 400.
    if (6 * n > 400) rig.pump_until([] { return false; }, 61s);
    const int64_t calls_before = rig.order_calls();
    const auto t0 = std::chrono::steady_clock::now();
    st.ResumeTiming();
    rig.engine().flatten("drill");
    const bool flat = rig.pump_until([&] { return rig.engine().is_flat(); }, 600s);
    st.PauseTiming();
    wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    calls = static_cast<double>(rig.order_calls() - calls_before);
    stats = rig.venue_stats();
    bool venue_flat = stats.at("open_orders") == 0 && stats.at("duplicate_tags") == 0;
    for (const auto& p : stats.at("positions")) venue_flat &= p.at("quantity") == 0;
    if (!flat || !venue_flat) {
      st.SkipWithError(flat ? ("the venue is not flat: " + stats.dump()).c_str() : "never flat");
      break;
    }
    store.reset();
    st.ResumeTiming();
  }
  remove_sqlite(db);
  // Flat needs three order calls per position: both protective legs cancelled, one exit.
  const double bound_s = 3.0 * n / 10.0;
  st.counters["order_calls"] = calls;
  st.counters["rate_bound_s"] = bound_s;
  st.counters["vs_rate_bound"] = bound_s > 0 ? wall_s / bound_s : 0;
  if (!stats.is_null()) st.counters["venue_429s"] = stats.at("rate_limited").get<double>();
}

}  // namespace

void register_kite_flatten_benchmarks() {
  for (int n : {10, 100})
    benchmark::RegisterBenchmark(("3_flatten/kite_sim/" + std::to_string(n)).c_str(),
                                 BM_FlattenAgainstKiteSim)
        ->Arg(n)
        ->Unit(benchmark::kMillisecond)
        ->Iterations(1)
        ->UseRealTime();
}

}  // namespace aitrapp::bench
