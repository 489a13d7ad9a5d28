#include "app/venues/run_venue.hpp"

#include <array>

namespace aitrapp {

namespace {
constexpr std::array kVenues{
    RunVenue{"sim", "replay --data against the in-process venue (PAPER)", false,
             &prepare_sim_venue},
    RunVenue{"kite", "Kite Connect market data; PAPER fills in process, or --live orders", true,
             &prepare_kite_venue},
    RunVenue{"bitget", "Bitget USDT-M perpetuals; PAPER fills in process, or --live orders", true,
             &prepare_bitget_venue},
};
}  // namespace

std::span<const RunVenue> run_venues() {
  return kVenues;
}

}  // namespace aitrapp
