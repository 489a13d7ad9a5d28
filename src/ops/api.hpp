#pragma once
// The operator HTTP API (JSON in and out): routes, bearer-token check on every mutating endpoint,
// strict validation of bodies and query parameters (400 naming the problem, nothing applied),
// and a Host check: a request whose Host header names another host is refused, so that a web page
// on a rebound DNS name cannot read the unauthenticated GETs through the operator's browser.
// Thread-safe: holds no state of its own beyond the token and the host names.
#include <string>
#include <vector>

#include "net/http_server.hpp"
#include "ops/control.hpp"

namespace aitrapp::ops {

inline constexpr const char* kLiveConfirmation = "CONFIRM LIVE TRADING";

class ControlApi {
 public:
  // `extra_hosts`: host names served besides localhost, 127.0.0.1 and [::1] (for example the bind
  // address or the machine's name), without a port.
  ControlApi(ControlPort& port, std::string token, std::vector<std::string> extra_hosts = {});
  net::HttpResponse handle(const net::HttpRequest& r) const;

 private:
  net::HttpResponse get(const net::HttpRequest& r) const;
  net::HttpResponse post(const net::HttpRequest& r) const;
  bool host_allowed(const std::string& host_header) const;
  ControlPort& port_;
  std::string token_;
  std::vector<std::string> hosts_;  // lower case
};

}  // namespace aitrapp::ops
