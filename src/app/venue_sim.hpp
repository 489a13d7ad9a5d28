#pragma once
// `aitrapp venue-sim --venue NAME`: a standalone venue over loopback. Kite Connect v3 replays one
// recorded day, publishes it on its ticker, matches orders against it and takes fault
// injections; Bitget's v2 USDT-M futures serve, so far, public market data and the account over
// every day of the data. Both run on an accelerated exchange clock with a separate control port.
// Blocks until SIGINT/SIGTERM. Returns the exit status: 0 stopped by a signal, 2 bad input, 1
// runtime failure.
#include <csignal>
#include <cstdint>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace aitrapp {

struct VenueSimOptions {
  std::string venue = "kite";
  std::vector<std::string> data;
  std::string config_path;  // empty: the embedded default (instruments, capital)
  std::string bind = "127.0.0.1";
  uint16_t port = 9100;          // REST + ticker; 0: any free port
  uint16_t control_port = 9101;  // fault injection, clock, stats; 0: any free port
  std::string port_file;         // when set: "<port> <control_port>" once serving
  double speed = 1;              // exchange seconds per wall second
  std::string start = "09:14";   // local exchange time the clock starts at
  std::string token_expiry = "06:00";
};

// The venues `venue-sim --venue NAME` can simulate; each runs its simulator in its own file under
// app/venues/ (<name>_sim_run.cpp). Immutable; thread-safe.
struct SimulatedVenue {
  std::string_view name, summary;
  int (*run)(const VenueSimOptions&, std::ostream&, std::ostream&);
};
std::span<const SimulatedVenue> simulated_venues();  // see named_table.hpp

int run_venue_sim(const VenueSimOptions& opts, std::ostream& out, std::ostream& err);

// A simulator process's lifetime: SIGINT and SIGTERM are blocked before any thread starts (so
// that none of them takes the signal), then waited for on the main thread.
sigset_t block_stop_signals();
void wait_for_stop_signal(const sigset_t& signals);
int run_kite_sim(const VenueSimOptions& opts, std::ostream& out, std::ostream& err);
int run_bitget_sim(const VenueSimOptions& opts, std::ostream& out, std::ostream& err);

}  // namespace aitrapp
