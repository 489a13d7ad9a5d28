#pragma once
// The burn-in report: for each trading day of the store, the paper burn-in's daily requirements
// as gates (PASS/FAIL with their evidence) and the figures an operator judges a day by (trades in
// R multiples, MAE/MFE, P&L breakdowns, the heat and P&L timelines, risk events, ack latency,
// slippage per leg). Computed once into JSON; the text and HTML renderings only format it, so
// the three files always agree. Reads the store only; deterministic (same store, same bytes).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "store/sql_session.hpp"

namespace aitrapp::report {

// `days` from trading_days(), oldest first.
// {"days": [...per day...], "overall": {"pass", "days", "failed_gates", totals}}.
nlohmann::json burnin_report(store::SqlSession& db, const std::vector<std::string>& days);

std::string burnin_text(const nlohmann::json& report);
std::string burnin_html(const nlohmann::json& report);  // one file, inline SVG, no script

}  // namespace aitrapp::report
