// Bitget's WebSocket wire pieces and what the simulator's exchange publishes on its streams: the
// login signature (the protocol note's vector) and its check, the book checksum (the note's
// example), the books channel's update against its last book, and the private pushes an order's
// life makes.
#include "../support/bitget_exchange_fixture.hpp"

namespace aitrapp::bitget {
namespace {

TEST(BitgetWs, TheLoginSignsTimestampGetVerifyAndIsCheckedInSecondsOrMs) {
  const Credentials c{"key", "test_secret_key", "pass"};
  const json login = login_message(c, 1'659'076'670'000);
  EXPECT_EQ(login["args"][0]["timestamp"], "1659076670");
  EXPECT_EQ(login["args"][0]["sign"], "pytEBn+67iRtpq154wd6MET2ZoIII7ijitqTW66sfLA=");
  EXPECT_FALSE(check_login(c, login["args"][0], 1'659'076'670'500));
  const auto late = check_login(c, login["args"][0], 1'659'076'670'000 + 40'000);
  ASSERT_TRUE(late);
  EXPECT_EQ(late->code, kWsTimestampExpired);
  json ms = login["args"][0];
  ms["timestamp"] = "1659076670000";
  ms["sign"] = signature(c.secret, "1659076670000GET/user/verify");
  EXPECT_FALSE(check_login(c, ms, 1'659'076'670'000));
  json wrong = login["args"][0];
  wrong["passphrase"] = "nope";
  EXPECT_EQ(check_login(c, wrong, 1'659'076'670'000)->code, kWsInvalidPassphrase);
  wrong = login["args"][0];
  wrong["sign"] = "AAAA";
  EXPECT_EQ(check_login(c, wrong, 1'659'076'670'000)->code, kWsInvalidSign);
  EXPECT_EQ(check_login(c, json::object(), 0)->code, kWsParameterError);
}

TEST(BitgetWs, TheBookChecksumIsTheSignedCrc32OfTheInterleavedLevels) {
  // "43231.1:4:43232.8:9:43231:6:43232.9:8": CRC32 2790465500, as a signed int -1504501796.
  EXPECT_EQ(book_checksum({{"43231.1", "4"}, {"43231", "6"}}, {{"43232.8", "9"}, {"43232.9", "8"}}),
            -1504501796);
  // A side that runs out is skipped, not padded.
  EXPECT_EQ(book_checksum({{"43231.1", "4"}}, {}), book_checksum({}, {{"43231.1", "4"}}));
}

TEST_F(BitgetExchangeTest, TheBooksChannelUpdatesAgainstItsLastBook) {
  ex_.take_pushes();
  auto first = ex_.subscribe("books", "btcusdt");
  ASSERT_TRUE(std::holds_alternative<std::optional<BitgetExchange::WsPush>>(first));
  const json snapshot = std::get<std::optional<BitgetExchange::WsPush>>(first)->data[0];
  EXPECT_EQ(snapshot["bids"].size(), 5u);
  tick("46319.2");  // the book moves up two ticks
  std::optional<BitgetExchange::WsPush> update;
  for (auto& p : ex_.take_pushes())
    if (p.channel == "books") update = p;
  ASSERT_TRUE(update);
  EXPECT_EQ(update->action, "update");
  const json d = update->data[0];
  EXPECT_EQ(d["pseq"], snapshot["seq"]);
  EXPECT_EQ(d["seq"], snapshot["seq"].get<int64_t>() + 1);
  // Every level's size depends on its depth, so all five change and the two below are gone.
  EXPECT_EQ(d["asks"].size(), 7u) << d.dump();
  EXPECT_EQ(d["asks"][6], json::array({"46319.2", "0"}));
  // Applying the update to the snapshot gives the book whose checksum the update carries.
  auto apply = [](json side, const json& deltas, bool bids) {
    std::map<double, std::string> levels;
    for (auto& l : side) levels[std::stod(l[0].get<std::string>())] = l[1];
    std::map<double, std::string> prices;
    for (auto& l : side) prices[std::stod(l[0].get<std::string>())] = l[0];
    for (auto& l : deltas) {
      const double p = std::stod(l[0].get<std::string>());
      if (l[1] == "0") {
        levels.erase(p);
        prices.erase(p);
      } else {
        levels[p] = l[1];
        prices[p] = l[0];
      }
    }
    std::vector<BookLevel> out;
    for (auto& [p, s] : levels) out.push_back({prices[p], s});
    if (bids) std::reverse(out.begin(), out.end());
    return out;
  };
  const auto bids = apply(snapshot["bids"], d["bids"], true);
  const auto asks = apply(snapshot["asks"], d["asks"], false);
  EXPECT_EQ(d["checksum"], book_checksum(bids, asks));
  EXPECT_EQ(bids.front().price, "46319.1");
  auto bad = ex_.subscribe("books", "ETHUSDT");
  ASSERT_TRUE(std::holds_alternative<WsError>(bad));
  EXPECT_EQ(std::get<WsError>(bad).code, kWsParameterError);
  EXPECT_EQ(std::get<WsError>(ex_.subscribe("books400", "BTCUSDT")).code, kWsChannelUnknown);
}

TEST_F(BitgetExchangeTest, AnOrdersLifeIsPushedOnThePrivateChannels) {
  ex_.take_pushes();
  ASSERT_EQ(place({{"orderType", "market"}, {"clientOid", "ws-1"}}).status, 200);
  std::vector<BitgetExchange::WsPush> pushes = ex_.take_pushes();
  std::vector<std::string> channels;
  for (auto& p : pushes) channels.push_back(p.channel);
  EXPECT_EQ(channels,
            (std::vector<std::string>{"orders", "fill", "orders", "positions", "account"}));
  EXPECT_EQ(pushes[0].data[0]["status"], "live");
  EXPECT_EQ(pushes[0].data[0]["reduceOnly"], "no") << "lower case on the stream";
  const json filled = pushes[2].data[0];
  EXPECT_EQ(filled["status"], "filled");
  EXPECT_EQ(filled["tradeScope"], "T");
  EXPECT_EQ(filled["baseVolume"], "0.010");
  EXPECT_EQ(filled["accBaseVolume"], "0.010");
  EXPECT_EQ(filled["fillPrice"], "46319.1");
  EXPECT_EQ(pushes[1].data[0]["tradeScope"], "taker");
  EXPECT_EQ(pushes[1].data[0]["clientOid"], "ws-1");
  EXPECT_EQ(pushes[3].data[0]["holdSide"], "long");
  EXPECT_EQ(pushes[3].data[0]["instId"], "BTCUSDT");
  EXPECT_EQ(pushes[4].data[0]["equity"], account()["accountEquity"]);
  EXPECT_TRUE(ex_.take_pushes().empty()) << "taken once";
  // A subscription to positions answers with the set now; orders start with the next change.
  auto positions = ex_.subscribe("positions", "default");
  EXPECT_EQ(std::get<std::optional<BitgetExchange::WsPush>>(positions)->data.size(), 1u);
  EXPECT_FALSE(std::get<std::optional<BitgetExchange::WsPush>>(ex_.subscribe("orders", "default")));
}

}  // namespace
}  // namespace aitrapp::bitget
