#include "venue/kite/kite_rest.hpp"

#include "venue/kite/kite_json.hpp"

namespace aitrapp::kite {

std::string KiteReply::describe() const {
  switch (kind) {
    case Kind::Ok:
      return "ok";
    case Kind::ApiError:
      return "HTTP " + std::to_string(http) + " " + error_type + ": " + message;
    case Kind::Transport:
      return "transport: " + message;
  }
  return "?";
}

KiteRest::KiteRest(const std::string& root_url, std::string api_key,
                   std::chrono::milliseconds timeout)
    : http_(net::parse_url(root_url, "--kite-root"), timeout), api_key_(std::move(api_key)) {}

KiteReply KiteRest::call(const std::string& method, const std::string& path,
                         const net::Form& params) {
  KiteReply r;
  const bool has_body = method == "POST" || method == "PUT";
  std::string target = path;
  if (!has_body && !params.items().empty()) target += "?" + params.encode();
  std::vector<std::pair<std::string, std::string>> headers = {{"X-Kite-Version", "3"}};
  if (!access_token_.empty())
    headers.emplace_back("Authorization", "token " + api_key_ + ":" + access_token_);
  net::HttpReply h;
  try {
    h = http_.request(method, target, headers, has_body ? params.encode() : std::string{},
                      has_body ? "application/x-www-form-urlencoded" : std::string{});
  } catch (const net::TransportError& e) {
    r.kind = KiteReply::Kind::Transport;
    r.message = e.what();
    r.sent = e.sent;
    r.timeout = e.timeout;
    return r;
  }
  return interpret_reply(h.status, h.content_type, std::move(h.body));
}

KiteReply interpret_reply(int status, const std::string& content_type, std::string body) {
  KiteReply r;
  r.http = status;
  if (content_type.find("application/json") == std::string::npos) {
    if (status == 200) {
      r.raw = std::move(body);
      return r;
    }
    r.kind = KiteReply::Kind::ApiError;
    r.error_type = "DataException";
    r.message = "HTTP " + std::to_string(status) + " with content type '" + content_type + "'";
    return r;
  }
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    r.kind = KiteReply::Kind::ApiError;
    r.error_type = "DataException";
    r.message = "unparseable JSON body (HTTP " + std::to_string(status) + ")";
    return r;
  }
  // pykiteconnect treats status "error" or any error_type as a failure; so do we.
  if (text_field(j, "status") == "error" || j.contains("error_type") || status >= 400) {
    r.kind = KiteReply::Kind::ApiError;
    r.error_type = text_field(j, "error_type").value_or("GeneralException");
    r.message = text_field(j, "message").value_or("");
    return r;
  }
  r.data = j.contains("data") ? j["data"] : nlohmann::json();
  return r;
}

}  // namespace aitrapp::kite
