#pragma once
// Thin RAII wrapper over the SQLite C API: a connection and prepared statements.
// One connection per thread; not thread-safe.
#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <string>

namespace aitrapp::store {

class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& bind(int i, int64_t v);
  Statement& bind(int i, int v) { return bind(i, static_cast<int64_t>(v)); }
  Statement& bind(int i, double v);
  // The text is not copied: `v` must outlive the statement's steps, until reset().
  Statement& bind(int i, const std::string& v);
  bool step();   // true while a row is available
  void run();    // step to completion, then reset()
  void reset();  // ready to run again, every parameter unbound
  int64_t int_at(int col) const;
  double double_at(int col) const;
  std::string text_at(int col) const;
  bool null_at(int col) const;
  int columns() const;

 private:
  sqlite3* db_;
  sqlite3_stmt* st_ = nullptr;
  std::string sql_;
};

class Database {
 public:
  // Opens (creating parent directories), WAL mode, synchronous=FULL, foreign keys on.
  explicit Database(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  void exec(const std::string& sql);
  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

}  // namespace aitrapp::store
