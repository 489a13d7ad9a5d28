#include "app/run_service.hpp"

#include <csignal>
#include <fstream>
#include <iostream>

#include "app/backends.hpp"
#include "app/day_replay.hpp"
#include "app/engine_service.hpp"
#include "app/json_log.hpp"
#include "ops/api.hpp"
#include "ops/api_token.hpp"
#include "ops/http_server.hpp"
#include "ops/prometheus_text.hpp"
#include "ops/publishing_store.hpp"

namespace aitrapp {

int run_service(const RunOptions& opts, std::ostream& out, std::ostream& err) {
  // ---- Validate every input before touching the store.
  auto in = load_replay_inputs(opts.config_path, opts.data);
  if (!in) {
    err << "error: " << in.error() << "\n";
    return 2;
  }
  const AppConfig& cfg = in.value().cfg;
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

  std::unique_ptr<JsonLineLog> logger;
  try {
    logger = std::make_unique<JsonLineLog>(cfg.log_file, cal);
  } catch (const std::exception& e) {
    err << "error: " << e.what() << "\n";
    return 1;
  }
  auto settings = BackendSettings::from_env(opts.db, opts.instance_id);
  settings.lease.ttl = std::chrono::milliseconds(opts.lease_ms);
  settings.lease.refresh = std::chrono::milliseconds(opts.lease_refresh_ms);
  auto opened = open_backends(settings);
  if (auto* e = std::get_if<StartupError>(&opened)) {
    err << "error: " << e->message << "\n";
    return e->exit_code;
  }
  Backends& b = std::get<Backends>(opened);
  ops::EventRing events(*logger, cal);
  events.set_bus(b.bus.get());
  std::optional<ops::PublishingStore> published;
  if (b.bus) published.emplace(b.store(), *b.bus, cal);
  Store& store = published ? static_cast<Store&>(*published) : b.store();
  DayReplay replay(cfg, std::move(in.value().day), store, b.venue_journal(), events);
  ServiceOptions so;
  so.speed = opts.speed;
  so.store_backend = b.pg ? "postgresql" : "sqlite";
  so.bus = b.bus.get();
  so.lost_exit_after = std::chrono::milliseconds(opts.lost_exit_ms);
  if (b.pg)
    so.fence = [pg = b.pg.get(), id = b.lock->instance_id()](uint64_t t) {
      pg->set_fencing(t, id);
    };
  LeaderLock& lock = *b.lock;
  EngineService service(cfg, replay, store, lock, events, so);
  ops::ControlApi api(service, token->value);
  std::unique_ptr<ops::HttpServer> server;
  try {
    server = std::make_unique<ops::HttpServer>(
        opts.bind, opts.port, [&api](const ops::HttpRequest& r) { return api.handle(r); });
  } catch (const std::exception& e) {
    err << "error: " << e.what() << "\n";
    return 1;
  }

  service.start();
  server->start();
  out << "aitrapp run: PAPER on the simulated venue, replaying " << replay.day_string() << " at "
      << (opts.speed > 0 ? ops::format_value(opts.speed) + "x" : std::string("max speed"))
      << "; API on http://" << opts.bind << ":" << server->port() << " (instance "
      << lock.instance_id() << ")\n"
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
  for (;;) {
    timespec wait{0, 200'000'000};
    if (sigtimedwait(&stop_signals, nullptr, &wait) > 0) break;
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
      out << "Recovering " << s->open_positions << " open positions, " << s->live_orders
          << " live orders; trading state " << s->trading_state << "; mode " << s->mode << "\n"
          << std::flush;
      said_recovered = true;
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
  server->stop();
  service.stop();
  out << "aitrapp run: stopped\n";
  return rc;
}

}  // namespace aitrapp
