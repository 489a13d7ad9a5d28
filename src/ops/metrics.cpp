#include "ops/metrics.hpp"

#include "ops/prometheus_text.hpp"
#include "risk/kill_triggers.hpp"
#include "risk/pre_trade.hpp"
#include "risk/trading_state.hpp"

namespace aitrapp::ops {
namespace {

double seconds_since(SteadyTime then, SteadyTime now) {
  return std::chrono::duration<double>(now - then).count();
}

template <size_t N>
void export_histogram(PrometheusText& m, const std::string& name, const std::string& help,
                      const Histogram<N>& h, double scale) {
  std::vector<double> upper;
  std::vector<int64_t> cumulative;
  for (size_t i = 0; i < N; ++i) {
    upper.push_back(static_cast<double>(h.bounds[i]) * scale);
    cumulative.push_back(h.cumulative(i));
  }
  m.histogram(name, help, {}, upper, cumulative, static_cast<double>(h.sum) * scale, h.count);
}

// Every label in `known` is exported from the start (0 until it happens), so that rate() sees
// the first event; a label counted that is not in `known` is exported too.
template <class Known>
void counter_by(PrometheusText& m, const std::string& name, const std::string& help,
                const std::string& label, const std::map<std::string, int64_t>& values,
                const Known& known) {
  std::map<std::string, int64_t> all;
  for (const auto& k : known) all[std::string(k)] = 0;
  for (const auto& [k, v] : values) all[k] = v;
  m.counter(name, help);
  for (const auto& [k, v] : all) m.sample(name, {{label, k}}, static_cast<double>(v));
}

}  // namespace

std::string render_metrics(const ServiceSnapshot& s, SteadyTime now) {
  PrometheusText m;
  const EngineStats& st = s.stats;

  m.gauge("trader_is_leader", "1 while this instance holds the leader lock");
  m.sample("trader_is_leader", {{"instance_id", s.instance_id}}, s.leader ? 1 : 0);
  m.gauge("trader_mode", "1 for the current mode (PAPER or LIVE)");
  for (const char* mode : {"PAPER", "LIVE"})
    m.sample("trader_mode", {{"mode", mode}}, s.mode == mode ? 1 : 0);
  m.gauge("trader_trading_state", "1 for the engine's current trading state");
  for (auto ts : {TradingState::Active, TradingState::SoftPause, TradingState::Paused,
                  TradingState::Reducing, TradingState::HardStop})
    m.sample("trader_trading_state", {{"state", to_string(ts)}},
             s.trading_state == to_string(ts) ? 1 : 0);
  m.gauge("trader_market_session_open", "1 while the exchange session is open (engine time)",
          s.session_open ? 1 : 0);

  m.gauge("trader_marketdata_heartbeat_seconds",
          "Seconds since the last market data tick, per feed bucket (exchange)");
  for (const auto& [bucket, seen] : s.marketdata_seen)
    m.sample("trader_marketdata_heartbeat_seconds", {{"bucket", bucket}}, seconds_since(seen, now));
  m.counter("trader_marketdata_late_ticks_total",
            "Ticks that arrived after their minute's bar had closed (not in any bar)",
            static_cast<double>(s.late_ticks));
  m.gauge("trader_order_stream_heartbeat_seconds",
          "Seconds since the venue's order stream was last heard from (or serviced, in process)",
          seconds_since(s.order_stream_seen, now));

  m.gauge("trader_positions_open", "Open bracketed positions, per strategy");
  for (const auto& [strategy, n] : s.positions_by_strategy)
    m.sample("trader_positions_open", {{"strategy", strategy}}, n);
  m.gauge("trader_portfolio_heat_rupees", "Open risk: sum over brackets of |entry - stop| x qty",
          s.heat);
  m.gauge("trader_portfolio_heat_cap_rupees", "Configured cap on portfolio heat", s.heat_cap);
  m.gauge("trader_net_liquidity_rupees", "Capital the percentage caps refer to", s.net_liquidity);
  m.gauge("trader_daily_pnl_rupees", "Day P&L, realized plus unrealized", s.day_pnl);
  m.gauge("trader_realized_pnl_rupees", "Realized P&L of the day", s.realized);
  m.gauge("trader_orders_live", "Orders working at the venue or about to be sent",
          static_cast<double>(s.live_orders));

  export_histogram(m, "trader_order_latency_ms",
                   "Order acknowledgement latency in milliseconds (send to ack)", st.ack_latency_ms,
                   1.0);
  export_histogram(m, "trader_kill_flatten_duration_seconds",
                   "Time from a flatten command to flat, in seconds", s.flatten_ms, 0.001);

  counter_by(m, "trader_retries_total", "Requests retried, by type", "type", st.retries,
             kRetryKinds);
  m.gauge("trader_throttle_queue_depth", "Requests waiting for the order rate limit, by lane");
  m.sample("trader_throttle_queue_depth", {{"type", "exit"}}, static_cast<double>(s.throttle_exit));
  m.sample("trader_throttle_queue_depth", {{"type", "entry"}},
           static_cast<double>(s.throttle_entry));

  counter_by(m, "trader_kill_switch_total", "Flattens, by reason", "reason", st.kill_switch,
             kill_reasons());
  counter_by(m, "trader_risk_blocks_total", "Entries blocked by a pre-trade check, by check",
             "reason", st.risk_blocks, kEntryBlockChecks);
  counter_by(m, "trader_auto_pauses_total", "Entry pauses by an automatic trigger, by reason",
             "reason", st.auto_pauses, kAutoPauseCauses);

  m.counter("trader_orders_placed_total", "Orders sent to the venue (first send only)",
            static_cast<double>(st.orders_placed));
  m.counter("trader_signals_total", "Strategy signals", static_cast<double>(st.signals));
  m.counter("trader_decisions_total", "Signals that became bracket plans",
            static_cast<double>(st.decisions));
  m.counter("trader_fills_total", "Fills applied", static_cast<double>(st.fills));
  m.counter("trader_trades_closed_total", "Brackets closed after an entry fill",
            static_cast<double>(st.trades_closed));
  m.counter("trader_market_quality_events_total",
            "Spread blowouts and price-band rejections, by type");
  m.sample("trader_market_quality_events_total", {{"type", "spread_blowout"}},
           static_cast<double>(st.spread_blowouts));
  m.sample("trader_market_quality_events_total", {{"type", "band_reject"}},
           static_cast<double>(st.band_rejects));
  m.counter("trader_duplicate_client_ids_total",
            "Place requests that reused a client_order_id for a different order",
            static_cast<double>(s.duplicate_client_ids));
  m.gauge("trader_orphan_oco_siblings", "Live bracket children whose position is gone",
          s.orphan_children);
  m.gauge("trader_store_up",
          "1 while the system of record accepts writes (0 when stopped or on the outage journal)",
          s.store_ok && !s.store_health.degraded ? 1 : 0);
  const StoreHealth& h = s.store_health;
  m.gauge("trader_store_degraded",
          "1 while writes go to the local outage journal (system of record unreachable)",
          h.degraded ? 1 : 0);
  m.gauge("trader_store_journal_pending", "Batches in the outage journal not yet in the database",
          static_cast<double>(h.journal_pending));
  m.counter("trader_store_journaled_total", "Batches written to the outage journal",
            static_cast<double>(h.journaled));
  m.counter("trader_store_outages_total", "Times the system of record became unreachable",
            static_cast<double>(h.outages));
  m.counter("trader_store_reconnects_total", "Successful reconnections to the database",
            static_cast<double>(h.reconnects));
  m.gauge("trader_leader_fencing_token", "Fencing token of the lease held (0: none)",
          static_cast<double>(s.fencing_token));
  if (s.bus) {
    const BusStats& b = *s.bus;
    m.gauge("trader_bus_connected", "1 while the event bus (Redis) is connected",
            b.connected ? 1 : 0);
    m.counter("trader_bus_published_total", "Events published on the bus, by channel");
    for (const auto& [channel, n] : b.published)
      m.sample("trader_bus_published_total", {{"channel", channel}}, static_cast<double>(n));
    m.counter("trader_bus_dropped_total", "Events dropped from the full bus buffer",
              static_cast<double>(b.dropped));
    m.gauge("trader_bus_buffered", "Events waiting to be published",
            static_cast<double>(b.buffered));
  }
  if (s.live) {
    m.gauge("trader_live_clients", "Dashboard connections on /ws",
            static_cast<double>(s.live->buffered));
    m.counter("trader_live_clients_gone_total",
              "Dashboard connections gone: closed, or dropped for falling behind",
              static_cast<double>(s.live->dropped));
  }
  return m.str();
}

}  // namespace aitrapp::ops
