#include "venue/bitget/bitget_ws.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstdlib>

namespace aitrapp::bitget {

namespace {

constexpr std::string_view kVerifyPath = "GET/user/verify";

std::string arg_text(const nlohmann::json& arg, const char* name) {
  const auto it = arg.find(name);
  if (it == arg.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

}  // namespace

nlohmann::json login_message(const Credentials& c, TimeMs now) {
  const std::string ts = std::to_string(now / 1000);
  return {{"op", "login"},
          {"args", nlohmann::json::array(
                       {{{"apiKey", c.api_key},
                         {"passphrase", c.passphrase},
                         {"timestamp", ts},
                         {"sign", signature(c.secret, ts + std::string(kVerifyPath))}}})}};
}

std::optional<WsError> check_login(const Credentials& account, const nlohmann::json& arg,
                                   TimeMs server_now) {
  if (!arg.is_object()) return WsError{kWsParameterError, "login arg is not an object"};
  const std::string key = arg_text(arg, "apiKey"), pass = arg_text(arg, "passphrase"),
                    ts = arg_text(arg, "timestamp"), sign = arg_text(arg, "sign");
  if (key.empty() || pass.empty() || ts.empty() || sign.empty())
    return WsError{kWsParameterError, "login needs apiKey, passphrase, timestamp and sign"};
  if (ts.size() > 16 ||
      !std::all_of(ts.begin(), ts.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return WsError{kWsInvalidTimestamp, "Invalid ACCESS_TIMESTAMP"};
  const int64_t n = std::stoll(ts);
  const TimeMs at = ts.size() <= 10 ? n * 1000 : n;  // seconds or milliseconds
  // Seconds lose up to a second: allow it on the late side.
  if (std::llabs(server_now - at) > kTimestampWindowMs + (ts.size() <= 10 ? 1000 : 0))
    return WsError{kWsTimestampExpired, "Request timestamp expired"};
  if (key != account.api_key) return WsError{kWsInvalidKey, "Invalid ACCESS_KEY"};
  if (pass != account.passphrase) return WsError{kWsInvalidPassphrase, "Invalid ACCESS_PASSPHRASE"};
  if (sign != signature(account.secret, ts + std::string(kVerifyPath)))
    return WsError{kWsInvalidSign, "Invalid SIGN"};
  return std::nullopt;
}

int32_t book_checksum(const std::vector<BookLevel>& bids, const std::vector<BookLevel>& asks) {
  std::string payload;
  auto add = [&](const std::string& s) {
    if (!payload.empty()) payload += ':';
    payload += s;
  };
  for (size_t i = 0; i < 25; ++i) {
    if (i < bids.size()) {
      add(bids[i].price);
      add(bids[i].size);
    }
    if (i < asks.size()) {
      add(asks[i].price);
      add(asks[i].size);
    }
  }
  const uLong crc =
      crc32(0L, reinterpret_cast<const Bytef*>(payload.data()), static_cast<uInt>(payload.size()));
  return static_cast<int32_t>(static_cast<uint32_t>(crc));
}

}  // namespace aitrapp::bitget
