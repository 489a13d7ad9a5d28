#pragma once
// The trading engine: the one owner of all trading state (signals, plans, orders, OCO groups,
// positions, P&L, risk state). It is driven by one thread through the on_* handlers, reads time
// only from the injected Clock, and reaches the world only through the Store, VenuePort and
// LogSink ports. Each handler changes state first and then flushes: the step's writes are
// committed to the Store, then its venue requests go out. Not thread-safe by design.
#include <array>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/calendar.hpp"
#include "core/histogram.hpp"
#include "core/instrument.hpp"
#include "core/log.hpp"
#include "core/result.hpp"
#include "engine/bracket_executor.hpp"
#include "market/bar.hpp"
#include "oms/bracket.hpp"
#include "oms/order.hpp"
#include "oms/order_manager.hpp"
#include "portfolio/portfolio.hpp"
#include "risk/kill_triggers.hpp"
#include "risk/limits.hpp"
#include "risk/pre_trade.hpp"
#include "risk/risk_governor.hpp"
#include "risk/trading_state.hpp"
#include "store/store.hpp"
#include "strategy/ranker.hpp"
#include "strategy/strategy.hpp"

namespace aitrapp {

struct EodParams {
  int64_t tighten_bps = 5;  // at tighten time stops move to within this distance of the price
};

struct EngineConfig {
  std::map<std::string, Instrument> instruments;
  RiskLimits limits;
  RankerParams ranker;
  OmsParams oms;
  EodParams eod;
  KillTriggerParams kill_switch;
  std::string timezone = "Asia/Kolkata";
  SessionTimes session;
  std::string config_sha;
};

// Counters since the process started (what the metrics export); a plain copyable value.
// The labels the engine counts under, so that a metrics exporter can show every series from the
// start (rate() then sees the first event): retry kinds, and the causes that pause entries.
inline constexpr std::array<std::string_view, 6> kRetryKinds{
    "ack_timeout", "cancel", "modify_query", "unconfirmed_query", "entry_attempt", "place_unknown"};
inline constexpr std::array<std::string_view, 3> kAutoPauseCauses{"throttle_backlog",
                                                                  "store_outage", "leader_lease"};

// A signal and what the decision step made of it, for the operator's ranking view (not stored:
// the signal and the decision are).
struct RankedSignal {
  Signal signal;
  // decided, blocked, below_min_score, not_chosen (ranked out by max_per_instant), symbol_busy,
  // duplicate_plan, no_quote, outside_session; pending until the step decides.
  std::string outcome = "pending";
  std::string detail;   // blocked: "CHECK: reason"
  std::string plan_id;  // decided or blocked
};

// The order counters (orders, orders_placed, duplicate_fills_ignored, retries by kind,
// ack_latency_ms) are the order manager's, kept here under the same names.
struct EngineStats : OrderCounters {
  int64_t signals = 0, decisions = 0, fills = 0, trades_closed = 0, risk_events = 0;
  int64_t duplicate_plans_skipped = 0;
  Money max_heat;
  std::map<std::string, int64_t> risk_blocks;  // pre-trade blocks by check
  std::map<std::string, int64_t> kill_switch;  // flattens by reason
  std::map<std::string, int64_t> auto_pauses;  // entries paused automatically, by reason
  int64_t spread_blowouts = 0, band_rejects = 0;
};

// What a flatten found when it started: the operator's answer and the audit row.
struct FlattenReport {
  int orders_cancelled = 0;  // live entries and children asked to cancel
  int positions_closed = 0;  // brackets holding a position, each closed by a market exit
  Money open_risk;           // heat at the moment of the kill
};

class Engine {
 public:
  // The ports must outlive the engine; `strategy` (owned, not null) is the configured one
  // (make_strategy() in strategy/registry.hpp).
  Engine(EngineConfig cfg, Store& store, VenuePort& venue, const Clock& clock, LogSink& log,
         std::unique_ptr<Strategy> strategy);

  // Starts a trading day (YYYYMMDD in the exchange's time zone); resets day counters.
  void start_day(int yyyymmdd);
  // Rebuilds state from the store after a restart and re-sends what may not have reached the
  // venue (same client_order_ids: the venue answers with the order's current state).
  void recover(const RecoveredState& state);
  // Strategies replay closed bars before the checkpoint to rebuild indicators, without emitting.
  void warm_up(const Bar& bar);

  // Each tick and each bar close is one market-data event of the day; the checkpoint counts them
  // (CheckpointRecord::market_events), so a replay resumes after the last one committed.
  void on_tick(const Tick& tick);
  void on_bars_closed(const std::vector<Bar>& bars);
  void on_venue_event(const VenueEvent& ev);
  // Several venue answers that arrived together, applied in order as one step: one durable
  // commit and one housekeeping pass for the lot (a flatten's acks and fills come in bursts).
  void on_venue_events(const std::vector<VenueEvent>& evs);
  void on_timer();
  // Earliest instant the engine needs on_timer() (ack/entry timeouts, throttle, EOD), or -1.
  TimeMs next_wakeup() const;

  // Operator commands (the control plane calls these through the command queue).
  void pause(const std::string& reason);
  // Lifts a pause or hard stop; refused (with the reason, nothing changed) while a daily loss or
  // drawdown cap is breached.
  Result<void> resume(const std::string& reason);
  // Cancels every working order, exits every position and blocks entries (HARD_STOP) until
  // resume(). `reason` is one of kill_reasons(); `source` is "operator" or "auto".
  FlattenReport flatten(const std::string& reason, const std::string& source = "operator");
  // An outside condition that pauses entries while it lasts (SOFT_PAUSE: exits, protection and
  // the kill switch keep working), e.g. "leader_lease" while the leader lease has lapsed. The
  // engine raises "store_outage" itself while its store is degraded. Returns true when it changed
  // something (and so ran a step).
  bool set_degraded(const std::string& cause, bool on, const std::string& detail = {});
  // The exchange's current price bands by symbol, as the venue reports them (Kite's circuit
  // limits). From then on an entry whose entry, stop or target lies outside its symbol's band is
  // refused before sending (FREEZE_BAND). A changed band is recorded as a VENUE/CIRCUIT_LIMITS
  // risk event; returns true when one changed (and so ran a step). A new day forgets them.
  bool set_price_bands(const std::map<std::string, PriceBand>& bands);
  // True when nothing is open: no position, no live or unconfirmed order, every bracket closed.
  bool is_flat() const;

  TradingState state() const { return risk_.state(); }
  const EngineStats& stats() const { return stats_; }
  const std::map<std::string, Order>& orders() const { return oms_.all(); }
  const std::map<std::string, BracketGroup>& groups() const { return groups_; }
  const Portfolio& portfolio() const { return portfolio_; }
  Money heat() const;
  size_t live_orders() const;
  // Descriptions of every broken OCO/idempotency invariant (empty when all hold).
  std::vector<std::string> invariant_violations() const;
  const std::string& trading_day() const { return day_; }
  // Live children whose position is gone and that nobody is cancelling (must stay 0).
  int orphan_children() const;
  size_t throttle_depth(Lane lane) const { return oms_.throttle_depth(lane); }
  // The most recent signals and risk events, oldest first (bounded).
  const std::deque<RankedSignal>& recent_signals() const { return recent_signals_; }
  const std::deque<RiskEventRecord>& recent_risk_events() const { return recent_risk_; }

 private:
  struct Quote {
    Price last, bid, ask;
    int64_t bar_volume = 0;
    bool valid = false;
  };

  void begin_step();
  void housekeeping();
  void flush();
  void persist(StoreWrite w) { batch_.writes.push_back(std::move(w)); }
  void risk_event(const std::string& kind, const std::string& check, const std::string& reason,
                  const std::string& symbol = {}, const std::string& plan_id = {});
  void set_state(TradingState to, const std::string& reason) { risk_.set_state(to, reason, now_); }
  void checkpoint();

  void decide(std::vector<Signal>& signals);
  Order& new_order(BracketGroup& g, LegRole role, OrderType type, Side side, Qty qty, Price limit,
                   Price trigger);
  void on_fill(Order& o, const OrderFilled& f);
  void on_order_terminal(Order& o);
  // A rejected entry is tried again (a new attempt, a new id) while the retry budget and the
  // trading state allow; otherwise the bracket is told.
  void on_rejected(Order& o, bool retryable);
  // The bracket's deadlines for its resting entry: reprice the remainder once, then cancel.
  // The order-level ones (ack, cancel, modify, unconfirmed) are the order manager's.
  enum class EntryDeadline { None, Reprice, Cancel };
  EntryDeadline entry_deadline(const Order& o, TimeMs& at) const;
  void check_timeouts();
  bool reprice_remainder(Order& o, BracketGroup& g);
  void check_eod();
  void check_loss_limits();
  void check_triggers(Money heat);
  FlattenReport kill(const std::string& reason, const std::string& source,
                     const std::string& detail);
  bool is_orphan(const BracketGroup& g, const Order& child) const;
  PortfolioRisk portfolio_risk() const;
  Money group_risk(const BracketGroup& g) const;
  const Instrument& inst(const std::string& symbol) const;
  bool symbol_busy(const std::string& symbol) const;
  // Every change to an order or bracket is saved; saving is also what marks its risk stale.
  void save(const Order& o) {
    persist(o);
    mark_risk(o.plan_id);
  }
  void save(const BracketGroup& g) {
    persist(g);
    mark_risk(g.plan_id);
  }
  void index_group(BracketGroup& g);
  void mark_risk(const std::string& plan_id);
  void forget_closed_days();
  void sample_risk(Money heat);
  // `make()` returns the event's LogFields; it runs only when the log sink writes.
  template <class MakeFields>
  void log(const char* level, const char* event, MakeFields&& make) {
    log_event(log_, now_, level, event, make);
  }

  EngineConfig cfg_;
  TradingCalendar cal_;
  Store& store_;
  VenuePort& venue_;
  const Clock& clock_;
  LogSink& log_;
  TimeMs now_ = 0;

  std::string day_;
  TimeMs tighten_at_ = 0, flat_at_ = 0;
  bool tightened_ = false, flattened_ = false;
  TimeMs kill_unflat_since_ = -1;  // a kill switch whose flatten is not complete yet
  RiskSampleRecord sample_;        // the current minute of the risk timeline

  // The governor records its decisions through the engine's risk events and counters.
  struct Recorder final : RiskRecorder {
    explicit Recorder(Engine& e) : engine(e) {}
    void risk_event(const std::string& kind, const std::string& check,
                    const std::string& reason) override {
      engine.risk_event(kind, check, reason);
    }
    void auto_paused(const std::string& cause) override { ++engine.stats_.auto_pauses[cause]; }
    Engine& engine;
  };
  Recorder recorder_{*this};
  RiskGovernor risk_;
  std::unique_ptr<Strategy> strategy_;
  // What an order's change means for its bracket, the risk governor and the store.
  struct OrderEvents final : OrderListener {
    explicit OrderEvents(Engine& e) : engine(e) {}
    void save(const Order& o) override { engine.save(o); }
    void order_event(const std::string& check, const std::string& reason, const Order& o) override;
    void on_terminal(Order& o) override { engine.on_order_terminal(o); }
    void on_fill(Order& o, const OrderFilled& f) override;
    void on_resized(Order& o) override;
    void on_rejected(Order& o, bool retryable) override { engine.on_rejected(o, retryable); }
    void on_ack(TimeMs latency_ms) override;
    void on_band_reject() override;
    Engine& engine;
  };
  OrderEvents order_events_{*this};
  OrderManager oms_;  // every order of the day; counts into stats_
  // How the bracket algorithm acts on the order manager, the store and the log.
  struct BracketEvents final : BracketPort {
    explicit BracketEvents(Engine& e) : engine(e) {}
    TimeMs now() const override;
    Order& place(BracketGroup& g, LegRole role, OrderType type, Side side, Qty qty, Price limit,
                 Price trigger) override;
    Order& order(const std::string& client_order_id) override;
    void cancel(Order& o) override;
    void modify(Order& o, Qty qty, Price limit, Price trigger) override;
    void save(const Order& o) override { engine.save(o); }
    void save(BracketGroup& g) override { engine.save(g); }
    bool may_trade(const BracketGroup& g) const override;
    void risk_event(const std::string& check, const std::string& reason,
                    const BracketGroup& g) override;
    void exiting(const BracketGroup& g, const std::string& reason) override;
    void closed(BracketGroup& g) override;
    void reopened(BracketGroup& g) override;
    Engine& engine;
  };
  BracketEvents bracket_events_{*this};
  BracketExecutor brackets_{bracket_events_, cfg_.oms.max_retries};
  Portfolio portfolio_;
  std::map<std::string, Quote> quotes_;
  std::map<std::string, PriceBand> venue_bands_;  // today's, by symbol
  std::map<std::string, BracketGroup> groups_;
  std::set<std::string> plan_ids_;
  int64_t signal_seq_ = 0;
  int64_t market_events_ = 0;  // today's ticks and bar closes taken
  int decisions_today_ = 0;
  EngineStats stats_;
  std::deque<RankedSignal> recent_signals_;
  RankedSignal* recent_signal(int64_t seq);  // null once it left the deque
  std::deque<RiskEventRecord> recent_risk_;

  // Indexes that keep a step's cost proportional to what is open rather than to the day's
  // history (the order manager and groups_ hold every record of the day). They point into those
  // maps, whose elements never move; a record leaves the maps only after it left the indexes.
  struct ByPlan {
    bool operator()(const BracketGroup* a, const BracketGroup* b) const {
      return a->plan_id < b->plan_id;
    }
  };
  struct PlanIndex {
    BracketGroup* group = nullptr;
    std::vector<const Order*> orders;   // every attempt of every leg
    std::vector<std::string> fill_ids;  // applied to the plan's orders
    Money risk;                         // group_risk() when last refreshed
    bool risk_stale = false;
  };
  // Brackets not Closed: one leaves when it closes, and a late fill that re-opens it re-adds it.
  std::set<BracketGroup*, ByPlan> open_groups_;
  std::map<std::string, PlanIndex> plans_;
  // heat() is the sum of the cached risks; saved brackets are re-priced on the next read.
  mutable std::vector<PlanIndex*> risk_stale_;
  mutable Money heat_;

  WriteBatch batch_;
  std::vector<VenueRequest> to_send_;
  bool dirty_checkpoint_ = false;
};

}  // namespace aitrapp
