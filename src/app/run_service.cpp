#include "app/run_service.hpp"

#include <csignal>
#include <fstream>
#include <iostream>

#include "app/backends.hpp"
#include "app/day_replay.hpp"
#include "app/engine_service.hpp"
#include "app/json_log.hpp"
#include "app/venues/named_table.hpp"
#include "app/venues/run_venue.hpp"
#include "core/text.hpp"
#include "net/http_server.hpp"
#include "ops/api.hpp"
#include "ops/api_token.hpp"
#include "ops/live_feed.hpp"
#include "ops/live_state.hpp"
#include "ops/prometheus_text.hpp"
#include "ops/publishing_store.hpp"

namespace aitrapp {

int run_service(const RunOptions& opts, std::ostream& out, std::ostream& err) {
  // ---- Validate every input before touching the store.
  const RunVenue* venue = find_by_name(run_venues(), opts.venue);
  if (!venue) {
    err << "error: --venue '" << opts.venue << "' is not a venue ("
        << join(names_of(run_venues()), ", ") << ")\n";
    return 2;
  }
  if (opts.live && !venue->can_live) {
    err << "error: --live needs a venue that takes orders; --venue " << venue->name
        << " is PAPER only\n";
    return 2;
  }
  auto prepared = venue->prepare(opts);
  if (!prepared) {
    err << "error: " << prepared.error() << "\n";
    return startup_exit_status(prepared.failure());  // 1: the venue could not be reached
  }
  PreparedVenue& pv = prepared.value();
  const AppConfig& cfg = pv.cfg;
  TradingCalendar cal(cfg.engine.timezone, cfg.engine.session);
  auto token = ops::load_or_create_token(opts.token_file);
  if (!token) {
    err << "error: " << token.error() << "\n";
    return 2;
  }

  // Signals are taken synchronously by this thread; every thread started below inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto settings = BackendSettings::from_env(opts.db, opts.instance_id);
  auto logger = open_log(cfg, cal, settings.instance_id, err);
  if (!logger) return 2;
  settings.lease.ttl = std::chrono::milliseconds(opts.lease_ms);
  settings.lease.refresh = std::chrono::milliseconds(opts.lease_refresh_ms);
  auto opened = open_backends(settings);
  if (!opened) {
    err << "error: " << opened.error() << "\n";
    return startup_exit_status(opened.failure());
  }
  Backends& b = opened.value();
  // Durable changes and log events go to the live feed (the dashboard's /ws) and, with
  // REDIS_URL, to the Redis bus: the same payloads on the same channels.
  ops::LiveFeed feed;
  std::vector<ops::EventBus*> buses{&feed};
  if (b.bus) buses.insert(buses.begin(), b.bus.get());
  ops::TeeBus bus(buses);
  ops::EventRing events(*logger, cal);
  events.set_bus(&bus);
  ops::PublishingStore published(b.store(), bus, cal);
  Store& store = published;
  const std::unique_ptr<SessionDriver> driver =
      pv.make_session(cfg, store, b.venue_journal(), events);
  SessionDriver& replay = *driver;
  ServiceOptions so;
  so.speed = pv.speed;
  so.live_venue = pv.live;
  so.store_backend = b.pg ? "postgresql" : "sqlite";
  so.bus = b.bus.get();
  so.live = &feed;
  so.lost_exit_after = std::chrono::milliseconds(opts.lost_exit_ms);
  if (b.pg)
    so.fence = [pg = b.pg.get(), id = b.lock->instance_id()](uint64_t t) {
      pg->set_fencing(t, id);
    };
  LeaderLock& lock = *b.lock;
  EngineService service(cfg, replay, store, lock, events, so);
  std::vector<std::string> hosts = opts.allowed_hosts;
  if (opts.bind != "0.0.0.0" && opts.bind != "::") hosts.push_back(opts.bind);
  ops::ControlApi api(service, token->value, hosts);
  api.set_reports_dir(opts.reports_dir);
  // The API port and, with --dashboard-port, a second one: the same handler and live channel.
  auto serve = [&](uint16_t port) {
    return std::make_unique<net::HttpServer>(
        opts.bind, port, [&api](const net::HttpRequest& r) { return api.handle(r); }, 4,
        std::map<std::string, net::WsRoute>{{"/ws", api.live_route(feed)}});
  };
  std::unique_ptr<net::HttpServer> server, dashboard;
  try {
    server = serve(opts.port);
    if (opts.dashboard_port != 0) dashboard = serve(opts.dashboard_port);
  } catch (const std::exception& e) {
    err << "error: " << e.what() << "\n";
    return 1;
  }

  service.start();
  server->start();
  if (dashboard) dashboard->start();
  for (const auto& n : pv.notes) out << "note: " << n << "\n";
  out << "aitrapp run: " << pv.describe(replay) << "; API on http://" << opts.bind << ":"
      << server->port() << " (instance " << lock.instance_id() << ")\n"
      << "dashboard: http://" << opts.bind << ":" << (dashboard ? dashboard : server)->port()
      << "/\n"
      << "store: " << b.describe() << "\n";
  if (token->created)
    out << "API token (printed once; stored in " << token->source
        << ", mode 0600): " << token->value << "\n";
  else
    out << "API token: from " << token->source << "\n";
  out << std::flush;
  if (!opts.port_file.empty()) std::ofstream(opts.port_file) << server->port() << "\n";

  bool said_leader = false, said_recovered = false, said_done = false;
  int rc = 0;
  ops::LiveState live_state;
  for (;;) {
    timespec wait{0, 200'000'000};
    if (sigtimedwait(&stop_signals, nullptr, &wait) > 0) break;
    if (auto st = live_state.update(service.snapshot(), std::chrono::steady_clock::now()))
      feed.publish_state(std::move(*st));
    if (const std::string fatal = service.fatal_error(); !fatal.empty()) {
      err << "error: engine stopped: " << fatal << "\n";
      rc = 1;
      break;
    }
    const auto s = service.snapshot();
    if (!said_leader && !s->leader) {
      out << "not the leader (yet): following until the leader lock is free\n" << std::flush;
      said_leader = true;
    }
    if (!said_recovered && s->recovered) {
      out << "Recovering " << s->recovered_positions << " open positions, " << s->recovered_orders
          << " live orders; mode " << s->mode << "\n"
          << std::flush;
      said_recovered = true;
      if (s->nothing_to_replay) out << nothing_left_to_replay(s->trading_day) << "\n" << std::flush;
    }
    if (!said_done && s->recovered && s->replay_done) {
      out << "replay of " << s->trading_day << " done at " << s->sim_time_local << ": signals "
          << s->stats.signals << ", decisions " << s->stats.decisions << ", orders "
          << s->stats.orders << ", fills " << s->stats.fills << ", realized "
          << s->risk.value("realized", "?") << ", open positions " << s->open_positions
          << "; still serving the API (Ctrl-C to stop)\n"
          << std::flush;
      said_done = true;
    }
  }
  if (dashboard) dashboard->stop();
  server->stop();
  service.stop();
  out << "aitrapp run: stopped\n";
  return rc;
}

}  // namespace aitrapp
