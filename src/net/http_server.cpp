#include "net/http_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/version.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/text.hpp"
#include "net/form.hpp"

namespace aitrapp::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kReadTimeout = std::chrono::seconds(30);

HttpResponse error_response(int status, const std::string& message) {
  HttpResponse r;
  r.status = status;
  r.body = nlohmann::json{{"error", message}}.dump(-1, ' ', false,
                                                   nlohmann::json::error_handler_t::replace);
  return r;
}

// Every byte a handler reads from the request line is UTF-8, so that it can echo it in JSON, and
// the query is well-formed: a request the handler cannot read as sent is refused, not guessed at.
std::string bad_request_line(const std::string& target, HttpRequest& r) {
  const auto q = target.find('?');
  r.path = target.substr(0, q);
  if (!valid_utf8(r.path)) return "the request path " + quote_bytes(r.path) + " is not valid UTF-8";
  if (q == std::string::npos) return {};
  auto form = parse_form(std::string_view(target).substr(q + 1));
  if (!form) return "query: " + form.error();
  for (auto& [k, v] : form.value().items()) r.query[k] = v;  // a repeated key: the last wins
  return {};
}

using WsRoutes = std::map<std::string, WsRoute>;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const HttpHandler& handler, const WsRoutes& ws_routes)
      : stream_(std::move(socket)), handler_(handler), ws_routes_(ws_routes) {}
  void run() { read(); }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(HttpServer::kMaxBodyBytes);
    stream_.expires_after(kReadTimeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset)
      return close();
    HttpResponse res;
    bool keep_alive = false;
    head_ = false;
    if (ec == http::error::body_limit) {
      res = error_response(413, "request body larger than 65536 bytes");
    } else if (ec == http::error::header_limit) {
      res = error_response(431, "request header fields larger than 8192 bytes");
    } else if (ec) {
      res = error_response(400, "malformed HTTP request: " + ec.message());
    } else {
      const auto& req = parser_->get();
      keep_alive = req.keep_alive();
      HttpRequest r;
      r.method = std::string(req.method_string());
      head_ = r.method == "HEAD";
      if (head_) r.method = "GET";
      const std::string bad = bad_request_line(std::string(req.target()), r);
      r.authorization = std::string(req[http::field::authorization]);
      r.host = std::string(req[http::field::host]);
      r.content_type = std::string(req[http::field::content_type]);
      r.origin = std::string(req[http::field::origin]);
      r.body = req.body();
      const bool upgrade = beast::websocket::is_upgrade(req);
      if (!bad.empty()) {
        res = error_response(400, bad);
      } else if (upgrade) {
        auto route = ws_routes_.find(r.path);
        std::optional<HttpResponse> refused;
        if (route == ws_routes_.end())
          refused = error_response(404, "no WebSocket at " + r.path);
        else
          refused = admit(route->second, r);
        if (!refused) {
          stream_.expires_never();
          WsSession::accept(
              stream_.release_socket(), parser_->release(), route->second.options,
              route->second.callbacks ? route->second.callbacks(r) : WsSession::Callbacks{});
          return;
        }
        res = std::move(*refused);
        keep_alive = false;
      } else {
        try {
          res = handler_(r);
        } catch (const std::exception& e) {
          res = error_response(500, "internal error");
        }
      }
    }
    auto msg = std::make_shared<http::response<http::string_body>>();
    msg->version(11);
    msg->result(static_cast<http::status>(res.status));
    msg->set(http::field::server, "aitrapp");
    msg->set(http::field::content_type, res.content_type);
    msg->set(http::field::cache_control, "no-store");
    for (const auto& [k, v] : res.headers) msg->set(k, v);
    msg->keep_alive(keep_alive);
    msg->body() = std::move(res.body);
    msg->prepare_payload();
    if (head_) msg->body().clear();  // HEAD: GET's headers (Content-Length too), no body
    http::async_write(stream_, *msg,
                      [self = shared_from_this(), msg, keep_alive](beast::error_code wec, size_t) {
                        if (wec || !keep_alive) return self->close();
                        self->read();
                      });
  }

  static std::optional<HttpResponse> admit(const WsRoute& route, const HttpRequest& r) {
    if (!route.admit) return std::nullopt;
    try {
      return route.admit(r);
    } catch (const std::exception&) {
      return error_response(500, "internal error");
    }
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  const HttpHandler& handler_;
  const WsRoutes& ws_routes_;
  bool head_ = false;
};

}  // namespace

struct HttpServer::Impl {
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  HttpHandler handler;
  WsRoutes ws_routes;
  bool stopped = false;

  void accept() {
    acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket s) {
      if (ec) {
        if (ec == asio::error::operation_aborted) return;
      } else {
        std::make_shared<Session>(std::move(s), handler, ws_routes)->run();
      }
      accept();
    });
  }
};

HttpServer::HttpServer(const std::string& bind_address, uint16_t port, HttpHandler handler,
                       int threads, std::map<std::string, WsRoute> ws_routes)
    : impl_(std::make_unique<Impl>()), threads_(threads) {
  impl_->handler = std::move(handler);
  impl_->ws_routes = std::move(ws_routes);
  beast::error_code ec;
  const auto addr = asio::ip::make_address(bind_address, ec);
  if (ec) throw std::runtime_error("--bind: '" + bind_address + "' is not an IP address");
  const tcp::endpoint ep(addr, port);
  auto fail = [&](const char* what) {
    throw std::runtime_error(std::string("cannot ") + what + " " + bind_address + ":" +
                             std::to_string(port) + ": " + ec.message());
  };
  impl_->acceptor.open(ep.protocol(), ec);
  if (ec) fail("open a socket for");
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  impl_->acceptor.bind(ep, ec);
  if (ec) fail("bind");
  impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) fail("listen on");
  port_ = impl_->acceptor.local_endpoint().port();
}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::start() {
  impl_->accept();
  for (int i = 0; i < threads_; ++i) pool_.emplace_back([this] { impl_->ioc.run(); });
}

void HttpServer::stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  beast::error_code ignored;
  impl_->acceptor.close(ignored);
  impl_->ioc.stop();
  for (auto& t : pool_) t.join();
  pool_.clear();
}

}  // namespace aitrapp::net
