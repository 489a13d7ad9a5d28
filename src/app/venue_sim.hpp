#pragma once
// `aitrapp venue-sim --venue NAME`: a standalone venue over loopback (Kite Connect v3 today). It
// replays one recorded day on an accelerated exchange clock, publishes it on the ticker, matches
// orders against it, and takes fault injections on a separate control port. Blocks until
// SIGINT/SIGTERM. Returns the exit status: 0 stopped by a signal, 2 bad input, 1 runtime failure.
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
int run_kite_sim(const VenueSimOptions& opts, std::ostream& out, std::ostream& err);

}  // namespace aitrapp
