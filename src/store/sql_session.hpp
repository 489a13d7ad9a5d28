#pragma once
// A connection to a SQL backend (SQLite or PostgreSQL) behind one small interface, so the store,
// the migrations, the reconcile checks and the day summary are written once. Statements use
// SQLite's numbered placeholders (?1, ?2, ...); the PostgreSQL session rewrites them to $1, $2.
// One session per thread; not thread-safe.
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace aitrapp::store {

using SqlValue = std::variant<int64_t, double, std::string>;

// The backend cannot be reached (connection refused, lost, timed out): the write did not happen
// and may be retried once the backend is back.
class StoreUnavailable : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The backend refused a statement (constraint, syntax, type): retrying cannot help.
class SqlError : public std::runtime_error {
 public:
  SqlError(const std::string& what, bool constraint)
      : std::runtime_error(what), constraint_(constraint) {}
  bool constraint_violation() const { return constraint_; }

 private:
  bool constraint_;
};

// One result row; valid only inside the row callback.
class SqlRow {
 public:
  virtual ~SqlRow() = default;
  virtual std::string text(int col) const = 0;
  virtual int64_t integer(int col) const = 0;
  virtual double real(int col) const = 0;
  virtual bool is_null(int col) const = 0;
  virtual int columns() const = 0;
};
using RowFn = std::function<void(const SqlRow&)>;

class SqlSession {
 public:
  virtual ~SqlSession() = default;
  virtual std::string_view backend() const = 0;  // "sqlite" or "postgresql"
  // Runs a script of several statements without parameters (migrations).
  virtual void exec_script(const std::string& sql) = 0;
  // Runs one statement, calling `row` for each result row; returns the rows changed.
  virtual int64_t run(const std::string& sql, const std::vector<SqlValue>& params = {},
                      const RowFn& row = {}) = 0;
  // A write transaction (SQLite takes the write lock at once).
  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() noexcept = 0;

  // The first column of the first row as an integer (0 when there is no row).
  int64_t scalar(const std::string& sql, const std::vector<SqlValue>& params = {});
  std::string text_scalar(const std::string& sql, const std::vector<SqlValue>& params = {});
};

// Runs `body` inside a transaction: commits when it returns, rolls back when it throws.
template <class Body>
void in_transaction(SqlSession& s, Body&& body) {
  s.begin();
  try {
    body();
    s.commit();
  } catch (...) {
    s.rollback();
    throw;
  }
}

}  // namespace aitrapp::store
