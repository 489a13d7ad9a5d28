#pragma once
// SqlSession over one SQLite file (WAL, synchronous=FULL, foreign keys on), with a cache of
// prepared statements. One thread; not thread-safe.
#include <map>
#include <memory>
#include <string>

#include "store/sql_session.hpp"
#include "store/sqlite/sqlite_db.hpp"

namespace aitrapp::store {

class SqliteSession final : public SqlSession {
 public:
  explicit SqliteSession(const std::string& path);  // creates the file and its directories
  std::string_view backend() const override { return "sqlite"; }
  void exec_script(const std::string& sql) override { db_.exec(sql); }
  int64_t run(const std::string& sql, const std::vector<SqlValue>& params = {},
              const RowFn& row = {}) override;
  void begin() override { db_.exec("BEGIN IMMEDIATE"); }
  void commit() override { db_.exec("COMMIT"); }
  void rollback() noexcept override;
  const std::string& path() const { return db_.path(); }

 private:
  Database db_;
  std::map<std::string, std::unique_ptr<Statement>> cache_;
};

}  // namespace aitrapp::store
