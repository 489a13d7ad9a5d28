#include "store/postgres/postgres_store.hpp"

#include <chrono>

#include "store/migrator.hpp"

namespace aitrapp::store {
namespace {

std::unique_ptr<PgSession> open_session(const std::string& url, PgSession*& raw) {
  auto s = std::make_unique<PgSession>(url);
  raw = s.get();
  return s;
}

}  // namespace

PostgresStore::PostgresStore(const std::string& url) : SqlStore(open_session(url, pg_)) {
  if (auto at_head = schema_at_head(session(), "DATABASE_URL"); !at_head)
    throw std::invalid_argument(at_head.error());
}

void PostgresStore::set_fencing(uint64_t token, std::string instance_id) {
  token_ = token;
  instance_id_ = std::move(instance_id);
}

void PostgresStore::before_write() {
  if (token_ == 0) return;
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  const int64_t raised = session().run(
      "UPDATE leader_fence SET token = ?1, instance_id = ?2, updated_ms = ?3 WHERE id = 1 AND "
      "token <= ?1",
      {static_cast<int64_t>(token_), instance_id_, now_ms});
  if (raised == 0)
    throw FencedOut("fenced out: a newer leader (token above " + std::to_string(token_) +
                    ") has written to the store; this instance must stop");
}

}  // namespace aitrapp::store
