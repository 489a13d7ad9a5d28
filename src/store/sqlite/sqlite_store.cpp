#include "store/sqlite/sqlite_store.hpp"

#include "store/migrator.hpp"

namespace aitrapp::store {

SqliteStore::SqliteStore(const std::string& path)
    : SqlStore(std::make_unique<SqliteSession>(path)), path_(path) {
  migrate(session());
}

}  // namespace aitrapp::store
