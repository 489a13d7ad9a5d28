#include "store/sqlite/sqlite_session.hpp"

#include "core/overloaded.hpp"

namespace aitrapp::store {
namespace {

class StatementRow final : public SqlRow {
 public:
  explicit StatementRow(const Statement& s) : s_(s) {}
  std::string text(int c) const override { return s_.text_at(c); }
  int64_t integer(int c) const override { return s_.int_at(c); }
  double real(int c) const override { return s_.double_at(c); }
  bool is_null(int c) const override { return s_.null_at(c); }
  int columns() const override { return s_.columns(); }

 private:
  const Statement& s_;
};

}  // namespace

SqliteSession::SqliteSession(const std::string& path) : db_(path) {}

int64_t SqliteSession::run(const std::string& sql, const std::vector<SqlValue>& params,
                           const RowFn& row) {
  auto& slot = cache_[sql];
  if (!slot) slot = std::make_unique<Statement>(db_.handle(), sql);
  Statement& st = *slot;  // reset (and unbound) when its last run ended
  for (size_t i = 0; i < params.size(); ++i) {
    const int at = static_cast<int>(i) + 1;
    std::visit(overloaded{[&](int64_t v) { st.bind(at, v); }, [&](double v) { st.bind(at, v); },
                          [&](const std::string& v) { st.bind(at, v); }},
               params[i]);
  }
  try {
    StatementRow view(st);
    while (st.step())
      if (row) row(view);
  } catch (...) {
    st.reset();
    throw;
  }
  st.reset();
  return sqlite3_changes(db_.handle());
}

void SqliteSession::rollback() noexcept {
  try {
    db_.exec("ROLLBACK");
  } catch (...) {  // no transaction open: nothing to undo
  }
}

}  // namespace aitrapp::store
