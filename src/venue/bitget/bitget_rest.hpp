#pragma once
// Bitget v2 REST calls as the adapter makes them: the query or JSON body, the ACCESS-* headers
// signed at the exchange's time (the session's clock plus the offset measured from
// /api/v2/public/time), and the {code,msg,data} envelope turned into a BitgetReply. Not
// thread-safe: one caller thread (the adapter's worker); the clock must outlive it.
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "core/result.hpp"
#include "core/time.hpp"
#include "net/form.hpp"
#include "net/http_client.hpp"
#include "venue/bitget/bitget_auth.hpp"

namespace aitrapp::bitget {

struct BitgetReply {
  enum class Kind { Ok, ApiError, Transport };
  Kind kind = Kind::Ok;
  int http = 0;
  std::string code, msg;               // Bitget's, e.g. "40786"
  bool sent = false, timeout = false;  // Transport: may the exchange have seen it?
  nlohmann::json data;

  bool ok() const { return kind == Kind::Ok; }
  bool rate_limited() const { return kind == Kind::ApiError && (http == 429 || code == "429"); }
  // The order named does not exist (cancel, modify: 40768; detail: 40109).
  bool order_unknown() const { return code == "40768" || code == "40109"; }
  bool duplicate_client_oid() const { return code == "40786"; }
  // The exchange may have acted on the request although we have no answer: look it up (by
  // clientOid) before any retry.
  bool ambiguous() const {
    return (kind == Kind::Transport && sent) || (kind == Kind::ApiError && http >= 500);
  }
  bool retryable() const { return kind == Kind::Transport || rate_limited() || ambiguous(); }
  std::string describe() const;
};

// Any HTTP answer as a BitgetReply; never throws.
BitgetReply interpret_reply(int status, std::string_view body);

class BitgetRest {
 public:
  // `root_url`: https://api.bitget.com, or a simulator's http://127.0.0.1:port. `what` names
  // where it came from (an option) in errors.
  BitgetRest(const std::string& root_url, const std::string& what, Credentials credentials,
             const Clock& clock, std::chrono::milliseconds timeout);

  // A public GET (no signature).
  BitgetReply get(const std::string& path, const net::Form& query = {});
  // Signed calls: GET with a query, POST with a JSON object body.
  BitgetReply signed_get(const std::string& path, const net::Form& query = {});
  BitgetReply signed_post(const std::string& path, const nlohmann::json& body);

  // Reads the exchange's time and keeps its offset from the clock (half the round trip taken
  // as the way there). Returns the offset; the error names why the time could not be read.
  Result<TimeMs> sync_time();
  TimeMs offset_ms() const { return offset_ms_; }
  TimeMs exchange_now() const { return clock_.now() + offset_ms_; }

 private:
  BitgetReply call(const std::string& method, const std::string& path, const std::string& query,
                   const std::string& body, bool sign);

  net::HttpClient http_;
  Credentials credentials_;
  const Clock& clock_;
  TimeMs offset_ms_ = 0;
};

}  // namespace aitrapp::bitget
