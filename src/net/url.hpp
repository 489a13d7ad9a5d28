#pragma once
// The parts of an http(s):// or ws(s):// URL a client connects to. Pure; thread-safe.
#include <string>

namespace aitrapp::net {

struct Url {
  bool tls = false;
  std::string host, port, path;  // path without a trailing '/'
};
// Throw std::invalid_argument naming `what` (the option it came from), the URL and what is
// wrong with it.
Url parse_url(const std::string& url, const std::string& what);     // http:// or https://
Url parse_ws_url(const std::string& url, const std::string& what);  // ws:// or wss://

}  // namespace aitrapp::net
