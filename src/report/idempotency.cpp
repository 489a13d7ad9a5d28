#include "report/idempotency.hpp"

#include <sstream>

#include "core/calendar.hpp"
#include "core/ids.hpp"
#include "core/types.hpp"
#include "report/reconcile.hpp"

namespace aitrapp::report {

using store::SqlRow;

std::vector<IdempotencyCheck> idempotency_check(store::SqlSession& db, const std::string& day) {
  std::vector<IdempotencyCheck> out;

  // Same plan -> same plan id: the decision's day, strategy, symbol, signal time and side give
  // its id again, and a second derivation gives the same bytes as the first.
  IdempotencyCheck plans{"same_plan_same_plan_id", true, "", {}};
  const TradingCalendar utc("UTC", {});  // the signal time as a reader checks it against the log
  int64_t decisions = 0;
  std::string example;
  db.run(
      "SELECT d.plan_id, d.trading_day, d.strategy, d.symbol, d.side, s.time_ms FROM decisions d "
      "JOIN signals s ON s.signal_id = d.signal_id WHERE ?1 = '' OR d.trading_day = ?1 "
      "ORDER BY d.trading_day, d.time_ms, d.plan_id",
      {day}, [&](const SqlRow& q) {
        ++decisions;
        const Side side = side_from_string(q.text(4));
        const std::string at = utc.local_time_string(q.integer(5));
        const std::string first = make_plan_id(q.text(1), q.text(2), q.text(3), q.integer(5), side);
        const std::string second =
            make_plan_id(q.text(1), q.text(2), q.text(3), q.integer(5), side);
        if (first != q.text(0) || second != first) {
          plans.pass = false;
          plans.problems.push_back("decision " + q.text(0) + " (" + q.text(3) + " " + q.text(4) +
                                   " at " + at + ") derives " + first + ", then " + second);
        } else if (example.empty()) {
          example =
              "; e.g. " + q.text(3) + " " + q.text(4) + " at " + at + " -> " + first + " twice";
        }
      });
  if (decisions == 0) {
    plans.pass = false;
    plans.problems.push_back("no decision to derive again: the check would prove nothing");
  }
  plans.evidence = std::to_string(decisions) + " decisions, each plan id derived again from its " +
                   "plan" + example;
  out.push_back(std::move(plans));

  // Same plan -> same order ids: each order's id is its plan id, leg and attempt.
  IdempotencyCheck orders{"same_plan_same_client_order_ids", true, "", {}};
  int64_t n = 0;
  db.run(
      "SELECT client_order_id, plan_id, role, attempt FROM orders WHERE ?1 = '' OR trading_day = "
      "?1 ORDER BY client_order_id",
      {day}, [&](const SqlRow& q) {
        ++n;
        const auto role = leg_role_from_string(q.text(2));
        const int attempt = static_cast<int>(q.integer(3));
        const std::string want = role && attempt >= 0 && attempt <= kMaxOrderAttempt
                                     ? make_client_order_id(q.text(1), *role, attempt)
                                     : "(no id: role " + q.text(2) + ", attempt " + q.text(3) + ")";
        if (want != q.text(0)) {
          orders.pass = false;
          orders.problems.push_back("order " + q.text(0) + " of plan " + q.text(1) + " " +
                                    q.text(2) + " attempt " + q.text(3) + " should be " + want);
        }
      });
  orders.evidence = std::to_string(n) + " orders, each id derived again from plan, leg and attempt";
  out.push_back(std::move(orders));

  // No duplicate client_order_id, over the whole store: the reconcile check.
  const ReconcileResult dup = reconcile_check(db, "duplicate_client_order_id", "");
  IdempotencyCheck dups{"no_duplicate_client_order_id", dup.passed(), "", {}};
  for (const auto& row : dup.rows) dups.problems.push_back(row_text(row));
  dups.evidence = std::to_string(db.scalar("SELECT COUNT(*) FROM orders")) +
                  " orders over every day: " + std::to_string(dup.rows.size()) +
                  " ids stored twice or legs with two live orders";
  out.push_back(std::move(dups));
  return out;
}

std::string format_idempotency(const std::vector<IdempotencyCheck>& checks, size_t max_rows) {
  std::ostringstream o;
  for (const auto& c : checks) {
    o << (c.pass ? "PASS" : "FAIL") << "  " << c.name << ": " << c.evidence << "\n";
    for (size_t i = 0; i < c.problems.size() && i < max_rows; ++i)
      o << "      " << c.problems[i] << "\n";
    if (c.problems.size() > max_rows)
      o << "      ... " << c.problems.size() - max_rows << " more\n";
  }
  return o.str();
}

}  // namespace aitrapp::report
