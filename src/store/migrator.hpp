#pragma once
// Brings a database to the head of the numbered migrations (src/store/migrations/*.sql, embedded
// in the binary) and reports where a database stands. The same SQL files serve SQLite and
// PostgreSQL. Safe to run twice and, on PostgreSQL, from two processes at once (an advisory lock
// serializes them).
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "store/sql_session.hpp"

namespace aitrapp::store {

struct SchemaStatus {
  std::vector<std::string> applied;  // in order
  std::vector<std::string> missing;  // known to this build, not applied
  std::vector<std::string> unknown;  // applied, but not known to this build (a newer build ran)
  bool at_head() const { return missing.empty() && unknown.empty(); }
};

SchemaStatus schema_status(SqlSession& s);
// Applies every missing migration, each in its own transaction; returns the names applied.
std::vector<std::string> migrate(SqlSession& s);
// Whether this build can use the store: an error (Conflict) when it is behind or ahead of the
// build, naming `setting` and the way out.
Result<void> schema_at_head(SqlSession& s, const std::string& setting);

}  // namespace aitrapp::store
