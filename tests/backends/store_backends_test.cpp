// The Store on both backends, against real servers: migrations, the write/recover round trip,
// the unique constraint under concurrency, schema checks, fencing, and the outage journal.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <thread>

#include "servers.hpp"
#include "store/journaled_store.hpp"
#include "store/migrations.hpp"
#include "store/migrator.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace aitrapp {
namespace {

using store::SqlSession;

std::string fresh_database(const std::string& name) {
  return test::servers("createdb", name);
}

// A small but complete chain: config -> signal -> decision -> bracket -> order -> fill.
WriteBatch sample_batch(const std::string& plan, int64_t t, const std::string& day = "2022-04-01") {
  const std::string sha = "cfg-sha";
  Signal sig{1,
             "breakout",
             "NIFTY_F1",
             t,
             Side::Buy,
             Price::from_raw(100),
             Price::from_raw(90),
             Price::from_raw(130),
             {0.1, 0.2, 0.3, 0.4, 0.5},
             0.123456789012345678};
  BracketGroup g;
  g.plan_id = plan;
  g.strategy = "breakout";
  g.symbol = "NIFTY_F1";
  g.planned_qty = Qty{50};
  g.state = BracketState::Open;
  g.entry_id = "AT" + plan + "E00";
  g.net = Qty{50};
  g.config_sha = sha;
  Order o;
  o.spec = OrderSpec{g.entry_id, "NIFTY_F1",           Side::Buy, OrderType::Limit,
                     Qty{50},    Price::from_raw(100), Price{}};
  o.plan_id = plan;
  o.status = OrderStatus::Filled;
  o.filled = Qty{50};
  o.created = t;
  o.config_sha = sha;
  Fill f{"F-" + plan,          o.id(), plan, "NIFTY_F1", Side::Buy, LegRole::Entry, Qty{50},
         Price::from_raw(100), t + 5,  sha};
  DecisionRecord d{plan,
                   signal_id(sig),
                   "breakout",
                   "NIFTY_F1",
                   Side::Buy,
                   t,
                   Qty{50},
                   Price::from_raw(100),
                   Price::from_raw(90),
                   Price::from_raw(130),
                   0.5,
                   Money::from_raw(500),
                   sha};
  return WriteBatch{
      {ConfigSnapshotRecord{sha, "{}"}, SignalRecord{sig, sha}, d, g, o, f,
       Position{"NIFTY_F1", 1, Qty{50}, Price::from_raw(100), Money{}, Price::from_raw(101)},
       RiskEventRecord{t, day, "ORDER", "TEST", "why", "NIFTY_F1", plan, sha},
       CheckpointRecord{day, t, "ACTIVE", Money{}, 1, 1, false, false, ""}},
      day};
}

class StoreBackends : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    REQUIRE_TEST_SERVERS();
    const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::string tag;
    for (char c : name) tag += std::isalnum(static_cast<unsigned char>(c)) ? std::tolower(c) : '_';
    if (GetParam() == "postgresql") {
      url_ = fresh_database("t_" + tag.substr(0, 40));
    } else {
      path_ = (std::filesystem::temp_directory_path() / ("aitrapp_backends_" + tag + ".sqlite"))
                  .string();
      for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + ext);
    }
  }
  std::unique_ptr<SqlSession> session() {
    if (GetParam() == "postgresql") return std::make_unique<store::PgSession>(url_);
    return std::make_unique<store::SqliteSession>(path_);
  }
  std::unique_ptr<store::SqlStore> open_store() {
    if (GetParam() == "postgresql") {
      auto s = session();
      store::migrate(*s);
      return std::make_unique<store::PostgresStore>(url_);
    }
    return std::make_unique<store::SqliteStore>(path_);
  }
  std::string url_, path_;
};

TEST_P(StoreBackends, MigrationsRunFromEmptyAndAreIdempotent) {
  auto s = session();
  EXPECT_FALSE(store::schema_status(*s).at_head());
  const auto first = store::migrate(*s);
  EXPECT_EQ(first.size(), store::migrations().size());
  EXPECT_TRUE(store::migrate(*s).empty());  // a second run changes nothing
  EXPECT_TRUE(store::schema_status(*s).at_head());
  EXPECT_TRUE(store::schema_at_head(*s, "X").ok());
}

TEST_P(StoreBackends, WritesAndRecoversTheSameState) {
  auto st = open_store();
  st->write(sample_batch("PLANAAAAAA", 1'000));
  st->write(sample_batch("PLANAAAAAA", 1'000));  // a replayed batch changes nothing
  const RecoveredState r = st->recover("2022-04-01");
  ASSERT_TRUE(r.checkpoint);
  EXPECT_EQ(r.checkpoint->last_event, 1'000);
  ASSERT_EQ(r.orders.size(), 1u);
  EXPECT_EQ(r.orders[0].id(), "ATPLANAAAAAAE00");
  EXPECT_EQ(r.orders[0].status, OrderStatus::Filled);
  EXPECT_EQ(r.orders[0].filled.units, 50);
  ASSERT_EQ(r.groups.size(), 1u);
  EXPECT_EQ(r.groups[0].net.units, 50);
  ASSERT_EQ(r.positions.size(), 1u);
  EXPECT_EQ(r.positions[0].last.raw, 101);
  EXPECT_EQ(r.fill_ids.count("F-PLANAAAAAA"), 1u);
  EXPECT_EQ(r.plan_ids.count("PLANAAAAAA"), 1u);
  // Doubles survive the text protocol exactly.
  EXPECT_EQ(st->session().text_scalar("SELECT reward_risk FROM signals"),
            GetParam() == "postgresql" ? "0.5" : "0.5");
  double score = 0;
  st->session().run("SELECT score FROM signals", {},
                    [&](const store::SqlRow& row) { score = row.real(0); });
  EXPECT_EQ(score, 0.123456789012345678);
  EXPECT_EQ(st->session().scalar("SELECT COUNT(*) FROM risk_events WHERE trading_day = "
                                 "'2022-04-01'"),
            2);
}

// A run killed inside a later day resumes the earlier, finished day first: that day carries
// nothing of the later one (it once adopted its open entry and cancelled it at its own end),
// while the later day still takes what the earlier left open.
// The store writes an order or bracket saved twice in one batch once: its last state, at its
// first save's place, so the fill that refers to the order still finds it.
TEST_P(StoreBackends, ARowSavedTwiceInOneBatchKeepsItsLastStateAndWhatRefersToIt) {
  auto st = open_store();
  WriteBatch b = sample_batch("PLANCCCCCC", 3'000);
  auto& w = b.writes;
  const auto at = [&](size_t variant_index) {
    return std::find_if(w.begin(), w.end(),
                        [&](const StoreWrite& x) { return x.index() == variant_index; });
  };
  Order filled = std::get<Order>(*at(2));
  BracketGroup open = std::get<BracketGroup>(*at(4));
  Order pending = filled;
  pending.status = OrderStatus::Pending;
  pending.filled = Qty{0};
  BracketGroup entering = open;
  entering.state = BracketState::Entering;
  entering.net = Qty{0};
  *at(2) = pending;  // first saves: before the fill
  *at(4) = entering;
  w.insert(at(3) + 1, filled);  // last saves: after it
  w.push_back(open);
  st->write(b);
  const RecoveredState r = st->recover("2022-04-01");
  ASSERT_EQ(r.orders.size(), 1u);
  EXPECT_EQ(r.orders[0].status, OrderStatus::Filled);
  EXPECT_EQ(r.orders[0].filled.units, 50);
  ASSERT_EQ(r.groups.size(), 1u);
  EXPECT_EQ(r.groups[0].state, BracketState::Open);
  EXPECT_EQ(r.groups[0].net.units, 50);
  EXPECT_EQ(r.fill_ids.count("F-PLANCCCCCC"), 1u);
}

TEST_P(StoreBackends, ADayRecoversWhatEarlierDaysLeftOpenButNothingOfALaterDay) {
  auto st = open_store();
  st->write(sample_batch("PLANAAAAAA", 1'000, "2022-04-01"));
  WriteBatch later = sample_batch("PLANBBBBBB", 2'000, "2022-04-04");
  for (auto& w : later.writes)
    if (auto* o = std::get_if<Order>(&w)) {
      o->status = OrderStatus::Working;  // the next day's entry, still at the venue
      o->filled = Qty{0};
    }
  st->write(later);
  const RecoveredState first = st->recover("2022-04-01");
  ASSERT_EQ(first.orders.size(), 1u);
  EXPECT_EQ(first.orders[0].id(), "ATPLANAAAAAAE00");
  ASSERT_EQ(first.groups.size(), 1u);
  EXPECT_EQ(first.groups[0].plan_id, "PLANAAAAAA");
  EXPECT_EQ(first.fill_ids.count("F-PLANBBBBBB"), 0u);
  const RecoveredState second = st->recover("2022-04-04");
  ASSERT_EQ(second.orders.size(), 2u) << "the open bracket of 04-01 is carried into 04-04";
  EXPECT_EQ(second.groups.size(), 2u);
}

TEST_P(StoreBackends, ConcurrentInsertsOfOneClientOrderIdLeaveExactlyOneRow) {
  open_store()->write(sample_batch("PLANBBBBBB", 1'000));
  constexpr int kWriters = 8;
  std::atomic<int> ok{0}, refused{0}, other{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> writers;
  for (int i = 0; i < kWriters; ++i)
    writers.emplace_back([&, i] {
      auto s = session();
      while (!go.load()) std::this_thread::yield();
      try {
        // A plain INSERT, as a second writer without the engine's upsert would do.
        s->run(
            "INSERT INTO orders SELECT 'ATDUPLICATE0001', plan_id, parent_id, role, attempt, "
            "symbol, side, order_type, qty + ?1, limit_price, trigger_price, status, "
            "venue_order_id, filled, filled_notional, reason, created_ms, sent_ms, acked_ms, "
            "updated_ms, send_count, cancel_requested, config_sha, trading_day FROM orders WHERE "
            "client_order_id = 'ATPLANBBBBBBE00'",
            {int64_t{i}});
        ++ok;
      } catch (const store::SqlError& e) {
        (e.constraint_violation() ? refused : other)++;
      }
    });
  go = true;
  for (auto& t : writers) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(refused.load(), kWriters - 1);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(session()->scalar("SELECT COUNT(*) FROM orders WHERE client_order_id = "
                              "'ATDUPLICATE0001'"),
            1);
}

INSTANTIATE_TEST_SUITE_P(Both, StoreBackends, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

// ---- PostgreSQL only.

TEST(Postgres, MalformedUrlsAreRefusedNamingTheSettingWithoutThePassword) {
  EXPECT_TRUE(store::check_database_url("mysql://u:p@h/db").error().find("DATABASE_URL") !=
              std::string::npos);
  const auto e = store::check_database_url("postgresql://u:hunter2@host:notaport/db");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.code(), ErrorCode::Invalid);
  EXPECT_NE(e.error().find("DATABASE_URL"), std::string::npos);
  EXPECT_EQ(e.error().find("hunter2"), std::string::npos);
  EXPECT_TRUE(store::check_database_url("postgresql://u:p@127.0.0.1:5432/db?sslmode=disable").ok());
}

TEST(Postgres, ADatabaseBehindOnMigrationsIsAStartupError) {
  REQUIRE_TEST_SERVERS();
  const std::string url = fresh_database("t_behind");
  {
    store::PgSession s(url);
    store::migrate(s);
    s.run("DELETE FROM schema_migrations WHERE name = ?1", {store::migrations().back().name});
  }
  try {
    store::PostgresStore st(url);
    FAIL() << "opened a database that is behind";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("DATABASE_URL"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("behind on migrations"), std::string::npos) << e.what();
  }
}

TEST(Postgres, AnUnreachableServerIsReportedAsUnavailable) {
  EXPECT_THROW(store::PgSession("postgresql://postgres@127.0.0.1:1/none"), store::StoreUnavailable);
}

TEST(Postgres, AStaleLeaderIsFencedOut) {
  REQUIRE_TEST_SERVERS();
  const std::string url = fresh_database("t_fence");
  {
    store::PgSession s(url);
    store::migrate(s);
  }
  store::PostgresStore old_leader(url), new_leader(url);
  old_leader.set_fencing(5, "old");
  old_leader.write(sample_batch("PLANCCCCCC", 1'000));
  new_leader.set_fencing(6, "new");
  new_leader.write(sample_batch("PLANDDDDDD", 2'000));
  EXPECT_THROW(old_leader.write(sample_batch("PLANEEEEEE", 3'000)), store::FencedOut);
  EXPECT_EQ(new_leader.session().scalar("SELECT COUNT(*) FROM decisions WHERE plan_id = "
                                        "'PLANEEEEEE'"),
            0);
}

// Bouncing the server: batches written meanwhile are journaled locally, the store reports itself
// degraded, and when the server is back the journal is replayed exactly once, in order.
TEST(Postgres, OutageJournalKeepsEveryBatchAndReplaysItOnce) {
  REQUIRE_TEST_SERVERS();
  const std::string url = fresh_database("t_outage");
  {
    store::PgSession s(url);
    store::migrate(s);
  }
  const auto journal = std::filesystem::temp_directory_path() / "aitrapp_outage.journal";
  std::filesystem::remove(journal);
  auto clock = std::chrono::steady_clock::now();
  store::PostgresStore pg(url);
  store::JournaledStore st(pg, journal.string(), {}, [&] { return clock; });
  st.write(sample_batch("PLANFFFFFF", 1'000));
  EXPECT_FALSE(st.degraded());

  test::servers("pg-stop");
  st.write(sample_batch("PLANGGGGGG", 2'000));
  EXPECT_TRUE(st.degraded());
  clock += std::chrono::seconds(10);
  st.write(sample_batch("PLANHHHHHH", 3'000));  // retries, still down: journaled again
  EXPECT_TRUE(st.degraded());
  EXPECT_EQ(st.health().journal_pending, 2);
  EXPECT_EQ(st.health().outages, 1);

  test::servers("pg-start");
  clock += std::chrono::seconds(10);
  st.write(sample_batch("PLANIIIIII", 4'000));
  EXPECT_FALSE(st.degraded());
  EXPECT_EQ(st.health().journal_pending, 0);
  EXPECT_GE(st.health().reconnects, 1);
  SqlSession& s = pg.session();
  EXPECT_EQ(s.scalar("SELECT COUNT(*) FROM decisions"), 4);
  EXPECT_EQ(s.scalar("SELECT COUNT(*) FROM fills"), 4);
  EXPECT_EQ(s.scalar("SELECT COUNT(*) FROM journal_applied"), 2);
  EXPECT_EQ(s.scalar("SELECT last_event_ms FROM engine_checkpoint"), 4'000);  // order kept
  EXPECT_EQ(st.drain(), 0);                                                   // nothing twice
}

// Text parameters are bound without a copy; a run unbinds them when it ends, so a later run
// with fewer parameters reads NULL, never the earlier run's (freed) text.
TEST(SqliteSession, ARunLeavesNoParameterBoundForTheNext) {
  const auto path =
      (std::filesystem::temp_directory_path() / "aitrapp_sqlite_bind.sqlite").string();
  for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(path + ext);
  store::SqliteSession s(path);
  s.exec_script("CREATE TABLE t(k INTEGER, v TEXT)");
  {
    std::string text(100, 'x');  // on the heap, gone before the next run
    s.run("INSERT INTO t VALUES(?1, ?2)", {int64_t{1}, text});
  }
  s.run("INSERT INTO t VALUES(?1, ?2)", {int64_t{2}});
  EXPECT_EQ(s.text_scalar("SELECT v FROM t WHERE k = 1"), std::string(100, 'x'));
  EXPECT_EQ(s.scalar("SELECT COUNT(*) FROM t WHERE k = 2 AND v IS NULL"), 1);
  for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(path + ext);
}

}  // namespace
}  // namespace aitrapp
