// `venue-sim --venue bitget`: Bitget's v2 USDT-M REST over the replayed perpetual bars (every
// day of --data in turn, the market being open around the clock), on the accelerated exchange
// clock, with the control API's faults (docs/bitget-protocol.md, "The simulator's control API").
#include <atomic>
#include <fstream>
#include <mutex>
#include <thread>

#include "app/day_replay.hpp"
#include "app/env.hpp"
#include "app/venue_sim.hpp"
#include "core/scaled_clock.hpp"
#include "market/tick_path.hpp"
#include "net/http_server.hpp"
#include "venue/bitget_sim/bitget_control.hpp"
#include "venue/bitget_sim/bitget_exchange.hpp"
#include "venue/bitget_sim/bitget_sim_server.hpp"
#include "venue/sim/fault_control.hpp"

namespace aitrapp {

int run_bitget_sim(const VenueSimOptions& opts, std::ostream& out, std::ostream& err) {
  const auto key = env_value("BITGET_API_KEY"), secret = env_value("BITGET_API_SECRET"),
             passphrase = env_value("BITGET_PASSPHRASE");
  if (!key || !secret || !passphrase) {
    err << "error: the simulator needs BITGET_API_KEY, BITGET_API_SECRET and BITGET_PASSPHRASE "
           "(the account's credentials, which every private request is checked against)\n";
    return 2;
  }
  auto in = load_replay_inputs(opts.config_path, opts.data);
  if (!in) {
    err << "error: " << in.error() << "\n";
    return 2;
  }
  const AppConfig& cfg = in.value().cfg;
  bool any_bitget = false;
  for (const auto& [_, i] : cfg.engine.instruments)
    any_bitget = any_bitget || (i.tradable && i.exchange == "BITGET");
  if (!any_bitget) {
    err << "error: the configuration has no tradable instrument on exchange BITGET (give "
           "--config configs/bitget.yaml, or a configuration of your own that lists one)\n";
    return 2;
  }
  const int start_minute = parse_hhmm(opts.start);
  if (start_minute < 0) {
    err << "error: --start '" << opts.start << "' is not HH:MM\n";
    return 2;
  }

  // Every day's ticks in time order; the clock starts at --start on the first day, or at the
  // first tick when that comes later.
  TradingCalendar cal(cfg.engine.timezone, cfg.engine.session);
  std::vector<Tick> ticks;
  for (const DayData& day : in.value().days)
    for (const Bar& b : day.bars)
      if (const Instrument& i = cfg.engine.instruments.at(b.symbol); i.tradable)
        for (auto& t : bar_to_ticks(b, i)) ticks.push_back(std::move(t));
  std::stable_sort(ticks.begin(), ticks.end(),
                   [](const Tick& a, const Tick& b) { return a.time < b.time; });
  if (ticks.empty()) {
    err << "error: --data holds no bars of a tradable instrument\n";
    return 2;
  }
  const TimeMs start =
      std::max(cal.local_to_utc(in.value().days.front().day, start_minute), ticks.front().time);

  const sigset_t stop_signals = block_stop_signals();

  const ScaledClock clock(start, opts.speed, ScaledClock::wall_now_ms());
  std::mutex mu;
  std::unique_ptr<bitget::BitgetExchange> exchange;
  std::unique_ptr<bitget::BitgetSimServer> server;
  std::unique_ptr<net::HttpServer> control;
  try {
    exchange = std::make_unique<bitget::BitgetExchange>(
        cfg.engine.instruments, cfg.engine.limits.capital,
        bitget::Credentials{*key, *secret, *passphrase}, clock);
    server = std::make_unique<bitget::BitgetSimServer>(*exchange, mu, clock, opts.bind, opts.port);
    // The shared control API with Bitget's own faults.
    FaultControlHooks hooks;
    hooks.clock = [&] { return clock_reply(clock, cal); };
    hooks.stats = [&] {
      nlohmann::json s;
      {
        std::lock_guard lock(mu);
        s = exchange->stats();
      }
      s["streams"] = server->stats();
      return s;
    };
    hooks.drop_websockets = [&](int64_t ms) { server->drop_websockets(ms); };
    hooks.drop_websockets_after_fill = [&](int64_t ms, int64_t delay_ms) {
      server->drop_websockets_after_fill(ms, delay_ms);
    };
    hooks.refuse_connections = [&](int64_t ms) { server->refuse_connections(ms); };
    hooks.with_faults = [&](const std::function<void(RequestFaults&)>& change) {
      std::lock_guard lock(mu);
      change(exchange->faults());
    };
    hooks.venue_routes = [&](const net::HttpRequest& r) {
      return bitget::bitget_control_route(*exchange, mu, *server, r);
    };
    control = std::make_unique<net::HttpServer>(
        opts.bind, opts.control_port,
        [hooks](const net::HttpRequest& r) { return handle_fault_control(hooks, r); }, 2);
  } catch (const std::exception& e) {
    err << "error: " << e.what() << "\n";
    return 1;
  }
  server->start();
  control->start();
  out << "venue-sim: Bitget v2 USDT-M on http://" << opts.bind << ":" << server->port()
      << ", control on http://" << opts.bind << ":" << control->port() << "; replaying "
      << ticks.size() << " ticks from " << cal.local_time_string(start) << " at " << opts.speed
      << "x\n"
      << std::flush;
  if (!opts.port_file.empty())
    std::ofstream(opts.port_file) << server->port() << " " << control->port() << "\n";

  // The market data pump: each instant's ticks into the exchange, on the exchange clock.
  std::atomic<bool> stop{false};
  std::thread pump([&] {
    size_t i = 0;
    {
      std::lock_guard lock(mu);
      while (i < ticks.size() && ticks[i].time < start)
        exchange->on_tick(ticks[i++]);  // the quote the clock starts on
      exchange->take_pushes();          // before anyone could subscribe
    }
    while (!stop && i < ticks.size()) {
      const TimeMs wait = clock.wall_at(ticks[i].time) - ScaledClock::wall_now_ms();
      if (wait > 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(std::min<TimeMs>(wait, 100)));
        continue;
      }
      std::vector<bitget::BitgetExchange::WsPush> pushes;
      {
        std::lock_guard lock(mu);
        for (const TimeMs at = ticks[i].time; i < ticks.size() && ticks[i].time == at; ++i)
          exchange->on_tick(ticks[i], steady_now_ms());
        pushes = exchange->take_pushes();
      }
      server->publish(pushes);
    }
  });

  wait_for_stop_signal(stop_signals);
  stop = true;
  pump.join();
  control->stop();
  server->stop();
  out << "venue-sim: stopped\n";
  return 0;
}

}  // namespace aitrapp
