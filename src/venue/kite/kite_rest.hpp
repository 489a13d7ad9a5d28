#pragma once
// Kite Connect v3 REST calls: the `token api_key:access_token` and `X-Kite-Version: 3` headers,
// form bodies, and the {status,data} / {status:"error",message,error_type} envelope turned into
// a KiteReply. Not thread-safe: one caller thread (the adapter's worker).
#include <nlohmann/json.hpp>
#include <string>

#include "net/form.hpp"
#include "net/http_client.hpp"

namespace aitrapp::kite {

struct KiteReply {
  enum class Kind { Ok, ApiError, Transport };
  Kind kind = Kind::Ok;
  int http = 0;
  std::string error_type, message;
  bool sent = false, timeout = false;  // Transport: may the venue have seen it?
  nlohmann::json data;
  std::string raw;  // non-JSON bodies (the instruments CSV)

  bool ok() const { return kind == Kind::Ok; }
  bool token_error() const { return kind == Kind::ApiError && error_type == "TokenException"; }
  bool rate_limited() const { return kind == Kind::ApiError && http == 429; }
  // The venue may have acted on the request although we have no answer: look before a retry.
  bool ambiguous() const {
    return (kind == Kind::Transport && sent) || (kind == Kind::ApiError && http >= 500);
  }
  // Worth another try later: the venue refused for now (429, token), never answered, or may have
  // acted without telling (look before a retry when ambiguous()).
  bool retryable() const {
    return kind == Kind::Transport || token_error() || rate_limited() || ambiguous();
  }
  std::string describe() const;
};

// An HTTP answer of Kite's REST API as a KiteReply: Kite's JSON envelope, its error types, and
// non-JSON bodies (the instruments CSV) kept raw. Any bytes are a reply, never an exception.
KiteReply interpret_reply(int status, const std::string& content_type, std::string body);

class KiteRest {
 public:
  KiteRest(const std::string& root_url, std::string api_key, std::chrono::milliseconds timeout);
  void set_access_token(std::string t) { access_token_ = std::move(t); }
  const std::string& api_key() const { return api_key_; }

  KiteReply call(const std::string& method, const std::string& path, const net::Form& params = {});

 private:
  net::HttpClient http_;
  std::string api_key_, access_token_;
};

}  // namespace aitrapp::kite
