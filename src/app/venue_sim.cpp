#include "app/venue_sim.hpp"

#include <array>
#include <ostream>

#include "app/venues/named_table.hpp"
#include "core/text.hpp"

namespace aitrapp {

namespace {
constexpr std::array kSimulated{
    SimulatedVenue{"kite", "Kite Connect v3 REST + WebSocket ticker", &run_kite_sim},
};
}  // namespace

std::span<const SimulatedVenue> simulated_venues() {
  return kSimulated;
}

int run_venue_sim(const VenueSimOptions& opts, std::ostream& out, std::ostream& err) {
  if (const auto* v = find_by_name(simulated_venues(), opts.venue)) return v->run(opts, out, err);
  err << "error: --venue '" << opts.venue << "' is not simulated ("
      << join(names_of(simulated_venues()), ", ") << ")\n";
  return 2;
}

}  // namespace aitrapp
