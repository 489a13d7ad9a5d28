// Kite wire formats against Zerodha's official mock data (docs/kite-protocol.md 6) and round trips.
#include <gtest/gtest.h>

#include "core/sha256.hpp"
#include "net/form.hpp"
#include "net/gzip.hpp"
#include "venue/kite/kite_instruments.hpp"
#include "venue/kite/kite_ticks.hpp"

using namespace aitrapp;
using namespace aitrapp::kite;

namespace {
std::string unhex(std::string_view h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
  return out;
}
Price px(const char* s) {
  return Price::from_raw(*parse_fixed(s));
}
KiteTick decode(const std::string& body) {
  auto t = decode_packet(reinterpret_cast<const uint8_t*>(body.data()), body.size());
  EXPECT_TRUE(t.ok()) << t.error();
  return t.value();
}
}  // namespace

// ticker_quote.packet from zerodha/kiteconnect-mocks, decoded as ticker_quote.json says.
TEST(KiteTicks, DecodesTheOfficialQuotePacket) {
  const KiteTick t =
      decode(unhex("00063a0100026683000000010002656900"
                   "11f1b20003e9ff00058037000264f30002673c000261c9"
                   "0002646c"));
  EXPECT_EQ(t.mode, TickMode::Quote);
  EXPECT_TRUE(t.tradable);
  EXPECT_EQ(t.token, 408065u);
  EXPECT_EQ(t.last, px("1573.15"));
  EXPECT_EQ(t.last_qty, 1);
  EXPECT_EQ(t.average, px("1570.33"));
  EXPECT_EQ(t.volume, 1175986);
  EXPECT_EQ(t.buy_qty, 256511);
  EXPECT_EQ(t.sell_qty, 360503);
  EXPECT_EQ(t.open, px("1569.15"));
  EXPECT_EQ(t.high, px("1575"));
  EXPECT_EQ(t.low, px("1561.05"));
  EXPECT_EQ(t.close, px("1567.8"));
}

// The 184-byte ticker_full.packet, decoded field by field (docs/kite-protocol.md 6).
TEST(KiteTicks, DecodesTheOfficialFullPacket) {
  const std::string body = unhex(
      "00063a01000266ba000000070002656d001232170003e9bb00058a01000264f30002673c000261c9000264"
      "6c60e2947f00000000000000000000000060e2947f000000050002669c000100000000008c00026674000200"
      "00000000020002666f00010000000000db0002666a00070000000000320002666500010000000000ac000266"
      "ba000300000000002c000266bf000300000000012e000266c9000300000000008d000266ce00020000000002"
      "d4000266d300050000");
  ASSERT_EQ(body.size(), kFullPacket);
  const KiteTick t = decode(body);
  EXPECT_EQ(t.mode, TickMode::Full);
  EXPECT_EQ(t.last, px("1573.70"));
  EXPECT_EQ(t.last_qty, 7);
  EXPECT_EQ(t.average, px("1570.37"));
  EXPECT_EQ(t.volume, 1192471);
  EXPECT_EQ(t.last_trade_time, 1625461887);
  EXPECT_EQ(t.exchange_time, 1625461887);
  EXPECT_EQ(t.oi, 0);
  const DepthLevel bids[5] = {{5, px("1573.40"), 1},
                              {140, px("1573.00"), 2},
                              {2, px("1572.95"), 1},
                              {219, px("1572.90"), 7},
                              {50, px("1572.85"), 1}};
  const DepthLevel asks[5] = {{172, px("1573.70"), 3},
                              {44, px("1573.75"), 3},
                              {302, px("1573.85"), 3},
                              {141, px("1573.90"), 2},
                              {724, px("1573.95"), 5}};
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(t.bids[i], bids[i]) << "bid " << i;
    EXPECT_EQ(t.asks[i], asks[i]) << "ask " << i;
  }
  // Our encoder writes the very same bytes back.
  std::string again;
  append_packet(again, t, TickMode::Full);
  EXPECT_EQ(again.substr(2), body);
}

TEST(KiteTicks, IndexPacketsUseTheirOwnLayout) {
  KiteTick t;
  t.token = 256265;  // NIFTY 50, segment 9
  t.last = px("17545.3");
  t.high = px("17600.1");
  t.low = px("17400");
  t.open = px("17450");
  t.close = px("17500");
  t.change = px("45.3");
  t.exchange_time = 1648800000;
  std::string packets;
  append_packet(packets, t, TickMode::Full);
  append_packet(packets, t, TickMode::Quote);
  append_packet(packets, t, TickMode::Ltp);
  const std::string frame = make_frame(3, packets);
  std::vector<KiteTick> got;
  auto n = decode_frame(frame, [&](const KiteTick& k) { got.push_back(k); });
  ASSERT_TRUE(n.ok()) << n.error();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(frame.substr(4, 32),
            unhex("0003e909001ac5a2001adb0a001a8ce0001aa068001ab3f0000011b26246b100"));
  EXPECT_FALSE(got[0].tradable);
  EXPECT_EQ(got[0].mode, TickMode::Full);
  EXPECT_EQ(got[0].high, t.high);
  EXPECT_EQ(got[0].open, t.open);
  EXPECT_EQ(got[0].change, t.change);
  EXPECT_EQ(got[1].mode, TickMode::Quote);
  EXPECT_EQ(got[1].exchange_time, 0);
  EXPECT_EQ(got[2].mode, TickMode::Ltp);
  EXPECT_EQ(got[2].last, t.last);
}

TEST(KiteTicks, HeartbeatsAndBrokenFrames) {
  int calls = 0;
  auto count = [&](const KiteTick&) { ++calls; };
  EXPECT_EQ(decode_frame(std::string(1, '\0'), count).value(), 0u);  // 1-byte heartbeat
  auto truncated = decode_frame(unhex("0002000800063a0100026683"), count);
  EXPECT_FALSE(truncated.ok());
  EXPECT_NE(truncated.error().find("frame truncated"), std::string::npos) << truncated.error();
  auto odd = decode_frame(unhex("0001000300aabbcc"), count);
  EXPECT_FALSE(odd.ok());
  EXPECT_NE(odd.error().find("unknown length 3"), std::string::npos) << odd.error();
  EXPECT_EQ(calls, 1);  // the complete first packet of the truncated frame
}

TEST(KiteTicks, CurrencySegmentsUseTheirDivisors) {
  KiteTick t;
  t.token = 12345 * 256 + 3;  // CDS: 1e7
  t.last = px("83.1234");
  std::string p;
  append_packet(p, t, TickMode::Ltp);
  EXPECT_EQ(decode(p.substr(2)).last, t.last);
  EXPECT_EQ(price_divisor(12345 * 256 + 6), 10'000);
}

TEST(KiteForm, RoundTripsAndKeepsRepeatedKeys) {
  net::Form f{{"i", "NSE:NIFTY 50"}, {"i", "NFO:NIFTY_F1"}, {"tag", "AT+x&y=z"}};
  const std::string enc = f.encode();
  EXPECT_EQ(enc, "i=NSE%3ANIFTY%2050&i=NFO%3ANIFTY_F1&tag=AT%2Bx%26y%3Dz");
  auto back = net::parse_form(enc);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->all("i"), (std::vector<std::string>{"NSE:NIFTY 50", "NFO:NIFTY_F1"}));
  EXPECT_EQ(back->get("tag"), "AT+x&y=z");
  EXPECT_EQ(net::parse_form("a=b+c")->get("a"), "b c");
  auto bad = net::parse_form("price=17%G0");
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("'price'"), std::string::npos) << bad.error();
}

TEST(KiteInstruments, CsvRoundTripAndTokens) {
  std::map<std::string, Instrument> ins;
  Instrument fut;
  fut.symbol = "NIFTY_F1";
  fut.exchange = "NFO";
  fut.lot = Qty{50};
  ins[fut.symbol] = fut;
  Instrument idx;
  idx.symbol = "NIFTY";
  idx.exchange = "NSE";
  idx.tradable = false;
  idx.venue_symbol = "NIFTY 50";
  ins[idx.symbol] = idx;
  const auto rows = rows_for(ins);
  ASSERT_EQ(rows.size(), 2u);
  const std::string csv = write_instruments_csv(rows);
  auto unz = net::gunzip(net::gzip(csv));
  ASSERT_TRUE(unz.ok()) << unz.error();
  auto back = parse_instruments_csv(unz.value());
  ASSERT_TRUE(back.ok()) << back.error();
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[0].tradingsymbol, "NIFTY 50");
  EXPECT_EQ((*back)[0].instrument_token, 256265u);  // Kite's own token for the index
  EXPECT_EQ((*back)[0].segment, "INDICES");
  EXPECT_EQ((*back)[1].lot_size, 50);
  EXPECT_EQ((*back)[1].instrument_token % 256, 2u);  // NFO segment byte
  EXPECT_EQ((*back)[1].instrument_token / 256, (*back)[1].exchange_token);
  // The official mock rows parse too.
  auto mock = parse_instruments_csv(
      std::string(kInstrumentsHeader) +
      "\n408065,1594,INFY,INFOSYS,0,,,0.05,1,EQ,NSE,NSE\n"
      "12073986,47164,BANKNIFTY18JAN23500CE,,2528.4,2018-01-25,23500.0,0.05,40,CE,NFO-OPT,NFO\n");
  ASSERT_TRUE(mock.ok()) << mock.error();
  EXPECT_EQ((*mock)[1].lot_size, 40);
  EXPECT_EQ((*mock)[1].key(), "NFO:BANKNIFTY18JAN23500CE");
  auto bad =
      parse_instruments_csv(std::string(kInstrumentsHeader) + "\n1,2,X,,0,,,zero,1,EQ,NSE,NSE\n");
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("line 2: tick_size 'zero'"), std::string::npos) << bad.error();
  EXPECT_FALSE(net::gunzip("not gzip").ok());
}

// The login checksum (docs/kite-protocol.md 1 test vector).
TEST(KiteSession, ChecksumVector) {
  EXPECT_EQ(sha256_hex("api_key_x"
                       "request_token_y"
                       "api_secret_z"),
            "2b17d843e2d76c4e04026141ebc3cb8c81edcd2809c99a0e3ab603fe28f38fb3");
}
