#pragma once
// Which trading days a report covers: the days the store holds are those with a checkpoint (a
// day that ran at all). Shared by `aitrapp burnin-report` and `aitrapp reconcile`. Reads only.
#include <string>
#include <vector>

#include "store/sql_session.hpp"

namespace aitrapp::report {

// `count` (at least 1) trading days of the store ending at `last_day` (YYYY-MM-DD; empty: the
// latest), oldest first. Empty, with `error` naming what is missing, for an empty store or a day
// the store does not hold.
std::vector<std::string> trading_days(store::SqlSession& db, const std::string& last_day, int count,
                                      std::string& error);

}  // namespace aitrapp::report
