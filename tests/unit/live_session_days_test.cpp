// A live session on Kite (PAPER, over the Kite simulator's REST and WebSocket ticker on
// loopback, on an exchange clock the test moves) left running across the day boundary: it steps
// what arrives after the close, lets a weekend pass without writing a day for it, reconnects
// with the morning's new token, and starts the next trading day at that day's first tick, as a
// process started that morning would.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "../support/temp_dir_test.hpp"
#include "app/config.hpp"
#include "app/kite_instrument_map.hpp"
#include "app/live_session.hpp"
#include "app/venues/kite_live.hpp"
#include "core/sha256.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "venue/kite_sim/kite_exchange.hpp"
#include "venue/kite_sim/kite_sim_server.hpp"

namespace aitrapp {
namespace {

// The exchange clock, read by the simulator's threads and the session's ticker.
class TestClock final : public Clock {
 public:
  explicit TestClock(TimeMs t) : now_(t) {}
  TimeMs now() const override { return now_.load(); }
  void set(TimeMs t) { now_.store(t); }

 private:
  std::atomic<TimeMs> now_;
};

class LiveSessionDays : public support::TempDirTest {
 protected:
  LiveSessionDays() : TempDirTest("kite-days") {}
};

// Steps the session until `done` holds (the ticker and the simulator run on their own threads);
// false after 5 wall seconds.
template <class Done>
bool step_until(LiveSession& s, Done done) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!done()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    if (!s.idle()) {
      s.step();
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  return true;
}

TEST_F(LiveSessionDays, TheNextTradingDayStartsAtItsFirstTickAndAWeekendLeavesNothing) {
  auto loaded = load_app_config("");
  ASSERT_TRUE(loaded) << loaded.error();
  AppConfig cfg = loaded.value();
  const TradingCalendar cal(cfg.engine.timezone, cfg.engine.session);
  const TimeMs friday = cal.local_to_utc(20220401, 14 * 60);  // a Friday
  TestClock clock(friday);
  std::mutex mu;
  const kite::Credentials creds{"days_key", "days_secret", "days_token"};
  // Tokens die at 23:59 here, not at the morning flush: the ticker connection opened on Friday
  // stays open, and a reconnect would be refused (the session must not need one).
  kite::KiteExchange exchange(cfg.engine.instruments, cfg.engine.limits.capital, creds, cal, clock,
                              23 * 60 + 59);
  kite::KiteSimServer server(exchange, mu, "127.0.0.1", 0);
  server.start();
  const std::string root = "http://127.0.0.1:" + std::to_string(server.port());

  KiteLiveSettings settings;
  settings.rest_root = root;
  settings.ws_url = "ws://127.0.0.1:" + std::to_string(server.port()) + "/";
  settings.api_key = creds.api_key;
  settings.access_token = creds.access_token;
  settings.token_file = path("kite_token");  // written by Monday's login
  auto mapped =
      map_kite_instruments(root, creds.api_key, creds.access_token, cfg.engine.instruments);
  ASSERT_TRUE(mapped) << mapped.error();
  settings.rows = mapped.value().rows;

  store::SqliteStore store(path("days.sqlite"));
  NullLog log;
  LiveSession session(cfg, store, store, log, clock, kite_live_venue(settings, cfg, log, clock),
                      2000);
  ASSERT_TRUE(session.start().empty());
  ASSERT_EQ(session.day_string(), "2022-04-01");

  // A tick of NIFTY_F1 at the clock's time, as the simulator's pump publishes it.
  const Instrument& nifty = cfg.engine.instruments.at("NIFTY_F1");
  const auto publish = [&](TimeMs at) {
    clock.set(at);
    Tick t;
    t.symbol = "NIFTY_F1";
    t.time = at;
    t.last = Price::from_raw(17'500 * kScale);
    t.bid = t.last - nifty.tick;
    t.ask = t.last + nifty.tick;
    t.volume = 50;
    std::lock_guard lock(mu);
    server.broadcast_ticks({exchange.on_tick(t, 0)});
  };
  // Publishes a tick at `at` (again, until the ticker has subscribed) and steps the session until
  // the engine took one of them; false after 5 wall seconds.
  const auto tick_seen = [&](TimeMs at) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;;) {
      publish(at);
      const auto wait = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
      while (std::chrono::steady_clock::now() < wait) {
        if (session.idle()) {
          std::this_thread::sleep_for(std::chrono::milliseconds(2));
          continue;
        }
        if (const Tick* t = session.step(); t && t->time >= at) return true;
      }
      if (std::chrono::steady_clock::now() > give_up) return false;
    }
  };
  ASSERT_TRUE(tick_seen(friday + 60'000)) << "no Friday tick reached the engine";
  EXPECT_EQ(session.day_string(), "2022-04-01");

  // After the close: the EOD timers fire, then the session waits for input.
  clock.set(cal.local_to_utc(20220401, 15 * 60 + 40));
  ASSERT_TRUE(step_until(session, [&] { return session.idle(); }));
  EXPECT_EQ(session.engine().state(), TradingState::Reducing) << "Friday's EOD did not run";

  // The weekend passes without market data: still Friday's day, nothing written for Saturday or
  // Sunday.
  clock.set(cal.local_to_utc(20220403, 12 * 60));
  for (int i = 0; i < 20 && !session.idle(); ++i) session.step();
  EXPECT_EQ(session.day_string(), "2022-04-01");

  // Monday's login writes a new token, and the ticker loses its connection: Friday's token died
  // at the flush, so only the new one gets it back.
  clock.set(cal.local_to_utc(20220404, 9 * 60));
  {
    std::lock_guard lock(mu);
    const std::string request_token = exchange.issue_request_token();
    kite::SimRequest login;
    login.method = "POST";
    login.path = "/session/token";
    login.form = {{"api_key", creds.api_key},
                  {"request_token", request_token},
                  {"checksum", sha256_hex(creds.api_key + request_token + creds.api_secret)}};
    const auto reply = exchange.handle(login);
    ASSERT_EQ(reply.status, 200) << reply.body;
    std::ofstream(settings.token_file)
        << nlohmann::json::parse(reply.body)["data"]["access_token"].get<std::string>() << "\n";
  }
  server.drop_websockets(100);

  // Monday's first tick is stepped although Friday's session is over, and starts Monday.
  const TimeMs monday = cal.local_to_utc(20220404, 9 * 60 + 16);
  ASSERT_TRUE(tick_seen(monday)) << "Monday's tick was not stepped after Friday's close";
  EXPECT_EQ(session.day_string(), "2022-04-04");
  EXPECT_EQ(session.engine().state(), TradingState::Active) << "Friday's EOD outlived its day";
  EXPECT_EQ(session.engine().stats().decisions, 0);
  // Monday's first minute closes into Monday's checkpoint.
  const auto days = [&] {
    std::string out;
    store.session().run("SELECT trading_day FROM engine_checkpoint ORDER BY trading_day", {},
                        [&](const store::SqlRow& r) { out += r.text(0) + " "; });
    return out;
  };
  clock.set(monday + 2 * kMinuteMs);
  EXPECT_TRUE(step_until(session, [&] { return days() != "2022-04-01 "; }));
  EXPECT_EQ(days(), "2022-04-01 2022-04-04 ");
  server.stop();
}

}  // namespace
}  // namespace aitrapp
