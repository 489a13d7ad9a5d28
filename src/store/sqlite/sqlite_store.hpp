#pragma once
// Embedded Store: one SQLite file in WAL mode with synchronous=FULL. Opening it migrates it to
// head, so a fresh `make run` needs nothing else. Used from one thread; not thread-safe.
#include <string>

#include "store/sql_store.hpp"
#include "store/sqlite/sqlite_session.hpp"

namespace aitrapp::store {

class SqliteStore final : public SqlStore {
 public:
  explicit SqliteStore(const std::string& path);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace aitrapp::store
