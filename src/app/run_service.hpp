#pragma once
// `aitrapp run`: the engine as a service (PAPER over a replayed day at a configurable clock
// speed) with the operator HTTP API. Blocks until SIGINT/SIGTERM or a fatal engine error.
// Returns the process exit status: 0 stopped by a signal, 2 bad input, 1 runtime failure.
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace aitrapp {

struct RunOptions {
  std::vector<std::string> data;
  std::string db = "var/run.sqlite";
  std::string config_path;  // empty: the embedded default
  double speed = 60;        // simulated seconds per wall second; 0 = max
  std::string bind = "127.0.0.1";
  uint16_t port = 8000;  // 0: any free port (see port_file)
  // Host header names the API answers besides localhost, 127.0.0.1, [::1] and the bind address.
  std::vector<std::string> allowed_hosts;
  std::string token_file = "var/api_token";
  std::string port_file;  // when set, the bound port is written there once serving
  // The dashboard is served on the API's port; this serves it (and the API) on a second port
  // too, the one the runbook opens (3000). 0: none.
  uint16_t dashboard_port = 0;
  std::string reports_dir = "reports";  // what the dashboard's report links list
  std::string instance_id;              // default hostname:pid
  // Redis leader lease (REDIS_URL): TTL, refresh period, and how long leadership may be lost
  // before the process stops.
  int64_t lease_ms = 10'000, lease_refresh_ms = 2'000, lost_exit_ms = 10'000;
  // --venue kite: market data (and with --live, orders) on Kite Connect. Credentials come from
  // KITE_API_KEY and KITE_ACCESS_TOKEN.
  std::string venue = "sim";
  std::string kite_root = "https://api.kite.trade", kite_ws = "wss://ws.kite.trade/";
  std::string kite_sim_clock;  // venue-sim control URL: trade on its accelerated clock
  std::string kite_token_file;
  // --venue bitget: USDT-M perpetuals. Credentials (LIVE) come from BITGET_API_KEY,
  // BITGET_API_SECRET and BITGET_PASSPHRASE.
  std::string bitget_root = "https://api.bitget.com", bitget_ws = "wss://ws.bitget.com/v2/ws";
  std::string bitget_sim_clock;  // venue-sim control URL: trade on its accelerated clock
  bool live = false;
};

int run_service(const RunOptions& opts, std::ostream& out, std::ostream& err);

}  // namespace aitrapp
