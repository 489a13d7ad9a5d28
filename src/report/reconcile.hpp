#pragma once
// The reconcile report (scripts/reconcile_db.sql, compiled in): OCO orphans, duplicate ids,
// breaks in the signal -> decision -> orders -> trades chain, records without config_sha,
// unprotected positions, orders live after a hard flat, and the day's risk events, on either
// backend, for one trading day or the whole store. Reads only; not thread-safe (one session).
#include <string>
#include <vector>

#include "store/sql_session.hpp"

namespace aitrapp::report {

struct ReconcileCheck {
  std::string name, description, sql;
  bool fails_on_rows = true;  // false: a report section that only lists rows
};
struct ReconcileResult {
  ReconcileCheck check;
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  bool passed() const { return !check.fails_on_rows || rows.empty(); }
};

// The checks of scripts/reconcile_db.sql, in file order; each takes the trading day as its one
// parameter (?1).
std::vector<ReconcileCheck> reconcile_checks();
// The checks over one trading day's records (and what was live on it), or over every day for "".
std::vector<ReconcileResult> reconcile(store::SqlSession& db, const std::string& day);
// The one check named `name`, over `day` as above (std::out_of_range when the script has no
// such check): for a reader that needs some checks, not the whole report.
ReconcileResult reconcile_check(store::SqlSession& db, const std::string& name,
                                const std::string& day);
// A row's cells as the report prints them: "a | b | c".
std::string row_text(const std::vector<std::string>& row);
// Human-readable report: each check with PASS/FAIL and up to `max_rows` offending rows.
std::string format_reconcile(const std::vector<ReconcileResult>& results, size_t max_rows = 20);

}  // namespace aitrapp::report
