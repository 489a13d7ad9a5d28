// Property tests: thousands of seeded random event sequences (fills, partial fills, duplicates,
// replays, out-of-order delivery, lost requests, cancels and rejects) against the engine. After
// every single event: no client_order_id reused, no open child without its position, no
// position without protection. After EOD: flat, nothing open anywhere.
#include <gtest/gtest.h>

#include "engine_harness.hpp"

using namespace aitrapp;
using namespace aitrapp::testing;

namespace {

struct Coverage {
  int64_t sequences = 0, partial_fills = 0, duplicates = 0, rejects = 0, resends = 0, brackets = 0,
          trades = 0;
};

std::string run_sequence(uint64_t seed, Coverage& cov) {
  EngineHarness h;
  ScriptedVenue v(seed);
  auto& rng = v.rng;
  const std::string syms[2] = {"NIFTY_F1", "BANKNIFTY_F1"};
  int64_t px[2] = {1'750'000, 3'700'000};  // in hundredths
  int bar_counter = 0;
  auto market_step = [&](bool close_bar) {
    h.at(h.clock.now() + 15'000);
    for (int s = 0; s < 2; ++s) {
      const int64_t open = px[s];
      px[s] += static_cast<int64_t>(rng() % 1700) - 600;  // upward drift, in hundredths
      px[s] -= px[s] % 5;
      h.tick(syms[s], Pi(px[s]));
      if (close_bar) {
        const int64_t hi = std::max(open, px[s]) + 300, lo = std::min(open, px[s]) - 100;
        h.bar(syms[s], Pi(open), Pi(hi), Pi(lo), Pi(px[s]));
      }
    }
  };
  auto check = [&](const char* what, int step) -> std::string {
    auto p = h.problems();
    if (p.empty()) return {};
    std::string detail;  // the bracket named by the violation, order by order
    for (const auto& [plan, g] : h.engine.groups()) {
      if (p.front().rfind(plan, 0) != 0) continue;
      detail =
          " | bracket " + std::string(to_string(g.state)) + " net " + std::to_string(g.net.units);
      for (const auto& [id, o] : h.engine.orders())
        if (o.plan_id == plan)
          detail += " | " + id + " " + to_string(o.status) + " " + std::to_string(o.filled.units) +
                    "/" + std::to_string(o.spec.qty.units) + (o.cancel_requested ? " cancel" : "") +
                    (o.modify_in_flight ? " modify" : "") + (o.query_pending ? " query" : "");
    }
    return "seed " + std::to_string(seed) + " step " + std::to_string(step) + " after " + what +
           ": " + p.front() + detail;
  };
  for (int i = 0; i < 8; ++i) market_step(true);
  for (int step = 0; step < 160; ++step) {
    const auto r = rng() % 100;
    const char* what = "";
    if (r < 12) {
      what = "market";
      market_step(++bar_counter % 4 == 0);
    } else if (r < 37) {
      what = "venue processing";
      v.process_one(h.port, h.last_price[syms[rng() % 2]], true);
    } else if (r < 57 && !v.outbox.empty()) {
      what = "delivery";
      auto b = v.outbox.front();
      v.outbox.pop_front();
      h.deliver(b);
    } else if (r < 65 && !v.history.empty()) {
      what = "replay";
      ++cov.duplicates;
      h.deliver(v.history[rng() % v.history.size()]);
    } else if (r < 77) {
      what = "fill";
      auto open = v.open_ids();
      if (!open.empty()) {
        const auto& b = v.book.at(open[rng() % open.size()]);
        const int64_t lot = b.spec.symbol == "NIFTY_F1" ? 50 : 25;
        const int64_t remaining = (b.spec.qty - b.filled).units / lot;
        const int64_t lots = remaining > 0 ? 1 + static_cast<int64_t>(rng() % remaining) : 0;
        if (lots < remaining) ++cov.partial_fills;
        Price price = b.spec.type == OrderType::Limit ? b.spec.limit : h.last_price[b.spec.symbol];
        v.fill(b.spec.client_order_id, Qty{lots * lot}, price);
      }
    } else if (r < 80) {
      what = "venue cancel";
      auto open = v.open_ids();
      if (!open.empty()) v.cancel_unsolicited(open[rng() % open.size()]);
    } else if (r < 88) {
      what = "timer";
      h.at(h.clock.now() + static_cast<TimeMs>(rng() % 4000));
      h.engine.on_timer();
    } else if (!v.outbox.empty()) {
      what = "out-of-order delivery";
      const size_t k = rng() % v.outbox.size();
      auto b = v.outbox[k];
      v.outbox.erase(v.outbox.begin() + static_cast<long>(k));
      h.deliver(b);
    }
    if (auto err = check(what, step); !err.empty()) return err;
  }
  // The rest of the day without faults: tighten, hard flat, then retries settle.
  for (auto [hh, mm] : {std::pair{15, 20}, std::pair{15, 25}}) {
    h.at(h.ist(hh, mm));
    h.engine.on_timer();
    h.settle(v, h.last_price["NIFTY_F1"]);
  }
  auto all_closed = [&] {
    for (const auto& [_, g] : h.engine.groups())
      if (g.state != BracketState::Closed) return false;
    return true;
  };
  for (int i = 0; i < 60 && (h.engine.live_orders() > 0 || !v.open_ids().empty() || !all_closed());
       ++i) {
    h.at(h.clock.now() + 2'500);
    h.engine.on_timer();
    h.settle(v, h.last_price["NIFTY_F1"]);
  }
  if (auto err = check("EOD", -1); !err.empty()) return err;
  if (h.engine.live_orders() != 0) {
    std::string live;
    for (const auto& [id, o] : h.engine.orders())
      if (o.live()) {
        const auto& g = h.engine.groups().at(o.plan_id);
        live += " " + id + "(" + to_string(o.status) + (o.cancel_requested ? ",cancel" : "") +
                (o.modify_in_flight ? ",modify" : "") + ", bracket " + to_string(g.state) +
                " net " + std::to_string(g.net.units) + ", venue " +
                (v.book.count(id) ? (v.book.at(id).open ? "open" : "closed") : "unknown") + ")";
      }
    return "seed " + std::to_string(seed) + ": live orders after EOD:" + live;
  }
  if (!v.open_ids().empty()) {
    const std::string id = v.open_ids().front();
    const auto it = h.engine.orders().find(id);
    std::string mine = it == h.engine.orders().end()
                           ? "unknown to the engine"
                           : std::string(to_string(it->second.status)) + " '" + it->second.reason +
                                 "' filled " + std::to_string(it->second.filled.units) + "/" +
                                 std::to_string(it->second.spec.qty.units);
    return "seed " + std::to_string(seed) + ": venue still holds " + id + " (venue filled " +
           std::to_string(v.book.at(id).filled.units) + "/" +
           std::to_string(v.book.at(id).spec.qty.units) + "; engine: " + mine + ")";
  }
  for (const auto& [id, g] : h.engine.groups())
    if (g.state != BracketState::Closed || g.net.units != 0)
      return "seed " + std::to_string(seed) + ": bracket " + id + " not closed after EOD";
  if (h.engine.portfolio().open_positions() != 0)
    return "seed " + std::to_string(seed) + ": position after EOD";
  ++cov.sequences;
  cov.brackets += static_cast<int64_t>(h.engine.groups().size());
  cov.trades += h.engine.stats().trades_closed;
  const auto& retries = h.engine.stats().retries;  // the requests re-sent after a timeout
  const auto resent = [&](const char* kind) {      // a kind never counted has no entry
    const auto it = retries.find(kind);
    return it == retries.end() ? int64_t{0} : it->second;
  };
  cov.resends += resent("ack_timeout") + resent("cancel") + resent("modify_query");
  for (const auto& e : h.store.risk_events) {
    cov.rejects += e.check == "REJECT";
    // Every status change the engine made was one the status machine allows.
    if (e.check == "ILLEGAL_TRANSITION") return "seed " + std::to_string(seed) + ": " + e.reason;
  }
  return {};
}

}  // namespace

TEST(Property, OcoAndIdempotencyInvariantsHoldOverTenThousandRandomSequences) {
  Coverage cov;
  for (uint64_t seed = 1; seed <= 10'000; ++seed) {
    const std::string err = run_sequence(seed, cov);
    ASSERT_TRUE(err.empty()) << err;
  }
  EXPECT_EQ(cov.sequences, 10'000);
  // The sequences really exercised what the invariants are about.
  EXPECT_GT(cov.brackets, 10'000);
  EXPECT_GT(cov.trades, 1'000);
  EXPECT_GT(cov.partial_fills, 1'000);
  EXPECT_GT(cov.duplicates, 1'000);
  EXPECT_GT(cov.rejects, 1'000);
  EXPECT_GT(cov.resends, 100);
  std::cout << "sequences " << cov.sequences << ", brackets " << cov.brackets << ", trades "
            << cov.trades << ", partial fills " << cov.partial_fills << ", replays "
            << cov.duplicates << ", rejects " << cov.rejects << ", resends " << cov.resends << "\n";
}
