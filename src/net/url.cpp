#include "net/url.hpp"

#include <stdexcept>

namespace aitrapp::net {

Url parse_url(const std::string& url, const std::string& what) {
  Url u;
  std::string rest;
  if (url.rfind("https://", 0) == 0) {
    u.tls = true;
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else {
    throw std::invalid_argument(what + " '" + url + "' must start with http:// or https://");
  }
  const size_t slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  u.path = slash == std::string::npos ? "" : rest.substr(slash);
  while (!u.path.empty() && u.path.back() == '/') u.path.pop_back();
  const size_t colon = authority.rfind(':');
  u.host = authority.substr(0, colon);
  u.port = colon == std::string::npos ? (u.tls ? "443" : "80") : authority.substr(colon + 1);
  if (u.host.empty()) throw std::invalid_argument(what + " '" + url + "' has no host");
  if (u.port.empty() || u.port.find_first_not_of("0123456789") != std::string::npos)
    throw std::invalid_argument(what + " '" + url + "' has a malformed port");
  return u;
}

Url parse_ws_url(const std::string& url, const std::string& what) {
  std::string http_url;
  if (url.rfind("wss://", 0) == 0)
    http_url = "https://" + url.substr(6);
  else if (url.rfind("ws://", 0) == 0)
    http_url = "http://" + url.substr(5);
  else
    throw std::invalid_argument(what + " '" + url + "' must start with ws:// or wss://");
  return parse_url(http_url, what);
}

}  // namespace aitrapp::net
