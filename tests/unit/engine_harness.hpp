#pragma once
// Test harness around the Engine: an in-memory Store that checks id uniqueness as it is
// written, a venue port that captures requests, and a scriptable/adversarial venue that answers
// them. The real SQLite store and simulated venue are exercised by the CLI tests.
#include <deque>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "core/calendar.hpp"
#include "engine/engine.hpp"
#include "strategy/breakout_strategy.hpp"

namespace aitrapp::testing {

inline Price P(const char* s) {
  return Price::from_raw(*parse_fixed(s));
}
inline Price Pi(int64_t whole_times_100) {
  return Price::from_raw(whole_times_100 * 100);
}
// NIFTY futures as of April 2022: tick 0.05, lot 50, freeze 1800, 10% band.
inline Instrument nifty_instrument() {
  Instrument i;
  i.symbol = "NIFTY_F1";
  i.tick = P("0.05");
  i.lot = Qty{50};
  i.freeze_qty = Qty{1800};
  i.band_bps = 1000;
  return i;
}

class MemoryStore final : public Store {
 public:
  void write(const WriteBatch& b) override;
  RecoveredState recover(const std::string&) override { return {}; }
  std::map<std::string, Order> orders;
  std::vector<RiskEventRecord> risk_events;
  std::vector<KillSwitchRecord> kills;
  std::vector<Fill> fills;
  std::vector<std::pair<std::string, Position>> positions;  // with the batch's trading day
  std::vector<std::string> problems;                        // duplicate ids or fills
  int decisions = 0, signals = 0;
  bool refuse_writes = false;  // write() throws, as a full disk or a lost database does

 private:
  std::map<std::string, std::tuple<std::string, LegRole, int>> identity_;
  std::set<std::string> fill_ids_;
};

class CapturingVenue final : public VenuePort {
 public:
  void send(const VenueRequest& r) override { sent.push_back(r); }
  std::deque<VenueRequest> sent;
};

EngineConfig test_config();
// The breakout's parameters for the harness: short windows, so a few bars make a signal.
BreakoutParams test_breakout();

// A venue with its own book that answers captured requests. In chaos mode it drops requests,
// rejects, fills partially, cancels on its own and re-delivers old events.
class ScriptedVenue {
 public:
  struct Book {
    OrderSpec spec;
    Qty filled;
    bool open = true;
    bool rejected = false;
    std::vector<std::tuple<std::string, Qty, Price>> fill_log;
  };
  explicit ScriptedVenue(uint64_t seed = 1) : rng(seed) {}
  // Takes one request off `port` and updates the book; answers go to the outbox.
  bool process_one(CapturingVenue& port, Price last, bool chaos);
  void fill(const std::string& id, Qty qty, Price price);
  void cancel_unsolicited(const std::string& id);
  std::vector<std::string> open_ids() const;

  std::map<std::string, Book> book;
  std::deque<VenueEvent::Body> outbox;
  std::vector<VenueEvent::Body> history;
  std::mt19937_64 rng;
  int fills = 0;

 private:
  void answer(VenueEvent::Body b);
};

// Keeps every event the engine logs, with its fields, so that tests can read them.
class RecordingLog final : public LogSink {
 public:
  struct Event {
    std::string level, name;
    LogFields fields;
  };
  void log(TimeMs, const char* level, const std::string& event, const LogFields& f) override {
    events.push_back({level, event, f});
  }
  const Event* last(const std::string& name) const {
    for (auto it = events.rbegin(); it != events.rend(); ++it)
      if (it->name == name) return &*it;
    return nullptr;
  }
  std::vector<Event> events;
};

class EngineHarness {
 public:
  explicit EngineHarness(EngineConfig cfg = test_config());
  TimeMs ist(int hh, int mm, int ss = 0) const {
    return cal.local_to_utc(20220401, hh * 60 + mm, ss * 1000);
  }
  void at(TimeMs t) { clock.advance_to(t); }
  void tick(const std::string& symbol, Price last);
  // A one-minute bar closing now, with a tick at its close first.
  void bar(const std::string& symbol, Price open, Price high, Price low, Price close,
           int64_t volume = 100000);
  // Feeds rising bars until the engine creates an entry for `symbol`; returns its plan id.
  std::string drive_to_entry(const std::string& symbol, int start_price);
  // drive_to_entry, then the venue fills `fill` of the entry (all of it by default) at its limit
  // and everything settles. Returns the plan id.
  std::string open_bracket(ScriptedVenue& v, const std::string& symbol, Qty fill = Qty{0});
  // Lets the venue answer every request and delivers every answer, until quiet.
  void settle(ScriptedVenue& v, Price last);
  void deliver(const VenueEvent::Body& b);
  std::vector<std::string> problems() const;
  const BracketGroup& group(const std::string& plan) const { return engine.groups().at(plan); }
  const Order& order(const std::string& id) const { return engine.orders().at(id); }

  TradingCalendar cal;
  SimClock clock;
  MemoryStore store;
  CapturingVenue port;
  RecordingLog log;
  Engine engine;
  std::map<std::string, Price> last_price;
};

}  // namespace aitrapp::testing
