#pragma once
// The Store port over any SqlSession (SQLite or PostgreSQL): one transaction per WriteBatch,
// recovery of a trading day, and the simulated venue's journal. The SQL is shared by both
// backends. Used from one thread (the engine's); not thread-safe.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "store/sql_session.hpp"
#include "store/store.hpp"

namespace aitrapp::store {

// The statement and parameters that persist one record (shared by the store and its outage
// journal, which replays them later).
struct SqlWrite {
  std::string sql;
  std::vector<SqlValue> params;
};
SqlWrite to_sql(const StoreWrite& w, const std::string& trading_day);

class SqlStore : public Store, public VenueJournal {
 public:
  explicit SqlStore(std::unique_ptr<SqlSession> session);

  void write(const WriteBatch& batch) override;
  // Writes already turned into statements, in one transaction (the outage journal's replay).
  // `extra` runs inside the same transaction after them.
  void write_sql(const std::vector<SqlWrite>& writes, const std::function<void()>& extra = {});
  RecoveredState recover(const std::string& trading_day) override;

  void save_venue_order(const std::string& client_order_id, const std::string& state_json) override;
  void save_venue_orders(const std::vector<std::pair<std::string, std::string>>& states) override;
  std::vector<std::string> load_venue_orders() override;

  SqlSession& session() { return *session_; }

 protected:
  // Runs first inside every write transaction (PostgreSQL: the fencing check).
  virtual void before_write() {}

 private:
  std::unique_ptr<SqlSession> session_;
};

}  // namespace aitrapp::store
