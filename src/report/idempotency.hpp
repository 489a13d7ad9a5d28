#pragma once
// The idempotency check of the burn-in's smoke test ("same plan -> same IDs, no duplicate
// client_order_id"), from the store: every stored plan id and order id is derived again from what
// the plan is, through the engine's own id functions, and must come out byte for byte the same;
// then the store is scanned for duplicates (the reconcile check, over every day). Reads only.
#include <string>
#include <vector>

#include "store/sql_session.hpp"

namespace aitrapp::report {

struct IdempotencyCheck {
  std::string name;
  bool pass = true;
  std::string evidence;               // what was checked, with its numbers
  std::vector<std::string> problems;  // each offending row, named
};

// `day`: the trading day whose plans are derived again (every day for "").
std::vector<IdempotencyCheck> idempotency_check(store::SqlSession& db, const std::string& day);
// One line per check (PASS/FAIL name: evidence), then up to `max_rows` problems under each.
std::string format_idempotency(const std::vector<IdempotencyCheck>& checks, size_t max_rows = 20);

}  // namespace aitrapp::report
