#include "app/venues/run_venue.hpp"

#include <array>

namespace aitrapp {

namespace {
constexpr std::array kVenues{
    RunVenue{"sim", "replay --data against the in-process venue (PAPER)", false,
             &prepare_sim_venue},
    RunVenue{"kite", "Kite Connect market data; PAPER fills in process, or --live orders", true,
             &prepare_kite_venue},
};
}  // namespace

std::span<const RunVenue> run_venues() {
  return kVenues;
}

const RunVenue* find_run_venue(std::string_view name) {
  for (const RunVenue& v : kVenues)
    if (v.name == name) return &v;
  return nullptr;
}

std::vector<std::string> run_venue_names() {
  std::vector<std::string> out;
  for (const RunVenue& v : kVenues) out.emplace_back(v.name);
  return out;
}

}  // namespace aitrapp
