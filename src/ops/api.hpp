#pragma once
// The operator HTTP API (JSON in and out): routes, bearer-token check on every mutating endpoint,
// strict validation of bodies and query parameters (400 naming the problem, nothing applied).
// Thread-safe: holds no state of its own beyond the token.
#include <string>

#include "ops/control.hpp"
#include "ops/http_server.hpp"

namespace aitrapp::ops {

inline constexpr const char* kLiveConfirmation = "CONFIRM LIVE TRADING";

class ControlApi {
 public:
  ControlApi(ControlPort& port, std::string token) : port_(port), token_(std::move(token)) {}
  HttpResponse handle(const HttpRequest& r) const;

 private:
  HttpResponse get(const HttpRequest& r) const;
  HttpResponse post(const HttpRequest& r) const;
  ControlPort& port_;
  std::string token_;
};

}  // namespace aitrapp::ops
