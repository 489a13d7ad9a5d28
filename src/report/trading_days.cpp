#include "report/trading_days.hpp"

#include <algorithm>

namespace aitrapp::report {

std::vector<std::string> trading_days(store::SqlSession& db, const std::string& last_day, int count,
                                      std::string& error) {
  std::vector<std::string> all;
  db.run("SELECT trading_day FROM engine_checkpoint ORDER BY trading_day", {},
         [&](const store::SqlRow& q) { all.push_back(q.text(0)); });
  if (all.empty()) {
    error = "the store holds no trading day (replay some onto it first: make burnin)";
    return {};
  }
  auto end = all.end();
  if (!last_day.empty()) {
    end = std::find(all.begin(), all.end(), last_day);
    if (end == all.end()) {
      error = "--day " + last_day + ": the store holds no such trading day (it holds " +
              all.front() + " to " + all.back() + ")";
      return {};
    }
    ++end;
  }
  const auto n = std::min<std::ptrdiff_t>(std::max(count, 1), end - all.begin());
  return {end - n, end};
}

}  // namespace aitrapp::report
