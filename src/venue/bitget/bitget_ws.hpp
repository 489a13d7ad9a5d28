#pragma once
// Bitget's WebSocket wire pieces (docs/bitget-protocol.md, "WebSocket"), shared by the simulator
// and the adapter: the login signature and its check, the error codes of the streams, and the
// order book checksum. Pure; thread-safe.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"
#include "venue/bitget/bitget_auth.hpp"

namespace aitrapp::bitget {

// A stream's refusal: {"event":"error","code":...,"msg":...}.
struct WsError {
  int code = 30002;
  std::string msg;
};
inline constexpr int kWsChannelUnknown = 30001, kWsIllegalRequest = 30002, kWsInvalidOp = 30003,
                     kWsNeedsLogin = 30004, kWsLoginFailed = 30005, kWsRateLimit = 30006,
                     kWsInvalidKey = 30011, kWsInvalidPassphrase = 30012,
                     kWsInvalidTimestamp = 30013, kWsTimestampExpired = 30014,
                     kWsInvalidSign = 30015, kWsParameterError = 30016;

// The login message of `c` at `now`: {"op":"login","args":[{apiKey, passphrase, timestamp (in
// seconds), sign}]} with sign = base64 HMAC-SHA256 of timestamp + "GET" + "/user/verify".
nlohmann::json login_message(const Credentials& c, TimeMs now);
// The exchange's check of one login arg; nullopt: logged in. The timestamp may be in seconds
// (what Bitget's example and ccxt send) or milliseconds, within 30 s of `server_now`.
std::optional<WsError> check_login(const Credentials& account, const nlohmann::json& arg,
                                   TimeMs server_now);

struct BookLevel {
  std::string price, size;  // exactly as sent: the checksum is over these strings
};
// CRC32 of the top 25 levels interleaved bid:size:ask:size:..., a side that runs out skipped,
// as a signed 32-bit integer (what ccxt compares).
int32_t book_checksum(const std::vector<BookLevel>& bids, const std::vector<BookLevel>& asks);

}  // namespace aitrapp::bitget
