#include "bench/bench_stores.hpp"

#include <filesystem>

#include "app/env.hpp"
#include "bench/bench_util.hpp"
#include "store/migrator.hpp"
#include "store/postgres/pg_session.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace aitrapp::bench {
namespace {

// The schema at head and every table empty, so that each repetition writes the same plans
// afresh.
void empty_pg(const std::string& url) {
  store::PgSession s(url);
  store::migrate(s);
  std::string tables;
  s.run(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN "
      "('schema_migrations', 'leader_fence')",
      {}, [&](const store::SqlRow& r) { tables += (tables.empty() ? "" : ", ") + r.text(0); });
  if (!tables.empty()) s.exec_script("TRUNCATE " + tables);
}

}  // namespace

void remove_sqlite(const std::string& path) {
  for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(path + ext);
}

std::unique_ptr<Store> open_fresh_store(BenchStore kind, const std::string& sqlite_path,
                                        std::string& why) {
  switch (kind) {
    case BenchStore::Off:
      return std::make_unique<DiscardStore>();
    case BenchStore::Sqlite:
      remove_sqlite(sqlite_path);
      return std::make_unique<store::SqliteStore>(sqlite_path);
    case BenchStore::Postgres: {
      const std::string url = env_value("AITRAPP_BENCH_DATABASE_URL").value_or("");
      if (url.empty()) {
        why = "AITRAPP_BENCH_DATABASE_URL is not set (make bench starts a PostgreSQL server)";
        return nullptr;
      }
      empty_pg(url);
      return std::make_unique<store::PostgresStore>(url);
    }
  }
  return nullptr;
}

}  // namespace aitrapp::bench
