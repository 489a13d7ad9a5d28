#pragma once
// Bitget's request signing (docs/bitget-protocol.md, "Signing"): ACCESS-SIGN is the base64
// HMAC-SHA256, under the API secret, of timestamp + METHOD + path + ("?" + query) + body. The
// adapter signs with it; the simulator checks it as the exchange does. Pure; thread-safe.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/time.hpp"
#include "venue/bitget/bitget_errors.hpp"

namespace aitrapp::bitget {

struct Credentials {
  std::string api_key, secret, passphrase;
};

// The signed string. `query` without its '?', empty for none; `body` empty for a GET.
std::string prehash(std::string_view timestamp, std::string_view method, std::string_view path,
                    std::string_view query, std::string_view body);
std::string signature(std::string_view secret, std::string_view prehash);

// The four ACCESS-* headers of a request signed at `now`.
std::vector<std::pair<std::string, std::string>> signed_headers(const Credentials& c, TimeMs now,
                                                                std::string_view method,
                                                                std::string_view path,
                                                                std::string_view query,
                                                                std::string_view body);

// How far a request's timestamp may be from the exchange's clock.
inline constexpr TimeMs kTimestampWindowMs = 30'000;

// The exchange's check of a private request. `header` returns a request header by name, or
// nullopt. The signature is accepted over the query exactly as received or over its
// percent-decoded form: ccxt signs the decoded query and sends it encoded, other clients sign
// what they send. nullopt: authenticated.
std::optional<ApiError> check_signed_request(
    const Credentials& account,
    const std::function<std::optional<std::string>(std::string_view)>& header, TimeMs server_now,
    std::string_view method, std::string_view path, std::string_view raw_query,
    std::string_view body);

}  // namespace aitrapp::bitget
