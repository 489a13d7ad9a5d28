#include "net/http_server.hpp"

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/version.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/text.hpp"
#include "net/form.hpp"

namespace aitrapp::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string HttpRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        }))
      return v;
  return {};
}

namespace {

HttpResponse default_error(int status, const std::string& message) {
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
  r.raw_query = target.substr(q + 1);
  auto form = parse_form(r.raw_query);
  if (!form) return "query: " + form.error();
  for (auto& [k, v] : form.value().items()) r.query[k] = v;
  return {};
}

class Session;

}  // namespace

struct HttpServer::Impl {
  explicit Impl(HttpServerOptions o) : options(std::move(o)) {
    if (!options.error_reply) options.error_reply = default_error;
  }
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  tcp::endpoint endpoint;
  HttpHandler handler;
  HttpServerOptions options;
  bool stopped = false;
  std::unique_ptr<asio::steady_timer> reopen;  // refuse_connections' end (io threads)

  // Open connections, for refuse_connections (any thread).
  std::mutex mu;
  std::vector<std::weak_ptr<Session>> sessions;
  std::vector<std::weak_ptr<WsSession>> websockets;

  void listen() {
    beast::error_code ec;
    auto fail = [&](const char* what) {
      throw std::runtime_error(std::string("cannot ") + what + " " +
                               endpoint.address().to_string() + ":" +
                               std::to_string(endpoint.port()) + ": " + ec.message());
    };
    acceptor.open(endpoint.protocol(), ec);
    if (ec) fail("open a socket for");
    acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    acceptor.bind(endpoint, ec);
    if (ec) fail("bind");
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) fail("listen on");
  }
  void accept();
  void track(const std::shared_ptr<Session>& s);
  void track(const std::shared_ptr<WsSession>& s) {
    std::lock_guard lk(mu);
    std::erase_if(websockets, [](const auto& w) { return w.expired(); });
    websockets.push_back(s);
  }
  void close_all();
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, HttpServer::Impl& server)
      : stream_(std::move(socket)), server_(server), delay_(stream_.get_executor()) {}
  void run() { read(); }
  // Any thread: the connection is closed on its own executor.
  void kill() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] { self->close(true); });
  }

 private:
  const HttpServerOptions& options() const { return server_.options; }

  void read() {
    parser_.emplace();
    parser_->body_limit(options().max_body_bytes);
    stream_.expires_after(options().read_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset)
      return close(false);
    HttpResponse res;
    bool keep_alive = false;
    head_ = false;
    if (ec == http::error::body_limit) {
      res = options().error_reply(
          413, "request body larger than " + std::to_string(options().max_body_bytes) + " bytes");
    } else if (ec == http::error::header_limit) {
      res = options().error_reply(431, "request header fields larger than 8192 bytes");
    } else if (ec) {
      res = options().error_reply(400, "malformed HTTP request: " + ec.message());
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
      for (const auto& f : req) r.headers.emplace_back(f.name_string(), f.value());
      r.body = req.body();
      if (!bad.empty()) {
        res = options().error_reply(400, bad);
      } else if (beast::websocket::is_upgrade(req)) {
        auto route = options().ws_routes.find(r.path);
        std::optional<HttpResponse> refused;
        if (route == options().ws_routes.end())
          refused = options().error_reply(404, "no WebSocket at " + r.path);
        else
          refused = admit(route->second, r);
        if (!refused) {
          stream_.expires_never();
          auto ws = WsSession::accept(
              stream_.release_socket(), parser_->release(), route->second.options,
              route->second.callbacks ? route->second.callbacks(r) : WsSession::Callbacks{});
          server_.track(ws);
          return;
        }
        res = std::move(*refused);
        keep_alive = false;
      } else {
        try {
          res = server_.handler(r);
        } catch (const std::exception&) {
          res = options().error_reply(500, "internal error");
        }
      }
    }
    if (res.drop) return close(true);  // taken, but the answer is lost on the way
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
    if (res.delay_ms > 0) {
      delay_.expires_after(std::chrono::milliseconds(res.delay_ms));
      delay_.async_wait([self = shared_from_this(), msg, keep_alive](beast::error_code) {
        self->write(msg, keep_alive);
      });
      return;
    }
    write(msg, keep_alive);
  }

  void write(const std::shared_ptr<http::response<http::string_body>>& msg, bool keep_alive) {
    http::async_write(stream_, *msg,
                      [self = shared_from_this(), msg, keep_alive](beast::error_code wec, size_t) {
                        if (wec || !keep_alive) return self->close(false);
                        self->read();
                      });
  }

  // A route's decision on an upgrade; a throwing route is answered like a throwing handler.
  std::optional<HttpResponse> admit(const WsRoute& route, const HttpRequest& r) const {
    if (!route.admit) return std::nullopt;
    try {
      return route.admit(r);
    } catch (const std::exception&) {
      return options().error_reply(500, "internal error");
    }
  }

  // `hard`: both directions at once (a dropped answer, a refused period); else the peer reads
  // what was written before the end of the stream.
  void close(bool hard) {
    beast::error_code ignored;
    delay_.cancel();
    stream_.socket().shutdown(hard ? tcp::socket::shutdown_both : tcp::socket::shutdown_send,
                              ignored);
    if (hard) stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  HttpServer::Impl& server_;
  asio::steady_timer delay_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool head_ = false;
};

}  // namespace

void HttpServer::Impl::track(const std::shared_ptr<Session>& s) {
  std::lock_guard lk(mu);
  std::erase_if(sessions, [](const auto& w) { return w.expired(); });
  sessions.push_back(s);
}

void HttpServer::Impl::accept() {
  acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket s) {
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
    } else {
      auto session = std::make_shared<Session>(std::move(s), *this);
      track(session);
      session->run();
    }
    accept();
  });
}

void HttpServer::Impl::close_all() {
  std::lock_guard lk(mu);
  for (auto& w : sessions)
    if (auto s = w.lock()) s->kill();
  for (auto& w : websockets)
    if (auto s = w.lock()) s->close("the server refuses connections");
  sessions.clear();
  websockets.clear();
}

HttpServer::HttpServer(const std::string& bind_address, uint16_t port, HttpHandler handler,
                       int threads, std::map<std::string, WsRoute> ws_routes)
    : HttpServer(bind_address, port, std::move(handler), [&] {
        HttpServerOptions o;
        o.threads = threads;
        o.ws_routes = std::move(ws_routes);
        return o;
      }()) {}

HttpServer::HttpServer(const std::string& bind_address, uint16_t port, HttpHandler handler,
                       HttpServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))), threads_(impl_->options.threads) {
  impl_->handler = std::move(handler);
  beast::error_code ec;
  const auto addr = asio::ip::make_address(bind_address, ec);
  if (ec) throw std::runtime_error("--bind: '" + bind_address + "' is not an IP address");
  impl_->endpoint = tcp::endpoint(addr, port);
  impl_->listen();
  port_ = impl_->acceptor.local_endpoint().port();
  impl_->endpoint.port(port_);  // a refused period reopens the same port
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

void HttpServer::refuse_connections(int64_t ms) {
  asio::post(impl_->ioc, [this, ms] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
    impl_->close_all();
    impl_->reopen = std::make_unique<asio::steady_timer>(impl_->ioc);
    impl_->reopen->expires_after(std::chrono::milliseconds(ms));
    impl_->reopen->async_wait([this](beast::error_code e) {
      if (e) return;
      impl_->acceptor = tcp::acceptor(impl_->ioc);
      impl_->listen();
      impl_->accept();
    });
  });
}

void HttpServer::post_after(int64_t ms, std::function<void()> fn) {
  if (ms <= 0) {
    asio::post(impl_->ioc, std::move(fn));
    return;
  }
  auto timer = std::make_shared<asio::steady_timer>(impl_->ioc);
  timer->expires_after(std::chrono::milliseconds(ms));
  timer->async_wait([timer, fn = std::move(fn)](beast::error_code e) {
    if (!e) fn();
  });
}

}  // namespace aitrapp::net
