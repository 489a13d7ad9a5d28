#pragma once
// Day summary computed from the store (so a resumed day reports the whole day), plus the
// digest: SHA-256 over the ordered sequence of orders and fills.
#include <nlohmann/json.hpp>
#include <string>

#include "store/sql_session.hpp"
#include "store/store.hpp"

namespace aitrapp {

// Counts over one trading day of the store (which may hold many); `venue` is the simulated
// venue's journal, checked against the engine's orders of every day.
nlohmann::json summarize_store(store::SqlSession& db, VenueJournal& venue, const std::string& day);
std::string format_summary(const nlohmann::json& s);

}  // namespace aitrapp
