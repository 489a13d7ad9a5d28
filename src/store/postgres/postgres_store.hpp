#pragma once
// Production Store on PostgreSQL (DATABASE_URL). It refuses a database that is not at the head
// of the migrations (run `aitrapp migrate`) and, when a fencing token is set, fences every write
// transaction: a leader whose lease was taken over cannot persist, and so cannot send.
// Used from one thread (the engine's); not thread-safe.
#include <cstdint>
#include <string>

#include "store/postgres/pg_session.hpp"
#include "store/sql_store.hpp"

namespace aitrapp::store {

// A newer leader has written: this instance must stop.
class FencedOut : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

class PostgresStore final : public SqlStore {
 public:
  // Throws std::invalid_argument (malformed URL, schema not at head; the message names
  // DATABASE_URL) or StoreUnavailable (server unreachable).
  explicit PostgresStore(const std::string& url);

  // Fences every later write with this lease token (0: no fencing, e.g. without Redis).
  void set_fencing(uint64_t token, std::string instance_id);
  uint64_t fencing_token() const { return token_; }
  PgSession& pg() { return *pg_; }

 protected:
  void before_write() override;

 private:
  PgSession* pg_;
  uint64_t token_ = 0;
  std::string instance_id_;
};

}  // namespace aitrapp::store
