#include "ops/live_state.hpp"

namespace aitrapp::ops {
namespace {

using nlohmann::json;

constexpr size_t kSignals = 50;

// Seconds since `seen`, or -1 when never seen.
double age_seconds(SteadyTime seen, SteadyTime now) {
  if (seen == SteadyTime{}) return -1;
  return std::chrono::duration<double>(now - seen).count();
}

}  // namespace

std::optional<json> LiveState::update(const std::shared_ptr<const ServiceSnapshot>& snap,
                                      SteadyTime now) {
  if (!snap || snap == last_) return std::nullopt;
  last_ = snap;
  const ServiceSnapshot& s = *snap;
  if (s.trading_day != day_) {
    day_ = s.trading_day;
    line_.clear();
    last_minute_ = -1;
  }
  if (s.recovered && !s.sim_time_local.empty()) {
    const TimeMs minute = s.sim_time / kMinuteMs;
    if (minute != last_minute_) {
      line_.emplace_back(s.sim_time_local, s.day_pnl);
      last_minute_ = minute;
    } else {
      line_.back().second = s.day_pnl;  // the minute's newest value
    }
  }
  double md_age = -1;
  for (const auto& [_, seen] : s.marketdata_seen) {
    const double a = age_seconds(seen, now);
    if (a >= 0 && (md_age < 0 || a < md_age)) md_age = a;
  }
  json signals = json::array();  // the newest first, as many as the ranking panel shows
  for (size_t i = 0; i < s.signals.size() && i < kSignals; ++i) signals.push_back(s.signals[i]);
  json line = json::array();
  for (const auto& [t, v] : line_) line.push_back({t, v});
  return json{
      {"mode", s.mode},
      {"venue", s.venue},
      {"instance_id", s.instance_id},
      {"leader", s.leader},
      {"leader_id", s.leader_id},
      {"leadership", s.leadership},
      {"trading_day", s.trading_day},
      {"trading_state", s.trading_state},
      {"engine_time", s.sim_time_local},
      {"session_open", s.session_open},
      {"replay_done", s.replay_done},
      {"heat", s.heat},
      {"heat_cap", s.heat_cap},
      {"capital", s.net_liquidity},
      {"day_pnl", s.day_pnl},
      {"realized", s.realized},
      {"unrealized", s.unrealized},
      {"open_positions", s.open_positions},
      {"live_orders", s.live_orders},
      {"pnl_line", line},
      {"positions", s.positions},
      {"risk", s.risk},
      {"ranking", s.ranking},
      {"signals", signals},
      {"counters",
       {{"signals", s.stats.signals},
        {"decisions", s.stats.decisions},
        {"orders", s.stats.orders},
        {"fills", s.stats.fills},
        {"trades_closed", s.stats.trades_closed},
        {"risk_events", s.stats.risk_events}}},
      {"heartbeats",
       {{"market_data_age_seconds", md_age},
        {"market_data_stale_after_seconds",
         static_cast<double>(s.marketdata_stale_after_ms) / 1000.0},
        {"order_stream_age_seconds", age_seconds(s.order_stream_seen, now)}}},
      {"store", {{"ok", s.store_ok}, {"backend", s.store_backend}, {"error", s.store_error}}},
  };
}

}  // namespace aitrapp::ops
