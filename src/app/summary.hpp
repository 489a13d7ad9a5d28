#pragma once
// Day summary computed from the store (so a resumed day reports the whole day), plus the
// digest: SHA-256 over the ordered sequence of orders and fills.
#include <nlohmann/json.hpp>
#include <string>

#include "store/sql_session.hpp"
#include "store/store.hpp"

namespace aitrapp {

// Counts over the whole store (one trading day per store is the embedded default); `venue` is
// the simulated venue's journal, checked against the engine's orders.
nlohmann::json summarize_store(store::SqlSession& db, VenueJournal& venue);
std::string format_summary(const nlohmann::json& s);

}  // namespace aitrapp
