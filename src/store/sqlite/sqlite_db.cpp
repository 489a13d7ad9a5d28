#include "store/sqlite/sqlite_db.hpp"

#include <filesystem>
#include <stdexcept>

#include "store/sql_session.hpp"

namespace aitrapp::store {

Statement::Statement(sqlite3* db, const std::string& sql) : db_(db), sql_(sql) {
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st_, nullptr) != SQLITE_OK)
    throw SqlError(std::string("sqlite prepare failed: ") + sqlite3_errmsg(db) + " in: " + sql,
                   false);
}
Statement::~Statement() {
  sqlite3_finalize(st_);
}
Statement& Statement::bind(int i, int64_t v) {
  sqlite3_bind_int64(st_, i, v);
  return *this;
}
Statement& Statement::bind(int i, double v) {
  sqlite3_bind_double(st_, i, v);
  return *this;
}
Statement& Statement::bind(int i, const std::string& v) {
  // SQLITE_STATIC: no copy. The caller keeps `v` alive until reset(), which unbinds it.
  sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  return *this;
}
bool Statement::step() {
  const int rc = sqlite3_step(st_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw SqlError(std::string("sqlite step failed: ") + sqlite3_errmsg(db_) + " in: " + sql_,
                 (rc & 0xff) == SQLITE_CONSTRAINT);
}
void Statement::run() {
  while (step()) {
  }
  reset();
}
void Statement::reset() {
  sqlite3_reset(st_);
  sqlite3_clear_bindings(st_);
}
int64_t Statement::int_at(int c) const {
  return sqlite3_column_int64(st_, c);
}
double Statement::double_at(int c) const {
  return sqlite3_column_double(st_, c);
}
std::string Statement::text_at(int c) const {
  auto* p = sqlite3_column_text(st_, c);
  return p ? std::string(reinterpret_cast<const char*>(p)) : std::string();
}
bool Statement::null_at(int c) const {
  return sqlite3_column_type(st_, c) == SQLITE_NULL;
}
int Statement::columns() const {
  return sqlite3_column_count(st_);
}

Database::Database(const std::string& path) : path_(path) {
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw std::runtime_error("cannot open store " + path + ": " + msg);
  }
  sqlite3_busy_timeout(db_, 5000);
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=FULL");  // a committed order row survives power loss before its send
  exec("PRAGMA foreign_keys=ON");
}
Database::~Database() {
  sqlite3_close(db_);
}

void Database::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw SqlError("sqlite: " + msg, false);
  }
}

}  // namespace aitrapp::store
