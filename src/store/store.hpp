#pragma once
// Store port. The engine hands it one WriteBatch per step; the batch is committed durably in
// one transaction before any venue request of that step is sent (persist-before-send).
// Implementations are used from the engine thread only.
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "oms/bracket.hpp"
#include "oms/order.hpp"
#include "portfolio/portfolio.hpp"
#include "strategy/signal.hpp"

namespace aitrapp {

struct SignalRecord {
  Signal signal;
  std::string config_sha;
};

// A signal's stable identity: strategy|symbol|time|side.
std::string signal_id(const Signal& s);

struct DecisionRecord {
  std::string plan_id;
  std::string signal_id;
  std::string strategy, symbol;
  Side side = Side::Buy;
  TimeMs time = 0;
  Qty qty;
  Price entry, stop, target;
  double score = 0;
  Money risk;
  std::string config_sha;
};

struct RiskEventRecord {
  TimeMs time = 0;
  std::string trading_day;  // YYYY-MM-DD
  std::string kind;   // BLOCK (pre-trade), STATE (transition), LIMIT (loss/drawdown), ORDER, EOD
  std::string check;  // e.g. PORTFOLIO_HEAT, or the new state
  std::string reason;
  std::string symbol, plan_id;
  std::string config_sha;
};

// Audit row of one kill switch: why, who, and what was open at that moment.
struct KillSwitchRecord {
  TimeMs time = 0;
  std::string reason;  // one of kill_reasons()
  std::string source;  // operator | auto
  std::string detail;
  Money open_risk;
  int positions = 0, working_orders = 0;
  std::string config_sha;
};

// A kill switch's flatten is complete (no position, no live order) at `flat_at`: it completes
// every kill switch row since `kill_time` not yet recorded flat.
struct KillSwitchFlatRecord {
  TimeMs kill_time = 0, flat_at = 0;
};

// One minute of the day's risk timeline: the highest heat of the minute against the cap in
// force, and day P&L and drawdown at the minute's last step. Upserted while the minute lasts.
struct RiskSampleRecord {
  std::string trading_day;
  TimeMs minute = 0;  // start of the minute
  Money heat, heat_cap, day_pnl, drawdown;
};

struct CheckpointRecord {
  std::string trading_day;
  TimeMs last_event = 0;
  std::string state;
  Money peak;
  int64_t signal_seq = 0;
  int decisions = 0;
  bool tightened = false, flattened = false;
  std::string stop_reason;  // of a PAUSED or HARD_STOP state: a kill reason, or "operator"
  // The day's ticks and bar closes the engine had taken when it wrote this (-1: unknown, a row
  // from before this was kept): where a replay resumes, since several share one instant.
  int64_t market_events = -1;
};

struct ConfigSnapshotRecord {
  std::string config_sha, canonical_json;
};

using StoreWrite = std::variant<SignalRecord, DecisionRecord, Order, Fill, BracketGroup, Position,
                                RiskEventRecord, KillSwitchRecord, KillSwitchFlatRecord,
                                RiskSampleRecord, CheckpointRecord, ConfigSnapshotRecord>;

struct WriteBatch {
  WriteBatch() = default;
  WriteBatch(std::vector<StoreWrite> w, std::string day = {})
      : writes(std::move(w)), trading_day(std::move(day)) {}
  std::vector<StoreWrite> writes;
  // The engine's trading day when the batch was made: rows created by it belong to this day (a
  // row updated on a later day, an order working overnight, keeps the day it was created on).
  std::string trading_day;
  bool empty() const { return writes.empty(); }
};

// What a trading day starts from: the day's own rows when it is being resumed, and whatever is
// still open from earlier days (working orders, unclosed brackets, positions held overnight).
// Closed brackets, fills and realized P&L of earlier days are history and are not recovered.
struct RecoveredState {
  std::optional<CheckpointRecord> checkpoint;  // of this day: the day is being resumed
  // The latest earlier day's checkpoint when this day has none: what a stop carried overnight.
  std::optional<CheckpointRecord> previous_day;
  std::vector<Order> orders;
  std::vector<BracketGroup> groups;
  // The day's positions; for a day not yet started, those held at the previous day's close with
  // their realized P&L zeroed (a day's P&L starts at zero).
  std::vector<Position> positions;
  std::set<std::string> fill_ids;  // of the recovered orders
  std::set<std::string> plan_ids;  // decided today, or still open
  TimeMs kill_unflat_since = -1;   // the day's first kill switch not recorded flat, if any
};

struct StoreHealth {
  bool degraded = false;
  int64_t journal_pending = 0;  // batches waiting in the local journal
  int64_t journaled = 0, outages = 0, reconnects = 0;
  std::string last_error;
};

// A step's commit failed: none of its writes is durable and none of its requests was sent. The
// engine throws it from its commit whatever the store threw, so a caller can tell "the store
// refused" from any other failure (a bug, bad input) and say which it was.
class StoreWriteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Store {
 public:
  virtual ~Store() = default;
  // Commits every write of the batch or none; throws on failure (the engine must not send).
  virtual void write(const WriteBatch& batch) = 0;
  virtual RecoveredState recover(const std::string& trading_day) = 0;
  // Degraded while writes are durable only in a local journal because the system of record is
  // unreachable; the engine takes no new risk meanwhile.
  virtual StoreHealth health() const { return {}; }
  // health().degraded without the copy: the engine asks on every step.
  virtual bool degraded() const { return false; }
};

// The simulated venue's own journal (its side of the wire), so that a restarted paper session
// finds the venue's orders where a real venue would still hold them.
class VenueJournal {
 public:
  virtual ~VenueJournal() = default;
  virtual void save_venue_order(const std::string& client_order_id,
                                const std::string& state_json) = 0;
  // Several states in order (a later one of the same order wins), as one durable write where
  // the backend can.
  virtual void save_venue_orders(const std::vector<std::pair<std::string, std::string>>& states) {
    for (const auto& [id, json] : states) save_venue_order(id, json);
  }
  virtual std::vector<std::string> load_venue_orders() = 0;
};

}  // namespace aitrapp
