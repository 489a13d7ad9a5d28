#pragma once
// Operator commands around the store: `aitrapp migrate`, `aitrapp verify` (the go-live
// checklist's environment checks), `aitrapp reconcile`, `aitrapp idempotency-check` and
// `aitrapp burnin-report`. DATABASE_URL selects PostgreSQL, otherwise the SQLite file given by
// --db. Each returns the process exit status.
#include <iosfwd>
#include <string>

namespace aitrapp {

struct AdminOptions {
  std::string db = "var/run.sqlite";
  std::string config_path;     // verify: empty means the embedded default
  std::string mode = "PAPER";  // verify: LIVE also requires venue credentials
  // verify --mode LIVE with Kite credentials: where Kite's instrument master is read.
  std::string kite_root = "https://api.kite.trade";
  // burnin-report: the last day reported (empty: the latest in the store), how many days, where
  // the files go, and whether a failed gate fails the command;
  // reconcile, idempotency-check: the day checked (empty: the latest), or every day.
  std::string day;
  int days = 1;
  bool all_days = false;
  std::string out_dir = ".";
  bool strict = false;
};

// 0 at head (migrations applied or none needed), 2 bad setting, 1 failure.
int run_migrate(const AdminOptions& opts, std::ostream& out, std::ostream& err);
// 0 when every check passes, 1 otherwise.
int run_verify(const AdminOptions& opts, std::ostream& out, std::ostream& err);
// Writes burnin-report-YYYYMMDD.{txt,html,json} (YYYYMMDD: the last day reported) into out_dir
// and prints the text. 0 written (with --strict: and every gate passed), 1 a gate failed under
// --strict or a failure, 2 bad setting (a day the store does not hold).
int run_burnin_report(const AdminOptions& opts, std::ostream& out, std::ostream& err);
// 0 when every reconcile check passes, 1 when one fails, 2 bad setting.
int run_reconcile(const AdminOptions& opts, std::ostream& out, std::ostream& err);
// Same plan -> same ids (every stored plan and order id derived again from its plan) and no
// duplicate client_order_id in the store: 0 pass, 1 a check failed, 2 bad setting or day.
int run_idempotency_check(const AdminOptions& opts, std::ostream& out, std::ostream& err);

}  // namespace aitrapp
