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
#include "ops/live_feed.hpp"

namespace aitrapp::ops {

inline constexpr const char* kLiveConfirmation = "CONFIRM LIVE TRADING";

class ControlApi {
 public:
  // `extra_hosts`: host names served besides localhost, 127.0.0.1 and [::1] (for example the bind
  // address or the machine's name), without a port.
  ControlApi(ControlPort& port, std::string token, std::vector<std::string> extra_hosts = {});
  net::HttpResponse handle(const net::HttpRequest& r) const;
  // The live channels at /ws. Any web page can open a WebSocket to a loopback port, so an upgrade
  // is admitted only when its Host is served here and its Origin, when it sends one (browsers
  // always do), is this server's own: http://<Host>. Each connection gets the feed's snapshot,
  // then its events. `feed` must outlive the server the route is given to.
  net::WsRoute live_route(LiveFeed& feed) const;
  // Where GET /reports finds the burn-in, drill and go/no-go reports (default: reports).
  void set_reports_dir(std::string dir) { reports_dir_ = std::move(dir); }

 private:
  net::HttpResponse get(const net::HttpRequest& r) const;
  net::HttpResponse post(const net::HttpRequest& r) const;
  bool host_allowed(const std::string& host_header) const;
  ControlPort& port_;
  std::string token_;
  std::vector<std::string> hosts_;  // lower case
  std::string reports_dir_ = "reports";
};

}  // namespace aitrapp::ops
