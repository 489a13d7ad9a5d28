#include "app/run_service.hpp"

#include <csignal>
#include <fstream>
#include <iostream>

#include "app/backends.hpp"
#include "app/day_sequence.hpp"
#include "app/engine_service.hpp"
#include "app/env.hpp"
#include "app/json_log.hpp"
#include "app/kite_instrument_map.hpp"
#include "app/kite_session.hpp"
#include "core/scaled_clock.hpp"
#include "net/http_server.hpp"
#include "ops/api.hpp"
#include "ops/api_token.hpp"
#include "ops/prometheus_text.hpp"
#include "ops/publishing_store.hpp"

namespace aitrapp {

namespace {

struct KiteSetup {
  AppConfig cfg;  // tick and lot sizes as Kite's instrument master has them
  std::unique_ptr<ScaledClock> clock;
  KiteSessionSettings settings;
  std::vector<std::string> notes;
};

// Credentials, the exchange clock and the instrument master, before anything trades.
Result<KiteSetup> prepare_kite(const RunOptions& opts, AppConfig cfg) {
  KiteSetup k;
  KiteSessionSettings& s = k.settings;
  s.api_key = env_value("KITE_API_KEY").value_or("");
  s.access_token = env_value("KITE_ACCESS_TOKEN").value_or("");
  if (s.api_key.empty() || s.access_token.empty())
    return Error{"--venue kite needs KITE_API_KEY and KITE_ACCESS_TOKEN in the environment"};
  s.rest_root = opts.kite_root;
  s.ws_url = opts.kite_ws;
  s.token_file = opts.kite_token_file;
  s.live = opts.live;
  try {
    if (!opts.kite_sim_clock.empty()) {
      net::HttpClient control(net::parse_url(opts.kite_sim_clock, "--kite-sim-clock"),
                              std::chrono::seconds(3));
      const auto r = control.request("GET", "/clock", {});
      const auto j = nlohmann::json::parse(r.body, nullptr, false);
      if (r.status != 200 || j.is_discarded() || !j.contains("exchange_time_ms"))
        return Error{"--kite-sim-clock " + opts.kite_sim_clock + ": no clock at /clock"};
      k.clock =
          std::make_unique<ScaledClock>(j["exchange_time_ms"].get<TimeMs>(),
                                        j["speed"].get<double>(), j["wall_time_ms"].get<TimeMs>());
    } else {
      const TimeMs now = ScaledClock::wall_now_ms();
      k.clock = std::make_unique<ScaledClock>(now, 1.0, now);
    }
    auto mapped =
        map_kite_instruments(opts.kite_root, s.api_key, s.access_token, cfg.engine.instruments);
    if (!mapped) return Error{mapped.error()};
    s.rows = std::move(mapped.value().rows);
    k.notes = std::move(mapped.value().notes);
  } catch (const std::exception& e) {
    return Error{e.what()};
  }
  k.cfg = std::move(cfg);
  return k;
}

}  // namespace

int run_service(const RunOptions& opts, std::ostream& out, std::ostream& err) {
  // ---- Validate every input before touching the store.
  const bool kite_venue = opts.venue == "kite";
  if (!kite_venue && opts.live) {
    err << "error: --live needs --venue kite (the simulated venue is PAPER only)\n";
    return 2;
  }
  std::optional<ReplayInputs> replay_in;
  std::optional<KiteSetup> kite_setup;
  if (kite_venue) {
    auto cfg = load_app_config(opts.config_path);
    if (!cfg) {
      err << "error: " << cfg.error() << "\n";
      return 2;
    }
    auto k = prepare_kite(opts, std::move(cfg.value()));
    if (!k) {
      err << "error: " << k.error() << "\n";
      return 2;
    }
    kite_setup.emplace(std::move(k.value()));
  } else {
    auto in = load_replay_inputs(opts.config_path, opts.data);
    if (!in) {
      err << "error: " << in.error() << "\n";
      return 2;
    }
    replay_in.emplace(std::move(in.value()));
  }
  const AppConfig& cfg = kite_venue ? kite_setup->cfg : replay_in->cfg;
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
  std::unique_ptr<SessionDriver> driver;
  if (kite_venue)
    driver = std::make_unique<KiteSession>(cfg, store, b.venue_journal(), events,
                                           *kite_setup->clock, kite_setup->settings);
  else
    driver = std::make_unique<DaySequence>(cfg, std::move(replay_in->days), store,
                                           b.venue_journal(), events);
  SessionDriver& replay = *driver;
  ServiceOptions so;
  so.speed = kite_venue ? kite_setup->clock->speed() : opts.speed;
  so.live_venue = kite_venue && opts.live;
  so.store_backend = b.pg ? "postgresql" : "sqlite";
  so.bus = b.bus.get();
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
  std::unique_ptr<net::HttpServer> server;
  try {
    server = std::make_unique<net::HttpServer>(
        opts.bind, opts.port, [&api](const net::HttpRequest& r) { return api.handle(r); });
  } catch (const std::exception& e) {
    err << "error: " << e.what() << "\n";
    return 1;
  }

  service.start();
  server->start();
  if (kite_venue) {
    for (const auto& n : kite_setup->notes) out << "note: " << n << "\n";
    out << "aitrapp run: " << (opts.live ? "LIVE orders on Kite" : "PAPER fills in process")
        << " over Kite market data (" << opts.kite_root << ", ticker " << opts.kite_ws << "), "
        << replay.day_string() << " at " << ops::format_value(so.speed) << "x";
  } else {
    out << "aitrapp run: PAPER on the simulated venue, replaying " << replay.day_string() << " at "
        << (opts.speed > 0 ? ops::format_value(opts.speed) + "x" : std::string("max speed"));
  }
  out << "; API on http://" << opts.bind << ":" << server->port() << " (instance "
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
  server->stop();
  service.stop();
  out << "aitrapp run: stopped\n";
  return rc;
}

}  // namespace aitrapp
