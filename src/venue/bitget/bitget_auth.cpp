#include "venue/bitget/bitget_auth.hpp"

#include <charconv>
#include <cstdlib>

#include "core/base64.hpp"
#include "core/sha256.hpp"
#include "net/form.hpp"

namespace aitrapp::bitget {

std::string prehash(std::string_view timestamp, std::string_view method, std::string_view path,
                    std::string_view query, std::string_view body) {
  std::string s;
  s.reserve(timestamp.size() + method.size() + path.size() + query.size() + body.size() + 1);
  s.append(timestamp);
  for (const char c : method) s.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c);
  s.append(path);
  if (!query.empty()) {
    s.push_back('?');
    s.append(query);
  }
  s.append(body);
  return s;
}

std::string signature(std::string_view secret, std::string_view prehash) {
  const auto mac = hmac_sha256(secret, prehash);
  return base64_encode(mac.data(), mac.size());
}

std::vector<std::pair<std::string, std::string>> signed_headers(const Credentials& c, TimeMs now,
                                                                std::string_view method,
                                                                std::string_view path,
                                                                std::string_view query,
                                                                std::string_view body) {
  const std::string ts = std::to_string(now);
  return {{"ACCESS-KEY", c.api_key},
          {"ACCESS-SIGN", signature(c.secret, prehash(ts, method, path, query, body))},
          {"ACCESS-TIMESTAMP", ts},
          {"ACCESS-PASSPHRASE", c.passphrase}};
}

std::optional<ApiError> check_signed_request(
    const Credentials& account,
    const std::function<std::optional<std::string>(std::string_view)>& header, TimeMs server_now,
    std::string_view method, std::string_view path, std::string_view raw_query,
    std::string_view body) {
  const auto key = header("ACCESS-KEY");
  if (!key || key->empty()) return api_error(ErrorKind::AccessKeyEmpty);
  const auto sign = header("ACCESS-SIGN");
  if (!sign || sign->empty()) return api_error(ErrorKind::SignEmpty);
  const auto ts = header("ACCESS-TIMESTAMP");
  if (!ts || ts->empty()) return api_error(ErrorKind::TimestampEmpty);
  const auto pass = header("ACCESS-PASSPHRASE");
  if (!pass || pass->empty()) return api_error(ErrorKind::PassphraseEmpty);
  TimeMs t = 0;
  const auto [end, ec] = std::from_chars(ts->data(), ts->data() + ts->size(), t);
  if (ec != std::errc{} || end != ts->data() + ts->size())
    return api_error(ErrorKind::InvalidTimestamp, "\"" + *ts + "\" is not milliseconds");
  if (std::llabs(t - server_now) > kTimestampWindowMs)
    return api_error(ErrorKind::TimestampExpired,
                     std::to_string(t - server_now) + " ms from the server's clock");
  if (*key != account.api_key) return api_error(ErrorKind::InvalidKey);
  if (*pass != account.passphrase) return api_error(ErrorKind::PassphraseIncorrect);
  if (*sign == signature(account.secret, prehash(*ts, method, path, raw_query, body)))
    return std::nullopt;
  if (const auto decoded = net::url_decode(raw_query);
      decoded && *decoded != raw_query &&
      *sign == signature(account.secret, prehash(*ts, method, path, *decoded, body)))
    return std::nullopt;
  return api_error(ErrorKind::SignatureError);
}

}  // namespace aitrapp::bitget
