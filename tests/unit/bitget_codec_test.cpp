// Bitget's wire pieces shared by the adapter and the simulator: HMAC and base64, request signing
// and the exchange's check of it, the envelope, and the contract rules with their price and size
// checks.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <random>

#include "core/base64.hpp"
#include "core/hex.hpp"
#include "core/sha256.hpp"
#include "venue/bitget/bitget_auth.hpp"
#include "venue/bitget/bitget_contract.hpp"
#include "venue/bitget/bitget_envelope.hpp"

namespace aitrapp {
namespace {

using namespace bitget;

std::string hex_of(const std::array<uint8_t, 32>& b) {
  return to_hex(b.data(), b.size());
}

TEST(Hmac, Rfc4231Vectors) {
  EXPECT_EQ(hex_of(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hex_of(hmac_sha256(std::string(131, '\xaa'),
                               "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(Base64, Rfc4648Vectors) {
  auto enc = [](std::string_view s) {
    return base64_encode(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  };
  EXPECT_EQ(enc(""), "");
  EXPECT_EQ(enc("f"), "Zg==");
  EXPECT_EQ(enc("fo"), "Zm8=");
  EXPECT_EQ(enc("foo"), "Zm9v");
  EXPECT_EQ(enc("foob"), "Zm9vYg==");
  EXPECT_EQ(enc("foobar"), "Zm9vYmFy");
}

// The two signatures in docs/bitget-protocol.md (secret "test_secret_key").
TEST(BitgetAuth, SignsAsTheProtocolNoteShows) {
  const std::string body =
      R"({"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginMode":"crossed",)"
      R"("marginCoin":"USDT","size":"0.01","price":"60000.1","side":"buy","tradeSide":"open",)"
      R"("orderType":"limit","force":"gtc","clientOid":"sim-0001"})";
  EXPECT_EQ(signature("test_secret_key",
                      prehash("1659076670000", "post", "/api/v2/mix/order/place-order", "", body)),
            "d1qqKEQ1oy3c5Hhm6WSdu4OO68mn4dIHltlQGegM9Ek=");
  EXPECT_EQ(signature("test_secret_key",
                      prehash("1659076670000", "GET", "/api/v2/mix/order/orders-pending",
                              "productType=USDT-FUTURES&symbol=BTCUSDT", "")),
            "izMA2AWuAIFbtVt/3FcXgM8Ku5t8x6NcKbNbmgj8Wn4=");
}

class BitgetCheck : public ::testing::Test {
 protected:
  const Credentials account{"k", "test_secret_key", "pp"};
  static constexpr TimeMs kNow = 1659076670000;
  std::map<std::string, std::string, std::less<>> headers;
  std::optional<ApiError> check(std::string_view method, std::string_view path,
                                std::string_view query, std::string_view body,
                                TimeMs server_now = kNow) {
    return check_signed_request(
        account,
        [&](std::string_view name) -> std::optional<std::string> {
          const auto it = headers.find(name);
          if (it == headers.end()) return std::nullopt;
          return it->second;
        },
        server_now, method, path, query, body);
  }
  void sign_as(const Credentials& c, TimeMs at, std::string_view method, std::string_view path,
               std::string_view query, std::string_view body) {
    headers.clear();
    for (auto& [k, v] : signed_headers(c, at, method, path, query, body)) headers[k] = v;
  }
};

// What ccxt 4.5.84 sent for fetchOpenOrders with a clientOid holding ': # space': the query
// percent-encoded on the wire, the signature over it decoded.
TEST_F(BitgetCheck, AcceptsASignatureOverTheDecodedQueryAsCcxtSendsIt) {
  headers = {{"ACCESS-KEY", "k"},
             {"ACCESS-SIGN", "xHjBawvrXZHLW7zfvvYSjx3+9BFJW08Hm5QCqmRvFYY="},
             {"ACCESS-TIMESTAMP", "1659076670000"},
             {"ACCESS-PASSPHRASE", "pp"}};
  EXPECT_EQ(check("GET", "/api/v2/mix/order/orders-pending",
                  "clientOid=a%3A1%23x%20y&productType=USDT-FUTURES&symbol=BTCUSDT", ""),
            std::nullopt);
}

TEST_F(BitgetCheck, AcceptsASignatureOverTheQueryAsSent) {
  const std::string q = "clientOid=a%3A1%23x%20y&productType=USDT-FUTURES";
  sign_as(account, kNow, "GET", "/api/v2/mix/order/detail", q, "");
  EXPECT_EQ(check("GET", "/api/v2/mix/order/detail", q, ""), std::nullopt);
}

TEST_F(BitgetCheck, RefusesEachWrongPartWithItsCode) {
  const std::string path = "/api/v2/mix/order/place-order", body = R"({"symbol":"BTCUSDT"})";
  auto code_of = [&](const std::optional<ApiError>& e) { return e ? e->code : "none"; };

  sign_as(account, kNow, "POST", path, "", body);
  EXPECT_EQ(code_of(check("POST", path, "", body)), "none");
  EXPECT_EQ(code_of(check("POST", path, "", R"({"symbol":"ETHUSDT"})")), "40009");
  EXPECT_EQ(code_of(check("POST", path, "", body, kNow + 30'000)), "none");
  EXPECT_EQ(code_of(check("POST", path, "", body, kNow + 30'001)), "40008");
  EXPECT_EQ(code_of(check("POST", path, "", body, kNow - 30'001)), "40008");

  sign_as({"other", "test_secret_key", "pp"}, kNow, "POST", path, "", body);
  EXPECT_EQ(code_of(check("POST", path, "", body)), "40006");
  sign_as({"k", "test_secret_key", "wrong"}, kNow, "POST", path, "", body);
  EXPECT_EQ(code_of(check("POST", path, "", body)), "40012");
  sign_as({"k", "another_secret", "pp"}, kNow, "POST", path, "", body);
  EXPECT_EQ(code_of(check("POST", path, "", body)), "40009");

  sign_as(account, kNow, "POST", path, "", body);
  headers["ACCESS-TIMESTAMP"] = "16590766700OO";
  EXPECT_EQ(code_of(check("POST", path, "", body)), "40005");
  const std::pair<const char*, const char*> missing[] = {{"ACCESS-KEY", "40001"},
                                                         {"ACCESS-SIGN", "40002"},
                                                         {"ACCESS-TIMESTAMP", "40003"},
                                                         {"ACCESS-PASSPHRASE", "40011"}};
  for (const auto& [name, code] : missing) {
    sign_as(account, kNow, "POST", path, "", body);
    headers.erase(name);
    const auto e = check("POST", path, "", body);
    EXPECT_EQ(code_of(e), code) << name;
    if (e) {
      EXPECT_EQ(e->http_status, 401) << name;
    }
  }
}

TEST(BitgetEnvelope, SuccessAndErrorBodiesReadBack) {
  auto ok = parse_envelope(ok_body({{"serverTime", "1"}}, 42));
  ASSERT_TRUE(ok) << ok.error();
  EXPECT_TRUE(ok.value().ok());
  EXPECT_EQ(ok.value().msg, "success");
  EXPECT_EQ(ok.value().request_time, 42);
  EXPECT_EQ(ok.value().data["serverTime"], "1");

  auto err = parse_envelope(error_body(api_error(ErrorKind::DuplicateClientOid, "AT1"), 7));
  ASSERT_TRUE(err) << err.error();
  EXPECT_FALSE(err.value().ok());
  EXPECT_EQ(err.value().code, "40786");
  EXPECT_EQ(err.value().msg, "Duplicate clientOid: AT1");
  EXPECT_TRUE(err.value().data.is_null());
}

TEST(BitgetEnvelope, ReadsWhatTheExchangeSendsAndNamesWhatIsWrong) {
  auto as_string = parse_envelope(R"({"code":"00000","msg":"success","requestTime":"1695806875837",
                                     "data":[]})");
  ASSERT_TRUE(as_string) << as_string.error();
  EXPECT_EQ(as_string.value().request_time, 1695806875837);
  auto numeric = parse_envelope(R"({"code":429,"msg":"Too Many Requests","requestTime":1})");
  ASSERT_TRUE(numeric) << numeric.error();
  EXPECT_EQ(numeric.value().code, "429");

  EXPECT_EQ(parse_envelope("<html>").error(), "Bitget answer is not JSON");
  EXPECT_EQ(parse_envelope("[1]").error(), "Bitget answer is not a JSON object");
  EXPECT_EQ(parse_envelope(R"({"msg":"x"})").error(), "Bitget answer has no 'code'");
  EXPECT_EQ(parse_envelope(R"({"code":"0","requestTime":"soon"})").error(),
            "Bitget answer's 'requestTime' is not a number: \"soon\"");
}

Instrument btc() {
  Instrument in;
  in.symbol = "BTCUSDT";
  in.exchange = "BITGET";
  in.tick = Price::from_raw(1000);  // 0.1
  in.lot = Qty{1};
  in.units_per_whole = 1000;  // 0.001 BTC
  in.band_bps = 500;
  return in;
}

TEST(BitgetContract, AnInstrumentsRulesRoundTripThroughTheContractsJson) {
  const ContractRules r = rules_of(btc());
  const nlohmann::json j = contract_json(r);
  EXPECT_EQ(j["pricePlace"], "1");
  EXPECT_EQ(j["priceEndStep"], "1");
  EXPECT_EQ(j["volumePlace"], "3");
  EXPECT_EQ(j["sizeMultiplier"], "0.001");
  EXPECT_EQ(j["minTradeNum"], "0.001");
  EXPECT_EQ(j["buyLimitPriceRatio"], "0.0500");
  EXPECT_EQ(j["baseCoin"], "BTC");
  auto back = parse_contract(j);
  ASSERT_TRUE(back) << back.error();
  auto in = instrument_of(back.value());
  ASSERT_TRUE(in) << in.error();
  EXPECT_EQ(in.value().tick, btc().tick);
  EXPECT_EQ(in.value().lot, btc().lot);
  EXPECT_EQ(in.value().units_per_whole, 1000);
  EXPECT_EQ(in.value().band_bps, 500);

  Instrument nse = btc();
  nse.tick = Price::from_raw(500);  // 0.05
  const ContractRules n = rules_of(nse);
  EXPECT_EQ(n.price_place, 2);
  EXPECT_EQ(n.price_end_step, 5);
}

TEST(BitgetContract, ReadsTheExchangesSampleAndNamesAMissingOrUnrepresentableField) {
  const auto sample = nlohmann::json::parse(
      R"({"symbol":"BTCUSDT","baseCoin":"BTC","quoteCoin":"USDT","buyLimitPriceRatio":"0.9",
          "sellLimitPriceRatio":"0.9","makerFeeRate":"0.0004","takerFeeRate":"0.0006",
          "minTradeNum":"0.01","priceEndStep":"1","volumePlace":"2","pricePlace":"1",
          "sizeMultiplier":"0.01","minTradeUSDT":"5","fundInterval":"8","maxLever":"125"})");
  auto r = parse_contract(sample);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r.value().volume_place, 2);
  EXPECT_EQ(r.value().size_step, 1);
  EXPECT_EQ(r.value().min_size, 1);
  EXPECT_EQ(r.value().maker_fee_rate, "0.0004");

  auto no_place = sample;
  no_place.erase("pricePlace");
  EXPECT_EQ(parse_contract(no_place).error(), "BTCUSDT: contract has no 'pricePlace'");
  auto bad_step = sample;
  bad_step["sizeMultiplier"] = "0.001";
  EXPECT_EQ(parse_contract(bad_step).error(),
            "BTCUSDT: contract's 'sizeMultiplier' is \"0.001\", not a positive decimal with at "
            "most 2 decimals (volumePlace)");
  auto fine = sample;
  fine["pricePlace"] = "6";
  auto fine_rules = parse_contract(fine);
  ASSERT_TRUE(fine_rules) << fine_rules.error();
  EXPECT_EQ(instrument_of(fine_rules.value()).error(),
            "BTCUSDT: pricePlace 6 is finer than the 4 decimals the engine keeps for a price");
}

TEST(BitgetContract, TheExchangesPriceAndSizeChecksNameTheRuleBroken) {
  ContractRules r = rules_of(btc());
  auto msg = [](const std::optional<ApiError>& e) { return e ? e->code + " " + e->msg : "ok"; };
  EXPECT_EQ(msg(check_price(r, "60000.1")), "ok");
  EXPECT_EQ(msg(check_price(r, "60000")), "ok");
  EXPECT_EQ(msg(check_price(r, "60000.15")),
            "40808 Parameter verification exception: price 60000.15 has more than 1 decimals");
  EXPECT_EQ(msg(check_price(r, "-1")),
            "40808 Parameter verification exception: price \"-1\" is not a positive decimal");
  EXPECT_EQ(msg(check_price(r, "1e5")),
            "40808 Parameter verification exception: price \"1e5\" is not a positive decimal");
  r.price_end_step = 5;  // a 0.5 tick
  EXPECT_EQ(msg(check_price(r, "60000.5")), "ok");
  EXPECT_EQ(msg(check_price(r, "60000.3")),
            "40808 Parameter verification exception: price 60000.3 is not a multiple of the tick "
            "0.5");

  r = rules_of(btc());
  EXPECT_EQ(msg(check_size(r, "0.001", "60000")), "ok");
  EXPECT_EQ(msg(check_size(r, "0.0005", "60000")),
            "40808 Parameter verification exception: size 0.0005 has more than 3 decimals");
  EXPECT_EQ(msg(check_size(r, "0.001", "1000")),
            "45110 less than the minimum order quantity: notional 1000 x 0.001 < minTradeUSDT 5");
  EXPECT_EQ(msg(check_size(r, "0.005", "1000")), "ok");  // exactly 5 USDT
  r.size_step = 2;
  r.min_size = 4;
  EXPECT_EQ(msg(check_size(r, "0.003", "60000")),
            "40808 Parameter verification exception: size 0.003 is not a multiple of "
            "sizeMultiplier 0.002");
  EXPECT_EQ(msg(check_size(r, "0.002", "60000")),
            "45110 less than the minimum order quantity: size 0.002 < minTradeNum 0.004");
}

// What the adapter writes for any price on the engine's tick and any quantity in lots passes the
// exchange's own checks (the notional minimum aside, which sizing decides).
TEST(BitgetContract, WhatTheAdapterWritesTheExchangeAccepts) {
  std::mt19937_64 rng(19);
  for (const int64_t tick_raw : {int64_t{1000}, int64_t{500}, int64_t{10'000}, int64_t{1}}) {
    Instrument in = btc();
    in.tick = Price::from_raw(tick_raw);
    const ContractRules r = rules_of(in);
    for (int i = 0; i < 2000; ++i) {
      const Price p = Price::from_raw(tick_raw * static_cast<int64_t>(1 + rng() % 2'000'000));
      const Qty q{static_cast<int64_t>(1 + rng() % 100'000)};
      const std::string ps = format_price(r, p), qs = format_size(r, q);
      ASSERT_EQ(check_price(r, ps), std::nullopt) << ps << " tick " << tick_raw;
      const auto size = check_size(r, qs, ps);
      ASSERT_TRUE(!size || size->kind == ErrorKind::SizeBelowMinimum) << qs << " at " << ps;
    }
  }
  EXPECT_THROW(format_price(rules_of(btc()), Price::from_raw(1234)), std::invalid_argument);
}

// Requests ccxt itself signed (tests/conformance/ccxt/sign_cases.mjs, run by
// conformance.ccxt_signing, which sets AITRAPP_CCXT_SIGNED to the file it wrote): the exchange's
// check accepts every one, and refuses each with one byte of its query or body changed.
TEST(BitgetCcxt, EveryRequestCcxtSignsIsAcceptedAndATamperedCopyRefused) {
  const char* file = std::getenv("AITRAPP_CCXT_SIGNED");
  if (!file) GTEST_SKIP() << "run by the conformance.ccxt_signing test, with ccxt installed";
  std::ifstream in(file);
  const auto cases = nlohmann::json::parse(in);
  ASSERT_GE(cases.size(), 8u);
  const Credentials account{"conformance_key", "conformance_secret", "conformance_pass"};
  for (const auto& c : cases) {
    const std::string url = c["url"], method = c["method"], body = c["body"];
    const size_t path_at = url.find("/api/");
    ASSERT_NE(path_at, std::string::npos) << url;
    const size_t q = url.find('?', path_at);
    const std::string path = url.substr(path_at, q == std::string::npos ? q : q - path_at);
    const std::string query = q == std::string::npos ? "" : url.substr(q + 1);
    const auto header = [&](std::string_view name) -> std::optional<std::string> {
      const auto it = c["headers"].find(std::string(name));
      if (it == c["headers"].end()) return std::nullopt;
      return it->get<std::string>();
    };
    const TimeMs at = std::stoll(c["headers"]["ACCESS-TIMESTAMP"].get<std::string>());
    const auto verdict = check_signed_request(account, header, at, method, path, query, body);
    EXPECT_EQ(verdict ? verdict->code + " " + verdict->msg : "accepted", "accepted")
        << method << " " << url << " " << body;
    if (!query.empty()) {
      std::string tampered = query;
      tampered.back() = tampered.back() == 'T' ? 'U' : 'T';
      EXPECT_NE(check_signed_request(account, header, at, method, path, tampered, body),
                std::nullopt)
          << url;
    }
    if (!body.empty()) {
      std::string tampered = body;
      tampered[tampered.size() / 2] ^= 1;
      EXPECT_NE(check_signed_request(account, header, at, method, path, query, tampered),
                std::nullopt)
          << body;
    }
  }
}

}  // namespace
}  // namespace aitrapp
