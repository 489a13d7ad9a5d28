// `run --venue sim`: recorded days replayed against the in-process venue, PAPER only.
#include "app/day_replay.hpp"
#include "app/day_sequence.hpp"
#include "app/venues/run_venue.hpp"
#include "ops/prometheus_text.hpp"

namespace aitrapp {

Result<PreparedVenue> prepare_sim_venue(const RunOptions& opts) {
  auto in = load_replay_inputs(opts.config_path, opts.data);
  if (!in) return Error{in.error()};
  PreparedVenue v;
  v.cfg = in.value().cfg;
  v.speed = opts.speed;
  auto days = std::make_shared<std::vector<DayData>>(std::move(in.value().days));
  v.make_session = [days](const AppConfig& cfg, Store& store, VenueJournal& journal, LogSink& log) {
    return std::make_unique<DaySequence>(cfg, std::move(*days), store, journal, log);
  };
  const double speed = opts.speed;
  v.describe = [speed](const SessionDriver& s) {
    return "PAPER on the simulated venue, replaying " + s.day_string() + " at " +
           (speed > 0 ? ops::format_value(speed) + "x" : std::string("max speed"));
  };
  return v;
}

}  // namespace aitrapp
