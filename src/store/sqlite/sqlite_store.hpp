#pragma once
// Embedded Store: one SQLite file in WAL mode, schema from the numbered migrations.
// Used from one thread (the engine's); not thread-safe.
#include <memory>
#include <string>
#include <vector>

#include "store/sqlite/sqlite_db.hpp"
#include "store/store.hpp"

namespace aitrapp::store {

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(const std::string& path);
  ~SqliteStore() override;

  void write(const WriteBatch& batch) override;
  RecoveredState recover(const std::string& trading_day) override;

  // Names of the migrations applied, in order.
  std::vector<std::string> applied_migrations();

  // The simulated venue's journal (venue side of the wire).
  void save_venue_order(const std::string& client_order_id, const std::string& state_json);
  std::vector<std::string> load_venue_orders();

  Database& db() { return db_; }

 private:
  void migrate();
  struct Statements;
  Database db_;
  std::unique_ptr<Statements> st_;
};

}  // namespace aitrapp::store
