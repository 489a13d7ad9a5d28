#include "venue/bitget/bitget_rest.hpp"

#include "venue/bitget/bitget_envelope.hpp"

namespace aitrapp::bitget {

std::string BitgetReply::describe() const {
  switch (kind) {
    case Kind::Ok:
      return "ok";
    case Kind::ApiError:
      return "HTTP " + std::to_string(http) + " code " + code + ": " + msg;
    case Kind::Transport:
      return "transport: " + msg;
  }
  return "?";
}

BitgetReply interpret_reply(int status, std::string_view body) {
  BitgetReply r;
  r.http = status;
  auto env = parse_envelope(body);
  if (!env) {
    r.kind = BitgetReply::Kind::ApiError;
    r.code = std::to_string(status);
    r.msg = "HTTP " + std::to_string(status) + ": " + env.error();
    return r;
  }
  Envelope& e = env.value();
  r.code = e.code;
  r.msg = e.msg;
  // As ccxt reads it: a code other than 00000, or a msg other than "success", is an error.
  if (!e.ok() || (e.msg != "success" && !e.msg.empty()) || status >= 400) {
    r.kind = BitgetReply::Kind::ApiError;
    return r;
  }
  r.data = std::move(e.data);
  return r;
}

BitgetRest::BitgetRest(const std::string& root_url, const std::string& what,
                       Credentials credentials, const Clock& clock,
                       std::chrono::milliseconds timeout)
    : http_(net::parse_url(root_url, what), timeout),
      credentials_(std::move(credentials)),
      clock_(clock) {}

BitgetReply BitgetRest::call(const std::string& method, const std::string& path,
                             const std::string& query, const std::string& body, bool sign) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (sign) headers = signed_headers(credentials_, exchange_now(), method, path, query, body);
  headers.emplace_back("locale", "en-US");
  const std::string target = query.empty() ? path : path + "?" + query;
  net::HttpReply h;
  try {
    h = http_.request(method, target, headers, body, body.empty() ? "" : "application/json");
  } catch (const net::TransportError& e) {
    BitgetReply r;
    r.kind = BitgetReply::Kind::Transport;
    r.msg = e.what();
    r.sent = e.sent;
    r.timeout = e.timeout;
    return r;
  }
  return interpret_reply(h.status, h.body);
}

BitgetReply BitgetRest::get(const std::string& path, const net::Form& query) {
  return call("GET", path, query.encode(), "", false);
}

BitgetReply BitgetRest::signed_get(const std::string& path, const net::Form& query) {
  return call("GET", path, query.encode(), "", true);
}

BitgetReply BitgetRest::signed_post(const std::string& path, const nlohmann::json& body) {
  return call("POST", path, "", body.dump(), true);
}

Result<TimeMs> BitgetRest::sync_time() {
  const TimeMs before = clock_.now();
  const BitgetReply r = get("/api/v2/public/time");
  const TimeMs after = clock_.now();
  if (!r.ok()) return Error{"the exchange's time could not be read: " + r.describe()};
  const auto it = r.data.find("serverTime");
  if (it == r.data.end() || !(it->is_string() || it->is_number_integer()))
    return Error{"the exchange's time answer has no serverTime"};
  TimeMs server = 0;
  try {
    server = it->is_string() ? std::stoll(it->get<std::string>()) : it->get<TimeMs>();
  } catch (const std::exception&) {
    return Error{"the exchange's serverTime is not a number"};
  }
  offset_ms_ = server - (before + (after - before) / 2);
  return offset_ms_;
}

}  // namespace aitrapp::bitget
