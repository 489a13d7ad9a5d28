#pragma once
// Numbered SQL migrations, embedded at build time from src/store/migrations/*.sql.
#include <string>
#include <vector>

namespace aitrapp::store {
struct Migration {
  std::string name;  // e.g. 001_core_schema.sql
  std::string sql;
};
const std::vector<Migration>& migrations();
}  // namespace aitrapp::store
