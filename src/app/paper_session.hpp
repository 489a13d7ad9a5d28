#pragma once
// `aitrapp paper`: replays one or more trading days of recorded bars, in date order on one store,
// through the engine against the in-process simulated venue, on a simulated clock (as fast as
// possible or at N x real time), printing each day's summary and, for several, the total.
// Resumes from the store after a crash (days already replayed replay nothing). Returns the process
// exit status: 0 done, 2 bad input (nothing written to the store), 1 runtime failure.
#include <iosfwd>
#include <string>
#include <vector>

namespace aitrapp {

struct PaperOptions {
  std::vector<std::string> data;
  std::string db = "var/paper.sqlite";
  std::string summary_json;
  std::string config_path;  // empty: the embedded default
  double speed = 0;         // 0 = max; otherwise simulated seconds per wall second
  bool progress = false;
};

int run_paper(const PaperOptions& opts, std::ostream& out, std::ostream& err);

}  // namespace aitrapp
