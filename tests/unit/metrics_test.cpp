// The Prometheus exposition shows every label a counter can take from the start, and what was
// counted under a label nobody listed.
#include "ops/metrics.hpp"

#include <gtest/gtest.h>

#include "engine/engine.hpp"
#include "risk/kill_triggers.hpp"
#include "risk/pre_trade.hpp"

using namespace aitrapp;

namespace {
bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}
}  // namespace

TEST(Metrics, EveryKnownLabelIsExportedAsZeroBeforeItHappens) {
  ops::ServiceSnapshot s;
  const std::string text = ops::render_metrics(s, ops::SteadyTime{});
  for (auto c : kEntryBlockChecks)
    EXPECT_TRUE(has_line(text, "trader_risk_blocks_total{reason=\"" + std::string(c) + "\"} 0"))
        << c;
  for (auto c : kAutoPauseCauses)
    EXPECT_TRUE(has_line(text, "trader_auto_pauses_total{reason=\"" + std::string(c) + "\"} 0"))
        << c;
  for (auto t : kRetryKinds)
    EXPECT_TRUE(has_line(text, "trader_retries_total{type=\"" + std::string(t) + "\"} 0")) << t;
  for (const auto& r : kill_reasons())
    EXPECT_TRUE(has_line(text, "trader_kill_switch_total{reason=\"" + r + "\"} 0")) << r;
}

TEST(Metrics, CountsReplaceTheZerosAndAnUnlistedLabelIsStillExported) {
  ops::ServiceSnapshot s;
  s.stats.risk_blocks["PORTFOLIO_HEAT"] = 3;
  s.stats.retries["ws_reconnect"] = 2;  // the Kite link's own, not the engine's
  const std::string text = ops::render_metrics(s, ops::SteadyTime{});
  EXPECT_TRUE(has_line(text, "trader_risk_blocks_total{reason=\"PORTFOLIO_HEAT\"} 3")) << text;
  EXPECT_FALSE(has_line(text, "trader_risk_blocks_total{reason=\"PORTFOLIO_HEAT\"} 0"));
  EXPECT_TRUE(has_line(text, "trader_retries_total{type=\"ws_reconnect\"} 2"));
}
