// aitrapp: command-line entry point. Parses arguments and hands over to the app's sessions.
#include <CLI/CLI.hpp>
#include <iostream>

#include "app/admin_commands.hpp"
#include "app/paper_session.hpp"
#include "app/run_service.hpp"
#include "app/venue_sim.hpp"
#include "app/venues/named_table.hpp"
#include "app/venues/run_venue.hpp"

namespace {

// "max" -> 0, or a positive number of simulated seconds per wall second.
bool parse_speed(const std::string& s, double& out) {
  if (s == "max") {
    out = 0;
    return true;
  }
  try {
    size_t used = 0;
    out = std::stod(s, &used);
    return used == s.size() && out > 0;
  } catch (const std::exception&) {
    return false;
  }
}

// The options `paper` and `run` share: what to replay, with which configuration, how fast.
void add_replay_options(CLI::App* cmd, std::vector<std::string>& data, std::string& config,
                        std::string& speed, bool data_required = true) {
  auto* d = cmd->add_option(
      "--data", data,
      "CSV file, directory of CSV files (a day) or of day directories (repeatable)");
  if (data_required) d->required();
  cmd->add_option("--config", config,
                  "YAML configuration (default: the embedded configs/app.yaml)");
  cmd->add_option("--speed", speed, "'max' or simulated seconds per wall-clock second")
      ->capture_default_str();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"AITRAPP intraday trading engine"};
  app.require_subcommand(1);

  aitrapp::PaperOptions paper;
  std::string paper_speed = "max";
  auto* cmd = app.add_subcommand(
      "paper",
      "Replay trading days in PAPER mode against the simulated venue, one after the other on "
      "one store");
  add_replay_options(cmd, paper.data, paper.config_path, paper_speed);
  cmd->add_option("--db", paper.db,
                  "SQLite store file (a day it holds a checkpoint for resumes from it)");
  cmd->add_option("--summary-json", paper.summary_json,
                  "Write the day summary (several days: each and the total) as JSON to this file");
  cmd->add_flag("--progress", paper.progress, "Print progress every 30 simulated minutes");

  aitrapp::RunOptions run;
  std::string run_speed = "60";
  auto* rcmd = app.add_subcommand(
      "run", "Run the engine as a service with the operator HTTP API (PAPER over a replayed day)");
  add_replay_options(rcmd, run.data, run.config_path, run_speed, false);
  rcmd->add_option("--venue", run.venue, aitrapp::summaries_of(aitrapp::run_venues()))
      ->check(CLI::IsMember(aitrapp::names_of(aitrapp::run_venues())))
      ->capture_default_str();
  rcmd->add_option("--kite-root", run.kite_root, "Kite REST root")->capture_default_str();
  rcmd->add_option("--kite-ws", run.kite_ws, "Kite ticker URL")->capture_default_str();
  rcmd->add_option("--kite-sim-clock", run.kite_sim_clock,
                   "venue-sim control URL: trade on the simulator's accelerated clock");
  rcmd->add_option("--kite-token-file", run.kite_token_file,
                   "File re-read for a fresh access token after a TokenException");
  rcmd->add_option("--bitget-root", run.bitget_root, "Bitget REST root")->capture_default_str();
  rcmd->add_option("--bitget-ws", run.bitget_ws,
                   "Bitget WebSocket base (its /public and /private streams)")
      ->capture_default_str();
  rcmd->add_option("--bitget-sim-clock", run.bitget_sim_clock,
                   "venue-sim control URL: trade on the Bitget simulator's accelerated clock");
  rcmd->add_flag("--live", run.live, "Send orders to the venue (default: PAPER fills in process)");
  rcmd->add_option("--db", run.db, "SQLite store file (the day resumes from it after a restart)")
      ->capture_default_str();
  rcmd->add_option("--bind", run.bind, "Address the API listens on")->capture_default_str();
  rcmd->add_option("--allowed-host", run.allowed_hosts,
                   "A Host header name the API answers besides localhost, 127.0.0.1, [::1] and "
                   "the bind address (repeatable)");
  rcmd->add_option("--port", run.port, "API port (0: any free port)")->capture_default_str();
  rcmd->add_option("--token-file", run.token_file,
                   "Bearer token file, created (mode 0600) when missing and AITRAPP_API_TOKEN is "
                   "unset")
      ->capture_default_str();
  rcmd->add_option("--port-file", run.port_file, "Write the bound port to this file");
  rcmd->add_option("--dashboard-port", run.dashboard_port,
                   "Also serve the dashboard (and the API) on this port, e.g. 3000 (0: only on "
                   "--port)")
      ->capture_default_str();
  rcmd->add_option("--reports-dir", run.reports_dir,
                   "Directory of the burn-in, drill and go/no-go reports the dashboard links to")
      ->capture_default_str();
  rcmd->add_option("--instance-id", run.instance_id, "Instance id (default hostname:pid)");
  rcmd->add_option("--lease-ms", run.lease_ms, "Redis leader lease TTL in ms (with REDIS_URL)")
      ->check(CLI::Range(int64_t{500}, int64_t{600'000}))
      ->capture_default_str();
  rcmd->add_option("--lease-refresh-ms", run.lease_refresh_ms,
                   "Lease refresh period in ms (well inside the TTL)")
      ->check(CLI::Range(int64_t{100}, int64_t{300'000}))
      ->capture_default_str();
  rcmd->add_option("--lost-exit-ms", run.lost_exit_ms,
                   "Stop this long after another instance took the lease")
      ->check(CLI::Range(int64_t{0}, int64_t{600'000}))
      ->capture_default_str();

  // Store administration: DATABASE_URL selects PostgreSQL, otherwise the SQLite file --db.
  aitrapp::AdminOptions admin;
  auto* mcmd = app.add_subcommand(
      "migrate",
      "Bring the store (DATABASE_URL, or the SQLite --db) to the head of the migrations");
  auto* vcmd = app.add_subcommand(
      "verify",
      "Check the go-live environment: config, timezone, store, migrations, unique ids, "
      "durable commits, Redis, venue credentials");
  auto* ccmd = app.add_subcommand(
      "reconcile",
      "Check one trading day of the store (default: the latest): OCO orphans, duplicate ids, "
      "signal->trade chain, config_sha, unprotected positions, orders live after the hard flat; "
      "non-zero exit when a check fails");
  auto* icmd = app.add_subcommand(
      "idempotency-check",
      "Same plan -> same IDs: derive every plan id and client_order_id of a trading day (default: "
      "the latest) again from its plan, and scan the store for duplicate client_order_ids");
  auto* bcmd = app.add_subcommand(
      "burnin-report",
      "Judge burn-in days from the store: the daily gates with their evidence, trades in R, "
      "MAE/MFE, P&L breakdowns, heat and P&L timelines; writes burnin-report-YYYYMMDD.{txt,html,"
      "json}");
  bcmd->add_option("--day", admin.day, "Last trading day reported, YYYY-MM-DD (default: latest)");
  bcmd->add_option("--days", admin.days, "Trading days reported, ending at --day")
      ->check(CLI::Range(1, 366))
      ->capture_default_str();
  bcmd->add_option("--out", admin.out_dir, "Directory the three files are written to")
      ->capture_default_str();
  bcmd->add_flag("--strict", admin.strict, "Exit 1 when a gate fails");
  for (auto* c : {ccmd, icmd}) {
    auto* day = c->add_option("--day", admin.day,
                              "Trading day checked, YYYY-MM-DD (default: the latest in the store)");
    c->add_flag("--all-days", admin.all_days, "Check every trading day of the store")
        ->excludes(day);
  }
  for (auto* c : {mcmd, vcmd, ccmd, icmd, bcmd})
    c->add_option("--db", admin.db, "SQLite store file when DATABASE_URL is unset")
        ->capture_default_str();
  vcmd->add_option("--config", admin.config_path,
                   "YAML configuration (default: the embedded configs/app.yaml)");
  vcmd->add_option("--kite-root", admin.kite_root,
                   "Kite REST root whose instrument master --mode LIVE checks")
      ->capture_default_str();
  vcmd->add_option("--mode", admin.mode, "PAPER or LIVE (LIVE also checks venue credentials)")
      ->check(CLI::IsMember({"PAPER", "LIVE"}))
      ->capture_default_str();

  aitrapp::VenueSimOptions sim;
  auto* scmd = app.add_subcommand(
      "venue-sim",
      "Serve a simulated venue (Kite Connect v3, or Bitget v2 USDT-M futures) over replayed bars, "
      "with a control API");
  scmd->add_option("--venue", sim.venue,
                   "Venue protocol to speak; " + aitrapp::summaries_of(aitrapp::simulated_venues()))
      ->check(CLI::IsMember(aitrapp::names_of(aitrapp::simulated_venues())))
      ->capture_default_str();
  scmd->add_option("--data", sim.data,
                   "CSV file, directory of CSV files (a day) or of day directories (repeatable)")
      ->required();
  scmd->add_option("--config", sim.config_path,
                   "YAML configuration for instruments and capital (default: embedded)");
  scmd->add_option("--bind", sim.bind, "Address to listen on")->capture_default_str();
  scmd->add_option("--port", sim.port, "REST + ticker port (0: any free port)")
      ->capture_default_str();
  scmd->add_option("--control-port", sim.control_port, "Fault-injection API port (0: any)")
      ->capture_default_str();
  scmd->add_option("--port-file", sim.port_file, "Write '<port> <control-port>' to this file");
  scmd->add_option("--speed", sim.speed, "Exchange seconds per wall-clock second")
      ->check(CLI::Range(0.01, 10000.0))
      ->capture_default_str();
  scmd->add_option("--start", sim.start,
                   "Local exchange time the clock starts at (HH:MM; Bitget: on the first day, or "
                   "its first bar when later)")
      ->capture_default_str();
  scmd->add_option("--token-expiry", sim.token_expiry,
                   "Local time of day access tokens expire (HH:MM; Kite)")
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (mcmd->parsed()) return aitrapp::run_migrate(admin, std::cout, std::cerr);
  if (vcmd->parsed()) return aitrapp::run_verify(admin, std::cout, std::cerr);
  if (ccmd->parsed()) return aitrapp::run_reconcile(admin, std::cout, std::cerr);
  if (icmd->parsed()) return aitrapp::run_idempotency_check(admin, std::cout, std::cerr);
  if (bcmd->parsed()) return aitrapp::run_burnin_report(admin, std::cout, std::cerr);
  if (scmd->parsed()) return aitrapp::run_venue_sim(sim, std::cout, std::cerr);
  const bool is_run = rcmd->parsed();
  const std::string& speed = is_run ? run_speed : paper_speed;
  if (!parse_speed(speed, is_run ? run.speed : paper.speed)) {
    std::cerr << "error: --speed must be 'max' or a positive number, got '" << speed << "'\n";
    return 2;
  }
  if (is_run) return aitrapp::run_service(run, std::cout, std::cerr);
  return aitrapp::run_paper(paper, std::cout, std::cerr);
}
