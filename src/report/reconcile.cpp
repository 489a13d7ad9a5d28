#include "report/reconcile.hpp"

#include <sstream>
#include <stdexcept>

namespace aitrapp {
const std::string& embedded_reconcile_sql();  // generated from scripts/reconcile_db.sql
}

namespace aitrapp::report {
namespace {

const std::string kDayVariable = ":'day'";

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\n");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\n;") - b + 1);
}

}  // namespace

std::vector<ReconcileCheck> reconcile_checks() {
  std::vector<ReconcileCheck> out;
  std::istringstream in(embedded_reconcile_sql());
  std::string line;
  while (std::getline(in, line)) {
    const bool check = line.rfind("-- check: ", 0) == 0, report = line.rfind("-- report: ", 0) == 0;
    if (check || report) {
      const std::string rest = line.substr(check ? 10 : 11);
      const auto colon = rest.find(": ");
      if (colon == std::string::npos) throw std::logic_error("reconcile_db.sql: bad line " + line);
      out.push_back({rest.substr(0, colon), rest.substr(colon + 2), "", check});
      continue;
    }
    if (out.empty() || line.empty() || line[0] == '\\' || line.rfind("--", 0) == 0) continue;
    // psql's :'day' variable is the statement's one parameter here.
    for (auto at = line.find(kDayVariable); at != std::string::npos;
         at = line.find(kDayVariable, at))
      line.replace(at, kDayVariable.size(), "?1");
    out.back().sql += line + "\n";
  }
  for (auto& c : out) c.sql = trim(c.sql);
  return out;
}

namespace {

ReconcileResult run_check(store::SqlSession& db, const ReconcileCheck& c, const std::string& day) {
  ReconcileResult r{c, {}, {}};
  db.run(c.sql, {day}, [&](const store::SqlRow& row) {
    std::vector<std::string> cells;
    for (int i = 0; i < row.columns(); ++i) cells.push_back(row.text(i));
    r.rows.push_back(std::move(cells));
  });
  return r;
}

}  // namespace

std::vector<ReconcileResult> reconcile(store::SqlSession& db, const std::string& day) {
  std::vector<ReconcileResult> out;
  for (const auto& c : reconcile_checks()) out.push_back(run_check(db, c, day));
  return out;
}

ReconcileResult reconcile_check(store::SqlSession& db, const std::string& name,
                                const std::string& day) {
  for (const auto& c : reconcile_checks())
    if (c.name == name) return run_check(db, c, day);
  throw std::out_of_range("reconcile_db.sql has no check " + name);
}

std::string row_text(const std::vector<std::string>& row) {
  std::string line;
  for (size_t c = 0; c < row.size(); ++c) line += (c ? " | " : "") + row[c];
  return line;
}

std::string format_reconcile(const std::vector<ReconcileResult>& results, size_t max_rows) {
  std::ostringstream o;
  for (const auto& r : results) {
    const char* verdict = !r.check.fails_on_rows ? "INFO" : r.passed() ? "PASS" : "FAIL";
    o << verdict << "  " << r.check.name << " (" << r.rows.size()
      << " rows): " << r.check.description << "\n";
    for (size_t i = 0; i < r.rows.size() && i < max_rows; ++i)
      o << "      " << row_text(r.rows[i]) << "\n";
    if (r.rows.size() > max_rows) o << "      ... " << r.rows.size() - max_rows << " more\n";
  }
  return o.str();
}

}  // namespace aitrapp::report
