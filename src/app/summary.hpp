#pragma once
// Day summary computed from the store (so a resumed day reports the whole day), plus the
// digest: SHA-256 over the ordered sequence of orders and fills.
#include <nlohmann/json.hpp>
#include <string>

#include "store/sqlite/sqlite_store.hpp"

namespace aitrapp {

nlohmann::json summarize_store(store::SqliteStore& store);
std::string format_summary(const nlohmann::json& s);

}  // namespace aitrapp
