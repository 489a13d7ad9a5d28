#pragma once
// A blocking HTTP/1.1 client on Boost.Beast for REST APIs (venues, a simulator's control API):
// TLS (OpenSSL, peer verified) for https:// roots, plain TCP for http:// (the loopback
// simulators), one keep-alive connection, a deadline per request, gzip bodies inflated.
// Not thread-safe: one caller thread.
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "net/url.hpp"

namespace aitrapp::net {

struct HttpReply {
  int status = 0;
  std::string content_type;
  std::string body;  // inflated when the server sent gzip
};

// The request may or may not have reached the server: `sent` says whether it was written in full
// (a timeout or reset after that is ambiguous for a POST).
class TransportError : public std::runtime_error {
 public:
  TransportError(const std::string& what, bool sent, bool timeout)
      : std::runtime_error(what), sent(sent), timeout(timeout) {}
  bool sent, timeout;
};

class HttpClient {
 public:
  HttpClient(Url root, std::chrono::milliseconds timeout);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // `target` is appended to the root's path. Throws TransportError.
  HttpReply request(const std::string& method, const std::string& target,
                    const std::vector<std::pair<std::string, std::string>>& headers,
                    const std::string& body = {}, const std::string& content_type = {});
  void disconnect();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace aitrapp::net
