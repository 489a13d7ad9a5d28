#pragma once
// The venue's net positions against the engine's, once per reconciliation round. A difference
// seen in one round can be a fill that one side has and the other has not yet heard of, so it
// counts only when it is seen in `rounds` consecutive rounds; the caller then pauses entries
// and resumes them at the first round that agrees. Venue-neutral; one thread, not thread-safe.
#include <map>
#include <string>

namespace aitrapp {

class PositionReconciler {
 public:
  enum class Verdict {
    Agree,     // every symbol matches: lift a pause
    Suspect,   // a difference not yet seen long enough: change nothing
    Mismatch,  // a difference in `rounds` consecutive rounds: pause entries, with detail()
  };

  explicit PositionReconciler(int rounds = 2) : rounds_(rounds) {}

  // Signed net quantities by symbol; a symbol missing from one side is flat there.
  Verdict check(const std::map<std::string, int64_t>& venue,
                const std::map<std::string, int64_t>& engine);
  // The last round's differences, e.g. "NIFTY_F1 venue 50, engine 0" ("" when they agreed).
  const std::string& detail() const { return detail_; }

 private:
  int rounds_;
  int mismatched_rounds_ = 0;
  std::string detail_;
};

}  // namespace aitrapp
