#pragma once
// HTTP/1.1 server on Boost.Beast for every server of the project: the operator API (with its
// dashboard and live channel), the venue simulators (REST and WebSocket on one port) and their
// control APIs. Bounded request size, read timeouts, keep-alive. A handler may block (POST
// /flatten waits until flat), so the server runs its io_context on several threads (a simulator
// that wants its requests in order asks for one); the handler must be thread-safe. A path or
// query that is not UTF-8, or a malformed percent escape, is answered 400 before the handler
// sees it; HEAD is answered as GET without the body. WebSocket routes upgrade on the same port.
//
// For the simulators' faults a response may be answered late or not at all (the connection is
// closed: a lost response), and the server can refuse every connection for a while.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "net/ws_session.hpp"

namespace aitrapp::net {

struct HttpRequest {
  std::string method;                        // GET, POST, ... (HEAD is given as GET)
  std::string path;                          // without the query string
  std::map<std::string, std::string> query;  // decoded; a repeated key: the last wins
  std::string raw_query;                     // as sent, after '?' (for repeated keys)
  std::string authorization;                 // the Authorization header, verbatim
  std::string host;                          // the Host header, verbatim
  std::string origin;  // the Origin header, verbatim (browsers send it on an upgrade)
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // every header, as sent
  // The value of the header `name` (case-insensitive), or empty.
  std::string header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  int64_t delay_ms = 0;  // answered this long after the handler returned (a slow venue)
  bool drop = false;     // not answered: the connection is closed (a lost response)
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

struct HttpServerOptions {
  int threads = 4;
  size_t max_body_bytes = 64 * 1024;
  std::chrono::seconds read_timeout{30};  // an idle keep-alive connection is closed after it
  // The server's own refusals (malformed request, body or headers too large, a bad request
  // line): {"error": message} unless a venue's format is wanted.
  std::function<HttpResponse(int status, const std::string& message)> error_reply;
  std::map<std::string, WsRoute> ws_routes;  // an upgrade to another path is answered 404
};

class HttpServer {
 public:
  // Binds and listens at once (throws std::runtime_error naming the address when it cannot);
  // port 0 picks a free port. Serving starts with start().
  HttpServer(const std::string& bind_address, uint16_t port, HttpHandler handler,
             HttpServerOptions options);
  HttpServer(const std::string& bind_address, uint16_t port, HttpHandler handler, int threads = 4,
             std::map<std::string, WsRoute> ws_routes = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  uint16_t port() const { return port_; }
  void start();
  void stop();  // idempotent; joins the threads

  // Faults, for the simulators (which run one thread). Closes the listening socket and every
  // connection, HTTP and WebSocket, for `ms`, then listens again: clients see connection
  // refused meanwhile.
  void refuse_connections(int64_t ms);
  // Runs `fn` on the server's threads `ms` from now (0: as soon as possible).
  void post_after(int64_t ms, std::function<void()> fn);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  uint16_t port_ = 0;
  int threads_;
  std::vector<std::thread> pool_;
};

}  // namespace aitrapp::net
