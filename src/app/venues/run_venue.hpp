#pragma once
// The venues `aitrapp run --venue NAME` can trade on, by name. Each entry checks its own inputs
// (credentials, the instrument master, the data to replay) before the store is opened, and then
// builds the session driver on the opened store. `run_service` knows no venue: adding one is an
// entry here and its prepare function (see docs/architecture.md, "Adding a venue").
// The registry is immutable; the functions are thread-safe.
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/config.hpp"
#include "app/run_service.hpp"
#include "app/session_driver.hpp"
#include "core/log.hpp"
#include "core/result.hpp"
#include "store/store.hpp"

namespace aitrapp {

// A venue ready to trade: what `run` prints and how it builds the session.
struct PreparedVenue {
  AppConfig cfg;      // as the venue has it (Kite: tick and lot sizes from its instrument master)
  double speed = 0;   // exchange seconds per wall second the service paces at (0: max)
  bool live = false;  // orders reach a real venue
  std::vector<std::string> notes;  // printed before the banner ("note: ...")
  // Called once, with `cfg` above and the store the run opened (all outlive the session);
  // whatever else the session references is owned by this function.
  std::function<std::unique_ptr<SessionDriver>(const AppConfig&, Store&, VenueJournal&, LogSink&)>
      make_session;
  // The banner's first part: what trades where ("PAPER on the simulated venue, replaying ...").
  std::function<std::string(const SessionDriver&)> describe;
};

struct RunVenue {
  std::string_view name;
  std::string_view summary;  // for --help
  bool can_live;             // --live is refused otherwise
  Result<PreparedVenue> (*prepare)(const RunOptions&);
};

// Looked up and listed with find_by_name, names_of and summaries_of (named_table.hpp).
std::span<const RunVenue> run_venues();

// The entries' prepare functions, one file each.
Result<PreparedVenue> prepare_sim_venue(const RunOptions& opts);
Result<PreparedVenue> prepare_kite_venue(const RunOptions& opts);
Result<PreparedVenue> prepare_bitget_venue(const RunOptions& opts);

}  // namespace aitrapp
