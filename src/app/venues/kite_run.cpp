// `run --venue kite`: Kite Connect market data, PAPER fills in process or LIVE orders. The
// credentials, the exchange clock and the instrument master are checked before anything trades.
#include <nlohmann/json.hpp>

#include "app/env.hpp"
#include "app/kite_instrument_map.hpp"
#include "app/venues/exchange_clock.hpp"
#include "app/venues/kite_live.hpp"
#include "app/venues/run_venue.hpp"
#include "core/scaled_clock.hpp"
#include "ops/prometheus_text.hpp"

namespace aitrapp {

Result<PreparedVenue> prepare_kite_venue(const RunOptions& opts) {
  auto cfg = load_app_config(opts.config_path);
  if (!cfg) return Error{cfg.error()};
  KiteLiveSettings s;
  s.api_key = env_value("KITE_API_KEY").value_or("");
  s.access_token = env_value("KITE_ACCESS_TOKEN").value_or("");
  if (s.api_key.empty() || s.access_token.empty())
    return Error{"--venue kite needs KITE_API_KEY and KITE_ACCESS_TOKEN in the environment"};
  s.rest_root = opts.kite_root;
  s.ws_url = opts.kite_ws;
  s.token_file = opts.kite_token_file;
  s.live = opts.live;
  PreparedVenue v;
  std::shared_ptr<ScaledClock> clock;
  try {
    auto c = exchange_clock(opts.kite_sim_clock, "--kite-sim-clock");
    if (!c) return c.failure();
    clock = std::move(c.value());
    auto mapped = map_kite_instruments(opts.kite_root, s.api_key, s.access_token,
                                       cfg.value().engine.instruments);
    if (!mapped) return mapped.failure();
    s.rows = std::move(mapped.value().rows);
    v.notes = std::move(mapped.value().notes);
  } catch (const std::exception& e) {
    return Error{e.what()};
  }
  v.cfg = std::move(cfg.value());
  v.speed = clock->speed();
  v.live = opts.live;
  v.make_session = [clock, s](const AppConfig& cfg, Store& store, VenueJournal& journal,
                              LogSink& log) {
    // A minute's bar closes 2 s after its end: ticks of it still on their way count.
    return std::make_unique<LiveSession>(cfg, store, journal, log, *clock,
                                         kite_live_venue(s, cfg, log, *clock), 2000);
  };
  v.describe = [live = opts.live, root = opts.kite_root, ws = opts.kite_ws,
                speed = v.speed](const SessionDriver& d) {
    return std::string(live ? "LIVE orders on Kite" : "PAPER fills in process") +
           " over Kite market data (" + root + ", ticker " + ws + "), " + d.day_string() + " at " +
           ops::format_value(speed) + "x";
  };
  return v;
}

}  // namespace aitrapp
