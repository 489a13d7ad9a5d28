#include "store/migrator.hpp"

#include <algorithm>

#include "core/text.hpp"
#include "store/migrations.hpp"

namespace aitrapp::store {
namespace {

// Arbitrary, fixed: every aitrapp process migrating the same PostgreSQL database takes this lock.
constexpr int64_t kMigrationLockKey = 0x41495452;  // "AITR"

std::vector<std::string> applied_names(SqlSession& s) {
  std::vector<std::string> out;
  try {
    s.run("SELECT name FROM schema_migrations ORDER BY name", {},
          [&](const SqlRow& r) { out.push_back(r.text(0)); });
  } catch (const SqlError&) {  // no table yet: nothing applied
  }
  return out;
}

}  // namespace

SchemaStatus schema_status(SqlSession& s) {
  SchemaStatus st;
  st.applied = applied_names(s);
  for (const auto& m : migrations())
    if (std::find(st.applied.begin(), st.applied.end(), m.name) == st.applied.end())
      st.missing.push_back(m.name);
  for (const auto& a : st.applied)
    if (std::none_of(migrations().begin(), migrations().end(),
                     [&](const Migration& m) { return m.name == a; }))
      st.unknown.push_back(a);
  return st;
}

std::vector<std::string> migrate(SqlSession& s) {
  std::vector<std::string> done;
  s.exec_script("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY)");
  for (const auto& m : migrations()) {
    bool applied = false;
    try {
      in_transaction(s, [&] {
        if (s.backend() == "postgresql")
          s.run("SELECT pg_advisory_xact_lock(?1)", {kMigrationLockKey});
        // Checked under the lock: a concurrent migrate may have applied it meanwhile.
        if (s.scalar("SELECT COUNT(*) FROM schema_migrations WHERE name = ?1", {m.name}) > 0)
          return;
        s.exec_script(m.sql);
        s.run("INSERT INTO schema_migrations(name) VALUES(?1)", {m.name});
        applied = true;
      });
    } catch (const SqlError& e) {
      throw SqlError("migration " + m.name + " failed: " + e.what(), e.constraint_violation());
    }
    if (applied) done.push_back(m.name);
  }
  return done;
}

Result<void> schema_at_head(SqlSession& s, const std::string& setting) {
  const SchemaStatus st = schema_status(s);
  if (!st.unknown.empty())
    return Error{setting + ": the database has migrations this build does not know (" +
                     join(st.unknown) +
                     "); run a build at least as new as the one that migrated it",
                 ErrorCode::Conflict};
  if (!st.missing.empty())
    return Error{setting + ": the database is behind on migrations (" +
                     std::to_string(st.applied.size()) + " applied, missing " + join(st.missing) +
                     "); run `aitrapp migrate` (make migrate)",
                 ErrorCode::Conflict};
  return {};
}

}  // namespace aitrapp::store
