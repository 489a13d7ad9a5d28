#pragma once
// Keeps the engine's persist-before-send promise through a PostgreSQL outage. Writes go to the
// primary; when it is unreachable, each batch is committed to a local SQLite journal instead
// (synchronous=FULL: still durable before anything is sent) and the store reports itself
// degraded, so the engine takes no new risk while exits and the kill switch keep working. Later
// writes retry the primary with exponential backoff; once it answers, the journal is replayed
// into it in order, each batch exactly once, before the new write. A statement the primary
// refuses (not an outage) still throws: that is a bug, and the engine must stop.
// Used from one thread (the engine's); not thread-safe.
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/sqlite_session.hpp"

namespace aitrapp::store {

struct BackoffParams {
  std::chrono::milliseconds first{250}, max{8'000};
};

class JournaledStore final : public Store {
 public:
  using Now = std::function<std::chrono::steady_clock::time_point()>;
  // `primary` must outlive this store. The journal file is created if missing; batches left in
  // it by an earlier process are replayed by recover().
  JournaledStore(
      PostgresStore& primary, const std::string& journal_path, BackoffParams backoff = {},
      Now now = [] { return std::chrono::steady_clock::now(); });

  void write(const WriteBatch& batch) override;
  // Replays the journal first (throws StoreUnavailable while the primary is away).
  RecoveredState recover(const std::string& trading_day) override;
  StoreHealth health() const override { return health_; }
  bool degraded() const override { return health_.degraded; }

  // Replays what the journal holds into the primary; returns the batches replayed.
  int64_t drain();

 private:
  void journal(const WriteBatch& batch);
  bool try_reconnect();
  void enter_outage(const std::string& why);

  PostgresStore& primary_;
  SqliteSession journal_;
  std::string journal_id_;
  BackoffParams backoff_;
  Now now_;
  std::chrono::steady_clock::time_point next_try_{};
  std::chrono::milliseconds delay_{0};
  StoreHealth health_;
};

}  // namespace aitrapp::store
