#include "app/venue_sim.hpp"

#include <array>
#include <ostream>

#include "app/venues/named_table.hpp"
#include "core/text.hpp"

namespace aitrapp {

namespace {
constexpr std::array kSimulated{
    SimulatedVenue{"kite", "Kite Connect v3 REST + WebSocket ticker", &run_kite_sim},
    SimulatedVenue{"bitget", "Bitget v2 USDT-M futures REST (public market data, account)",
                   &run_bitget_sim},
};
}  // namespace

std::span<const SimulatedVenue> simulated_venues() {
  return kSimulated;
}

sigset_t block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

void wait_for_stop_signal(const sigset_t& signals) {
  for (;;) {
    timespec wait{0, 200'000'000};
    if (sigtimedwait(&signals, nullptr, &wait) > 0) return;
  }
}

int run_venue_sim(const VenueSimOptions& opts, std::ostream& out, std::ostream& err) {
  if (const auto* v = find_by_name(simulated_venues(), opts.venue)) return v->run(opts, out, err);
  err << "error: --venue '" << opts.venue << "' is not simulated ("
      << join(names_of(simulated_venues()), ", ") << ")\n";
  return 2;
}

}  // namespace aitrapp
