#pragma once
// Minimal HTTP/1.1 server on Boost.Beast (the operator API, the simulators' control APIs):
// bounded request size, read timeouts, keep-alive. A handler may block (POST /flatten waits until
// flat), so the server runs its io_context on several threads; the handler must be thread-safe.
// A path or query that is not UTF-8, or a malformed percent escape, is answered 400 before the
// handler sees it; HEAD is answered as GET without the body. WebSocket routes upgrade on the same
// port (the operator's live channels sit beside the API, same origin).
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "net/ws_session.hpp"

namespace aitrapp::net {

struct HttpRequest {
  std::string method;  // GET, POST, ...
  std::string path;    // without the query string
  std::map<std::string, std::string> query;
  std::string authorization;  // the Authorization header, verbatim
  std::string host;           // the Host header, verbatim
  std::string origin;         // the Origin header, verbatim (browsers send it on an upgrade)
  std::string content_type;
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// A WebSocket endpoint at one path. Any web page can open a WebSocket to a loopback port, so
// `admit` decides every upgrade (an Origin check, a token): nullopt accepts it, a response refuses
// it (sent as is, then the connection is closed). `callbacks` gives each accepted connection its
// callbacks (to register it with a fan-out, for instance). Both are called on the server's
// threads and must be thread-safe.
struct WsRoute {
  std::function<std::optional<HttpResponse>(const HttpRequest&)> admit;
  std::function<WsSession::Callbacks(const HttpRequest&)> callbacks;
  WsSessionOptions options;
};

class HttpServer {
 public:
  static constexpr size_t kMaxBodyBytes = 64 * 1024;

  // Binds and listens at once (throws std::runtime_error naming the address when it cannot);
  // port 0 picks a free port. Serving starts with start().
  // An upgrade to a path outside `ws_routes` is answered 404.
  HttpServer(const std::string& bind_address, uint16_t port, HttpHandler handler, int threads = 4,
             std::map<std::string, WsRoute> ws_routes = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  uint16_t port() const { return port_; }
  void start();
  void stop();  // idempotent; joins the threads

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  uint16_t port_ = 0;
  int threads_;
  std::vector<std::thread> pool_;
};

}  // namespace aitrapp::net
