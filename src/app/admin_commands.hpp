#pragma once
// Operator commands around the store: `aitrapp migrate`, `aitrapp verify` (the go-live
// checklist's environment checks) and `aitrapp reconcile`. DATABASE_URL selects PostgreSQL,
// otherwise the SQLite file given by --db. Each returns the process exit status.
#include <iosfwd>
#include <string>

namespace aitrapp {

struct AdminOptions {
  std::string db = "var/run.sqlite";
  std::string config_path;     // verify: empty means the embedded default
  std::string mode = "PAPER";  // verify: LIVE also requires venue credentials
  // verify --mode LIVE with Kite credentials: where Kite's instrument master is read.
  std::string kite_root = "https://api.kite.trade";
};

// 0 at head (migrations applied or none needed), 2 bad setting, 1 failure.
int run_migrate(const AdminOptions& opts, std::ostream& out, std::ostream& err);
// 0 when every check passes, 1 otherwise.
int run_verify(const AdminOptions& opts, std::ostream& out, std::ostream& err);
// 0 when every reconcile check passes, 1 when one fails, 2 bad setting.
int run_reconcile(const AdminOptions& opts, std::ostream& out, std::ostream& err);

}  // namespace aitrapp
