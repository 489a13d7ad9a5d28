// What the Bitget adapter reads, against what the simulator writes: the books stream mirrored
// through many ticks with every checksum and seq checked (and a tampered or missing update
// refused), an order's pushes read into fills, and the signed REST client over loopback (the
// clock offset, the envelope, Bitget's codes as the adapter branches on them).
#include "../support/bitget_exchange_fixture.hpp"
#include "venue/bitget/bitget_rest.hpp"
#include "venue/bitget/bitget_stream_codec.hpp"
#include "venue/bitget_sim/bitget_sim_server.hpp"

namespace aitrapp::bitget {
namespace {

// The frame a plain subscriber of `p`'s channel gets, parsed back.
json frame_of(const BitgetExchange::WsPush& p) {
  return json::parse(p.frame(p.plain_arg(), 0));
}

TEST_F(BitgetExchangeTest, TheMirroredBookPassesEveryChecksumThroughTheReplay) {
  ex_.take_pushes();
  BookMirror book;
  const json snap =
      frame_of(*std::get<std::optional<BitgetExchange::WsPush>>(ex_.subscribe("books", "BTCUSDT")));
  ASSERT_TRUE(book.apply(parse_book_push(*push_of(snap)).value()));
  std::vector<json> updates;
  const char* path[] = {"46320.0", "46318.5", "46318.5", "46325.0", "46310.0", "46311.2"};
  for (int round = 0; round < 20; ++round)
    for (const char* last : path) {
      tick(last);
      for (const auto& p : ex_.take_pushes())
        if (p.channel == "books") updates.push_back(frame_of(p));
    }
  ASSERT_GT(updates.size(), 50u);
  for (const json& f : updates) {
    const auto parsed = parse_book_push(*push_of(f));
    ASSERT_TRUE(parsed) << parsed.error();
    const auto applied = book.apply(parsed.value());
    ASSERT_TRUE(applied) << applied.error();
  }
  EXPECT_EQ(book.best_bid(), Price::from_raw(463'111'000));  // 46311.2 less a tick
  EXPECT_EQ(book.best_ask(), Price::from_raw(463'113'000));

  // A changed checksum and a skipped update are both refused by name.
  BookMirror fresh;
  ASSERT_TRUE(fresh.apply(parse_book_push(*push_of(snap)).value()));
  json bad = updates[0];
  bad["data"][0]["checksum"] = bad["data"][0]["checksum"].get<int64_t>() + 1;
  const auto refused = fresh.apply(parse_book_push(*push_of(bad)).value());
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().find("checksum"), std::string::npos);
  BookMirror gap;
  ASSERT_TRUE(gap.apply(parse_book_push(*push_of(snap)).value()));
  const auto skipped = gap.apply(parse_book_push(*push_of(updates[1])).value());
  ASSERT_FALSE(skipped);
  EXPECT_NE(skipped.error().find("pseq"), std::string::npos) << skipped.error();
  json broken = updates[0];
  broken["data"][0].erase("asks");
  EXPECT_EQ(parse_book_push(*push_of(broken)).error(), "books push has no 'asks' list");
}

TEST_F(BitgetExchangeTest, AnOrdersPushesReadBackAsItsFill) {
  ex_.take_pushes();
  ASSERT_EQ(place({{"orderType", "market"}, {"clientOid", "rd-1"}, {"size", "0.020"}}).status, 200);
  std::vector<OrderPush> seen;
  const ContractRules rules = rules_of(btc_instruments().at("BTCUSDT"));
  for (const auto& p : ex_.take_pushes()) {
    if (p.channel != "orders") continue;
    auto read = parse_order_push(*push_of(frame_of(p)), rules);
    ASSERT_TRUE(read) << read.error();
    for (auto& o : read.value()) seen.push_back(o);
  }
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].status, "live");
  EXPECT_TRUE(seen[0].trade_id.empty());
  const OrderPush& f = seen[1];
  EXPECT_EQ(f.client_oid, "rd-1");
  EXPECT_EQ(f.status, "filled");
  EXPECT_EQ(f.filled, Qty{20});
  EXPECT_EQ(f.fill_qty, Qty{20});
  EXPECT_EQ(f.fill_price, Price::from_raw(463'191'000));
  EXPECT_EQ(f.fill_fee, Money::from_raw(5558)) << "0.06 % of 926.382, paid";
  EXPECT_FALSE(f.maker);
  json no_id = frame_of({"orders", "", "snapshot", json::array({{{"status", "live"}}})});
  EXPECT_EQ(parse_order_push(*push_of(no_id), rules).error(), "orders push has no 'orderId'");
}

TEST(BitgetRestClient, SignsAtTheExchangesTimeAndReadsBitgetsCodes) {
  SimClock exchange_clock(1'640'995'200'000);
  const Credentials account{"k", "s", "p"};
  std::mutex mu;
  BitgetExchange ex(btc_instruments(), Money::from_units(10000), account, exchange_clock);
  ex.on_tick(btc_tick(exchange_clock.now(), "46319.0", 0));
  BitgetSimServer server(ex, mu, exchange_clock, "127.0.0.1", 0);
  server.start();
  // The client's clock is an hour behind the exchange's: signed as it is, every call would be
  // refused; after sync_time it signs at the exchange's time.
  SimClock local(exchange_clock.now() - 3'600'000);
  BitgetRest rest("http://127.0.0.1:" + std::to_string(server.port()), "--bitget-root", account,
                  local, std::chrono::milliseconds(2000));
  const net::Form usdt{{"productType", "USDT-FUTURES"}};
  EXPECT_EQ(rest.signed_get("/api/v2/mix/account/accounts", usdt).code, "40008");
  ASSERT_TRUE(rest.sync_time());
  EXPECT_EQ(rest.offset_ms(), 3'600'000);
  const BitgetReply accounts = rest.signed_get("/api/v2/mix/account/accounts", usdt);
  ASSERT_TRUE(accounts.ok()) << accounts.describe();
  EXPECT_EQ(accounts.data[0]["accountEquity"], "10000.00");
  const json order = {{"symbol", "BTCUSDT"},     {"productType", "USDT-FUTURES"},
                      {"marginMode", "crossed"}, {"marginCoin", "USDT"},
                      {"size", "0.010"},         {"price", "46300.0"},
                      {"side", "buy"},           {"orderType", "limit"},
                      {"clientOid", "rest-1"}};
  const BitgetReply placed = rest.signed_post("/api/v2/mix/order/place-order", order);
  ASSERT_TRUE(placed.ok()) << placed.describe();
  EXPECT_EQ(placed.data["clientOid"], "rest-1");
  const BitgetReply again = rest.signed_post("/api/v2/mix/order/place-order", order);
  EXPECT_TRUE(again.duplicate_client_oid()) << again.describe();
  EXPECT_FALSE(again.retryable());
  const BitgetReply gone = rest.signed_post(
      "/api/v2/mix/order/cancel-order",
      {{"symbol", "BTCUSDT"}, {"productType", "USDT-FUTURES"}, {"clientOid", "never"}});
  EXPECT_TRUE(gone.order_unknown()) << gone.describe();
  BitgetRest wrong("http://127.0.0.1:" + std::to_string(server.port()), "--bitget-root",
                   {"k", "not-s", "p"}, exchange_clock, std::chrono::milliseconds(2000));
  EXPECT_EQ(wrong.signed_get("/api/v2/mix/account/accounts", usdt).code, "40009");
  server.stop();
  BitgetRest down("http://127.0.0.1:" + std::to_string(server.port()), "--bitget-root", account,
                  exchange_clock, std::chrono::milliseconds(500));
  const BitgetReply none = down.get("/api/v2/public/time");
  EXPECT_EQ(none.kind, BitgetReply::Kind::Transport);
  EXPECT_TRUE(none.retryable());
}

TEST(BitgetRestClient, AnAnswerThatIsNotBitgetsEnvelopeIsAnErrorNamingIt) {
  const BitgetReply html = interpret_reply(502, "<html>bad gateway</html>");
  EXPECT_EQ(html.kind, BitgetReply::Kind::ApiError);
  EXPECT_TRUE(html.ambiguous());
  EXPECT_NE(html.msg.find("HTTP 502"), std::string::npos) << html.msg;
  const BitgetReply odd = interpret_reply(200, R"({"code":"00000","msg":"warn","data":{}})");
  EXPECT_FALSE(odd.ok()) << "a msg other than success is an error, as ccxt reads it";
  const BitgetReply limited =
      interpret_reply(429, R"({"code":"429","msg":"Too Many Requests","data":null})");
  EXPECT_TRUE(limited.rate_limited());
  EXPECT_TRUE(limited.retryable());
}

}  // namespace
}  // namespace aitrapp::bitget
