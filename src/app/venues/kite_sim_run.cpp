// `venue-sim --venue kite`: Kite Connect v3 REST and the WebSocket ticker over a replayed day,
// with the shared fault-control API plus Kite's own routes.
#include "app/venue_sim.hpp"

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include "app/day_replay.hpp"
#include "app/env.hpp"
#include "core/scaled_clock.hpp"
#include "market/tick_path.hpp"
#include "net/http_server.hpp"
#include "venue/kite_sim/kite_sim_server.hpp"
#include "venue/sim/fault_control.hpp"

namespace aitrapp {

using nlohmann::json;

int run_kite_sim(const VenueSimOptions& opts, std::ostream& out, std::ostream& err) {
  kite::Credentials creds;
  const auto key = env_value("KITE_API_KEY"), secret = env_value("KITE_API_SECRET"),
             token = env_value("KITE_ACCESS_TOKEN");
  if (!key || !secret) {
    err << "error: the simulator needs KITE_API_KEY and KITE_API_SECRET (and KITE_ACCESS_TOKEN "
           "for a session that is already logged in)\n";
    return 2;
  }
  creds = {*key, *secret, token.value_or("")};
  auto in = load_replay_inputs(opts.config_path, opts.data);
  if (!in) {
    err << "error: " << in.error() << "\n";
    return 2;
  }
  const AppConfig& cfg = in.value().cfg;
  if (in.value().days.size() != 1) {
    err << "error: --data spans " << in.value().days.size()
        << " trading days; the simulator replays one day\n";
    return 2;
  }
  const DayData& day = in.value().days.front();
  TradingCalendar cal(cfg.engine.timezone, cfg.engine.session);
  const int start_minute = parse_hhmm(opts.start), expiry_minute = parse_hhmm(opts.token_expiry);
  if (start_minute < 0 || expiry_minute < 0) {
    err << "error: "
        << (start_minute < 0 ? "--start '" + opts.start : "--token-expiry '" + opts.token_expiry)
        << "' is not HH:MM\n";
    return 2;
  }

  // Every instrument's ticks, tradable or not (the ticker publishes indices too).
  std::vector<Tick> ticks;
  const TimeMs start = cal.local_to_utc(day.day, start_minute);
  for (const Bar& b : day.bars)
    for (auto& t : bar_to_ticks(b, cfg.engine.instruments.at(b.symbol)))
      if (t.time >= start) ticks.push_back(std::move(t));
  std::stable_sort(ticks.begin(), ticks.end(),
                   [](const Tick& a, const Tick& b) { return a.time < b.time; });

  const sigset_t stop_signals = block_stop_signals();

  const ScaledClock clock(start, opts.speed, ScaledClock::wall_now_ms());
  std::mutex mu;
  kite::KiteExchange exchange(cfg.engine.instruments, cfg.engine.limits.capital, creds, cal, clock,
                              expiry_minute);
  std::unique_ptr<kite::KiteSimServer> server;
  std::unique_ptr<net::HttpServer> control;
  try {
    server = std::make_unique<kite::KiteSimServer>(exchange, mu, opts.bind, opts.port);
    FaultControlHooks hooks;
    hooks.clock = [&] { return clock_reply(clock, cal); };
    hooks.stats = [&] {
      std::lock_guard lock(mu);
      json s = exchange.stats();
      s["ticker_sessions"] = server->ticker_sessions();
      return s;
    };
    hooks.drop_websockets = [&](int64_t ms) { server->drop_websockets(ms); };
    hooks.refuse_connections = [&](int64_t ms) { server->refuse_connections(ms); };
    hooks.drop_websockets_after_fill = [&](int64_t ms, int64_t delay_ms) {
      server->drop_websockets_after_fill(ms, delay_ms);
    };
    hooks.with_faults = [&](const std::function<void(RequestFaults&)>& change) {
      std::lock_guard lock(mu);
      change(exchange.faults());
    };
    // Kite's own: a login's request token, expiring every access token, the band jump.
    hooks.venue_routes = [&](const net::HttpRequest& r) -> std::optional<net::HttpResponse> {
      if (r.method != "POST") return std::nullopt;
      if (r.path == "/login") {
        std::lock_guard lock(mu);
        return control_reply(200, {{"request_token", exchange.issue_request_token()}});
      }
      if (r.path == "/faults/expire_token") {
        std::lock_guard lock(mu);
        exchange.expire_tokens();
        return control_reply(200, {{"ok", true}});
      }
      if (r.path == "/faults/band_jump") {
        auto bps = int_param(r, "bps", 1, 5000);
        if (!bps) return control_reply(400, {{"error", bps.error()}});
        std::lock_guard lock(mu);
        return control_reply(200, {{"ok", true}, {"bands", exchange.move_bands(*bps)}});
      }
      return std::nullopt;
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
  out << "venue-sim: Kite Connect v3 on http://" << opts.bind << ":" << server->port()
      << " (ticker ws://" << opts.bind << ":" << server->port() << "/), control on http://"
      << opts.bind << ":" << control->port() << "; replaying " << ticks.size() << " ticks of "
      << day.day << " from " << opts.start << " at " << opts.speed << "x\n"
      << std::flush;
  if (!opts.port_file.empty())
    std::ofstream(opts.port_file) << server->port() << " " << control->port() << "\n";

  // The market data pump: each instant's ticks matched, then published, on the exchange clock.
  std::atomic<bool> stop{false};
  std::thread pump([&] {
    size_t i = 0;
    while (!stop && i < ticks.size()) {
      const TimeMs due = clock.wall_at(ticks[i].time);
      const TimeMs wait = due - ScaledClock::wall_now_ms();
      if (wait > 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(std::min<TimeMs>(wait, 100)));
        continue;
      }
      std::vector<kite::KiteTick> batch;
      std::vector<std::string> updates;
      const int64_t steady = steady_now_ms();
      {
        std::lock_guard lock(mu);
        const TimeMs at = ticks[i].time;
        for (; i < ticks.size() && ticks[i].time == at; ++i)
          batch.push_back(exchange.on_tick(ticks[i], steady));
        updates = exchange.take_order_updates();
      }
      server->broadcast_ticks(std::move(batch));
      server->broadcast_text(std::move(updates));
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
