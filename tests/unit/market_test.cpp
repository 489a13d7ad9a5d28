#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/calendar.hpp"
#include "market/csv_loader.hpp"
#include "market/tick_path.hpp"
#include "oms/throttle.hpp"

using namespace aitrapp;

namespace {
Price P(const char* s) {
  return Price::from_raw(*parse_fixed(s));
}
const TradingCalendar& ist() {
  static TradingCalendar cal("Asia/Kolkata", SessionTimes{});
  return cal;
}
std::string write_temp(const std::string& name, const std::string& text) {
  auto dir = std::filesystem::temp_directory_path() / "aitrapp_market_test";
  std::filesystem::create_directories(dir);
  auto path = (dir / name).string();
  std::ofstream(path) << text;
  return path;
}
std::string data(const std::string& rel) {
  return std::string(AITRAPP_SOURCE_DIR) + "/data/" + rel;
}
}  // namespace

TEST(Calendar, IstIsFixedFromConfigNotProcessTz) {
  // 2022-04-01 15:20 IST = 09:50 UTC
  const TimeMs t = ist().local_to_utc(20220401, 15 * 60 + 20);
  EXPECT_EQ(t, 1648806600000);
  EXPECT_EQ(ist().local_minute(t), 920);
  EXPECT_EQ(ist().phase(t), SessionPhase::Tighten);
  EXPECT_EQ(ist().phase(t - 1), SessionPhase::Open);
  EXPECT_EQ(ist().phase(ist().flat_at(20220401)), SessionPhase::Flat);
  EXPECT_EQ(ist().phase(ist().local_to_utc(20220401, 9 * 60 + 8)), SessionPhase::Closed);
  EXPECT_EQ(ist().local_time_string(t), "2022-04-01T15:20:00.000+05:30");
  EXPECT_THROW(TradingCalendar("Mars/Olympus", SessionTimes{}), std::runtime_error);
}

TEST(Calendar, ParsesHhmm) {
  EXPECT_EQ(parse_hhmm("09:15"), 555);
  EXPECT_EQ(parse_hhmm("24:00"), 1440);
  for (const char* bad : {"9:15", "09:60", "25:00", "0915", "09:15x", ""})
    EXPECT_EQ(parse_hhmm(bad), -1) << bad;
}

TEST(CsvLoader, ReadsRealNseDay) {
  auto r = load_bar_file(data("nse/2022-04-01/2022-04-01_NIFTY_F1.csv"), ist(), "BTCUSDT");
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->format, BarFormat::Nse);
  ASSERT_EQ(r->bars.size(), 377u);
  const Bar& b = r->bars.front();
  EXPECT_EQ(b.symbol, "NIFTY_F1");
  EXPECT_EQ(b.start, ist().local_to_utc(20220401, 9 * 60 + 16));
  EXPECT_EQ(b.open, P("17453.00"));
  EXPECT_EQ(b.high, P("17514.20"));
  EXPECT_EQ(b.volume_raw / kScale, 178100);
  EXPECT_EQ(b.oi, 12267150);
}

TEST(CsvLoader, ReadsBtcPerpetualFormat) {
  auto r = load_bar_file(data("crypto/btc-perp-20211231-20220101_1m.csv"), ist(), "BTCUSDT");
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->format, BarFormat::BtcPerp);
  ASSERT_EQ(r->bars.size(), 1440u);
  EXPECT_EQ(r->bars[0].symbol, "BTCUSDT");
  EXPECT_EQ(r->bars[0].start, 1640991660000);  // 2021-12-31 23:01 UTC
  EXPECT_EQ(r->bars[0].close, P("46377.0"));
  EXPECT_EQ(r->bars[0].volume_raw, 23004137295);
}

TEST(CsvLoader, DirectoryLoadsEveryFile) {
  auto r = load_bar_paths({data("nse/2022-04-01")}, ist(), "BTCUSDT");
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->size(), 5u);
}

TEST(CsvLoader, BadInputNamesFileAndLine) {
  const std::string h = "symbol,date,time,open,high,low,close,volume,oi\n";
  struct Case {
    std::string body, expect;
  } cases[] = {
      {h + "NIFTY_F1,20220401,09:16,1,2,0.5,1.5,10,1\nNIFTY_F1,20220401,09:17,1,2,0.5\n",
       ":3: expected 9 fields"},
      {h + "NIFTY_F1,20220401,09:16,1,x,0.5,1.5,10,1\n", ":2: bad high 'x'"},
      {h + "NIFTY_F1,20220401,09:16,1,2,0.5,3,10,1\n", ":2: inconsistent bar"},
      {h + "NIFTY_F1,2022041,09:16,1,2,0.5,1.5,10,1\n", ":2: bad date"},
      {h + "NIFTY_F1,20220401,9:16,1,2,0.5,1.5,10,1\n", ":2: bad time"},
      {h + "NIFTY_F1,20220401,09:16,1,2,0.5,1.5,-10,1\n", ":2: bad volume"},
      {h + "NIFTY_F1,20220401,09:17,1,2,0.5,1.5,10,1\nNIFTY_F1,20220401,09:16,1,2,0.5,1.5,10,1\n",
       ":3: time does not increase"},
      {h + "NIFTY_F1,20220401,09:16,1,2,0.5,1.5,10,1\nBANKNIFTY_F1,20220401,09:17,1,2,0.5,1.5,10,"
           "1\n",
       ":3: symbol 'BANKNIFTY_F1' differs"},
      {"date,open\n1,2\n", ":1: unrecognized header"},
      {h, "no data rows"},
      {"timestamp,open,high,low,close,volume\n2022-13-01 00:00:00,1,1,1,1,1\n",
       ":2: bad timestamp"},
  };
  int i = 0;
  for (const auto& c : cases) {
    auto path = write_temp("bad" + std::to_string(i++) + ".csv", c.body);
    auto r = load_bar_file(path, ist(), "BTCUSDT");
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_NE(r.error().find(path), std::string::npos) << r.error();
    EXPECT_NE(r.error().find(c.expect), std::string::npos)
        << r.error() << " / expected " << c.expect;
  }
  EXPECT_FALSE(load_bar_paths({"/nonexistent/path"}, ist(), "X").ok());
}

TEST(TickPath, OpenNearerExtremeOtherExtremeClose) {
  Instrument in;
  in.tick = P("0.05");
  Bar b{"NIFTY_F1", 0, P("100"), P("101"), P("99.5"), P("100.5"), 40000 * kScale, 0, 2};
  auto t = bar_to_ticks(b, in);
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0].last, P("100"));
  EXPECT_EQ(t[1].last, P("99.5"));  // low is nearer to the open
  EXPECT_EQ(t[2].last, P("101"));
  EXPECT_EQ(t[3].last, P("100.5"));
  EXPECT_TRUE(t[3].bar_close);
  int64_t vol = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    vol += t[i].volume;
    EXPECT_EQ(t[i].time, kTickOffsetsMs[i]);
    EXPECT_LE(t[i].bid, t[i].last);
    EXPECT_GE(t[i].ask, t[i].last);
    EXPECT_TRUE(is_on_tick(t[i].bid, in.tick) && is_on_tick(t[i].ask, in.tick));
  }
  EXPECT_EQ(vol, 40000);
}

TEST(TickPath, SpreadWidensOnThinBars) {
  Instrument in;
  in.tick = P("0.05");
  in.base_spread_ticks = 2;
  in.ref_volume = 3000;
  EXPECT_EQ(spread_ticks_for(in, 100000), 2);
  EXPECT_EQ(spread_ticks_for(in, 1000), 6);
  EXPECT_EQ(spread_ticks_for(in, 1), 40);  // capped at 20x
}

TEST(Throttle, ExitsOutrankEntriesWithinTheRateLimit) {
  PriorityThrottle th(3);
  for (int i = 0; i < 3; ++i) {
    OrderSpec entry;
    entry.client_order_id = "E" + std::to_string(i);
    th.push(PlaceRequest{entry, Lane::Entry});
  }
  th.push(CancelRequest{"X0"});
  th.push(CancelRequest{"X1"});
  auto first = th.release(1000);
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(request_client_id(first[0]), "X0");
  EXPECT_EQ(request_client_id(first[1]), "X1");
  EXPECT_EQ(request_client_id(first[2]), "E0");
  EXPECT_TRUE(th.release(1500).empty());
  EXPECT_EQ(th.next_release(1500), 2000);
  th.push(CancelRequest{"X2"});
  auto second = th.release(2000);
  ASSERT_EQ(second.size(), 3u);
  EXPECT_EQ(request_client_id(second[0]), "X2");
  EXPECT_EQ(th.depth(Lane::Entry), 0u);
  EXPECT_EQ(th.next_release(2000), -1);
}

TEST(Throttle, ThePerMinuteLimitHoldsCallsThePerSecondOneWouldLetGo) {
  PriorityThrottle th(10, 25);  // 25 order calls a minute at most
  for (int i = 0; i < 30; ++i) th.push(CancelRequest{"X" + std::to_string(i)});
  EXPECT_EQ(th.release(0).size(), 10u);
  EXPECT_EQ(th.release(1000).size(), 10u);
  EXPECT_EQ(th.release(2000).size(), 5u);  // the minute's 25 are spent
  EXPECT_TRUE(th.release(3000).empty());
  EXPECT_EQ(th.next_release(3000), 60'000);  // when the first call of the minute expires
  EXPECT_EQ(th.release(60'000).size(), 5u);  // the ten of 0 ms have expired; 5 were queued
  EXPECT_EQ(th.next_release(60'000), -1);
}

TEST(Throttle, QueriesKeepTheirPlaceButUseNoOrderSlot) {
  PriorityThrottle th(2);
  th.push(CancelRequest{"A"});
  th.push(QueryRequest{"B", 1});
  th.push(CancelRequest{"C"});
  th.push(CancelRequest{"D"});
  th.push(QueryRequest{"E", 2});
  auto now = th.release(0);
  ASSERT_EQ(now.size(), 3u);  // A, the query B, C: two order calls
  EXPECT_EQ(request_client_id(now[1]), "B");
  EXPECT_EQ(request_client_id(now[2]), "C");
  EXPECT_EQ(th.next_release(0), 1000);  // the query E waits behind D
  auto later = th.release(1000);
  ASSERT_EQ(later.size(), 2u);
  EXPECT_EQ(request_client_id(later[1]), "E");
}
