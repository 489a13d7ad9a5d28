#include "app/venue_sim.hpp"

#include <array>
#include <ostream>

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

std::vector<std::string> simulated_venue_names() {
  std::vector<std::string> out;
  for (const auto& v : kSimulated) out.emplace_back(v.name);
  return out;
}

int run_venue_sim(const VenueSimOptions& opts, std::ostream& out, std::ostream& err) {
  for (const auto& v : kSimulated)
    if (v.name == opts.venue) return v.run(opts, out, err);
  err << "error: --venue '" << opts.venue << "' is not simulated ("
      << join(simulated_venue_names(), ", ") << ")\n";
  return 2;
}

}  // namespace aitrapp
