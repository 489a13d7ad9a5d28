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

namespace aitrapp {

using nlohmann::json;

namespace {

net::HttpResponse reply(int status, json body) {
  net::HttpResponse r;
  r.status = status;
  r.body = body.dump();
  return r;
}

// A query parameter as a bounded integer; nullopt (and an error reply) when malformed.
std::optional<int64_t> int_param(const net::HttpRequest& r, const std::string& name, int64_t lo,
                                 int64_t hi, net::HttpResponse& error) {
  auto it = r.query.find(name);
  if (it == r.query.end()) {
    error = reply(400, {{"error", "missing query parameter '" + name + "'"}});
    return std::nullopt;
  }
  try {
    size_t used = 0;
    const int64_t v = std::stoll(it->second, &used);
    if (used == it->second.size() && v >= lo && v <= hi) return v;
  } catch (const std::exception&) {
  }
  error = reply(400, {{"error", "'" + name + "' must be an integer in [" + std::to_string(lo) +
                                    ", " + std::to_string(hi) + "], got '" + it->second + "'"}});
  return std::nullopt;
}

}  // namespace

int run_venue_sim(const VenueSimOptions& opts, std::ostream& out, std::ostream& err) {
  if (opts.venue != "kite") {
    err << "error: --venue '" << opts.venue << "' is not simulated (kite)\n";
    return 2;
  }
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

  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  const ScaledClock clock(start, opts.speed, ScaledClock::wall_now_ms());
  std::mutex mu;
  kite::KiteExchange exchange(cfg.engine.instruments, cfg.engine.limits.capital, creds, cal, clock,
                              expiry_minute);
  std::unique_ptr<kite::KiteSimServer> server;
  std::unique_ptr<net::HttpServer> control;
  try {
    server = std::make_unique<kite::KiteSimServer>(exchange, mu, opts.bind, opts.port);
    control = std::make_unique<net::HttpServer>(
        opts.bind, opts.control_port,
        [&](const net::HttpRequest& r) -> net::HttpResponse {
          net::HttpResponse bad;
          if (r.method == "GET" && r.path == "/clock")
            return reply(200, {{"exchange_time_ms", clock.now()},
                               {"wall_time_ms", ScaledClock::wall_now_ms()},
                               {"speed", opts.speed},
                               {"local_time", cal.local_time_string(clock.now())}});
          if (r.method == "GET" && r.path == "/stats") {
            std::lock_guard lock(mu);
            json s = exchange.stats();
            s["ticker_sessions"] = server->ticker_sessions();
            return reply(200, s);
          }
          if (r.method != "POST") return reply(404, {{"error", "unknown control route"}});
          if (r.path == "/login") {
            std::lock_guard lock(mu);
            return reply(200, {{"request_token", exchange.issue_request_token()}});
          }
          if (r.path == "/faults/ws_drop" || r.path == "/faults/refuse") {
            auto s = int_param(r, "seconds", 1, 3600, bad);
            if (!s) return bad;
            if (r.path == "/faults/ws_drop")
              server->drop_websockets(*s * 1000);
            else
              server->refuse_connections(*s * 1000);
            return reply(200, {{"ok", true}});
          }
          if (r.path == "/faults/ws_drop_on_fill") {
            auto s = int_param(r, "seconds", 1, 3600, bad);
            auto d = s ? int_param(r, "delay_ms", 0, 10'000, bad) : std::nullopt;
            if (!d) return bad;
            server->drop_websockets_after_fill(*s * 1000, *d);
            return reply(200, {{"ok", true}});
          }
          std::lock_guard lock(mu);
          kite::RequestFaults& f = exchange.faults();
          if (r.path == "/faults/ack_delay") {
            auto ms = int_param(r, "ms", 0, 600'000, bad);
            if (!ms) return bad;
            f.ack_delay_ms = *ms;
          } else if (r.path == "/faults/lose_response") {
            f.lose_next_order_response = true;
          } else if (r.path == "/faults/reject_limit") {
            f.reject_next_limit_band = true;
          } else if (r.path == "/faults/partial_fill") {
            auto q = int_param(r, "qty", 1, 1'000'000, bad);
            if (!q) return bad;
            f.partial_next_qty = *q;
          } else if (r.path == "/faults/spread") {
            auto k = int_param(r, "factor", 2, 1000, bad);
            auto s = k ? int_param(r, "seconds", 1, 3600, bad) : std::nullopt;
            if (!s) return bad;
            f.spread_factor = *k;
            f.spread_until_wall_ms = steady_now_ms() + *s * 1000;
          } else if (r.path == "/faults/band_jump") {
            auto bps = int_param(r, "bps", 1, 5000, bad);
            if (!bps) return bad;
            return reply(200, {{"ok", true}, {"bands", exchange.move_bands(*bps)}});
          } else if (r.path == "/faults/expire_token") {
            exchange.expire_tokens();
          } else if (r.path == "/faults/errors") {
            auto st = int_param(r, "status", 400, 599, bad);
            auto n = st ? int_param(r, "count", 1, 1'000'000, bad) : std::nullopt;
            if (!n) return bad;
            f.error_status = static_cast<int>(*st);
            f.error_count = static_cast<int>(*n);
          } else {
            return reply(404, {{"error", "unknown fault '" + r.path + "'"}});
          }
          return reply(200, {{"ok", true}});
        },
        2);
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

  for (;;) {
    timespec wait{0, 200'000'000};
    if (sigtimedwait(&stop_signals, nullptr, &wait) > 0) break;
  }
  stop = true;
  pump.join();
  control->stop();
  server->stop();
  out << "venue-sim: stopped\n";
  return 0;
}

}  // namespace aitrapp
