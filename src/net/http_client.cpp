#include "net/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>

#include "net/gzip.hpp"

namespace aitrapp::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

struct HttpClient::Impl {
  Url root;
  std::chrono::milliseconds timeout;
  asio::io_context ioc;
  ssl::context tls{ssl::context::tls_client};
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;

  bool connected() const { return plain.has_value() || secure.has_value(); }
  beast::tcp_stream& lowest() { return plain ? *plain : beast::get_lowest_layer(*secure); }

  // Runs the posted async chain until `done` or the deadline; a missed deadline closes the socket.
  void run(bool& done, const char* stage, bool sent) {
    ioc.restart();
    ioc.run_for(timeout);
    if (!done) {
      beast::error_code ec;
      if (connected()) lowest().socket().close(ec);
      ioc.restart();
      ioc.run();  // let the aborted handlers finish
      plain.reset();
      secure.reset();
      throw TransportError(
          std::string(stage) + " timed out after " + std::to_string(timeout.count()) + " ms", sent,
          true);
    }
  }

  void connect() {
    tcp::resolver resolver(ioc);
    beast::error_code ec;
    bool done = false;
    tcp::resolver::results_type endpoints;
    resolver.async_resolve(root.host, root.port,
                           [&](beast::error_code e, tcp::resolver::results_type r) {
                             ec = e;
                             endpoints = r;
                             done = true;
                           });
    run(done, "resolving the venue host", false);
    if (ec) throw TransportError("cannot resolve " + root.host + ": " + ec.message(), false, false);
    if (root.tls) {
      secure.emplace(ioc, tls);
      if (!SSL_set_tlsext_host_name(secure->native_handle(), root.host.c_str()))
        throw TransportError("TLS SNI setup failed", false, false);
      secure->set_verify_callback(ssl::host_name_verification(root.host));
    } else {
      plain.emplace(ioc);
    }
    done = false;
    lowest().async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) {
      ec = e;
      done = true;
    });
    run(done, "connecting to the venue", false);
    if (ec) {
      plain.reset();
      secure.reset();
      throw TransportError("cannot connect to " + root.host + ":" + root.port + ": " + ec.message(),
                           false, false);
    }
    if (root.tls) {
      done = false;
      secure->async_handshake(ssl::stream_base::client, [&](beast::error_code e) {
        ec = e;
        done = true;
      });
      run(done, "the TLS handshake", false);
      if (ec) {
        secure.reset();
        throw TransportError("TLS handshake with " + root.host + " failed: " + ec.message(), false,
                             false);
      }
    }
  }

  template <class Stream>
  HttpReply exchange(Stream& s, http::request<http::string_body>& req) {
    beast::error_code ec;
    bool done = false;
    http::async_write(s, req, [&](beast::error_code e, size_t) {
      ec = e;
      done = true;
    });
    run(done, "sending the request", false);
    if (ec) throw TransportError("sending failed: " + ec.message(), false, false);
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    done = false;
    http::async_read(s, buffer, parser, [&](beast::error_code e, size_t) {
      ec = e;
      done = true;
    });
    run(done, "waiting for the response", true);
    if (ec) throw TransportError("reading the response failed: " + ec.message(), true, false);
    auto res = parser.release();
    HttpReply r;
    r.status = static_cast<int>(res.result_int());
    r.content_type = std::string(res[http::field::content_type]);
    r.body = std::move(res.body());
    if (res[http::field::content_encoding] == "gzip") {
      auto inflated = gunzip(r.body);
      if (!inflated) throw TransportError("venue response: " + inflated.error(), true, false);
      r.body = std::move(inflated.value());
    }
    if (!res.keep_alive()) {
      plain.reset();
      secure.reset();
    }
    return r;
  }
};

HttpClient::HttpClient(Url root, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  impl_->root = std::move(root);
  impl_->timeout = timeout;
  impl_->tls.set_default_verify_paths();
  impl_->tls.set_verify_mode(ssl::verify_peer);
}

HttpClient::~HttpClient() = default;

void HttpClient::disconnect() {
  impl_->plain.reset();
  impl_->secure.reset();
}

HttpReply HttpClient::request(const std::string& method, const std::string& target,
                              const std::vector<std::pair<std::string, std::string>>& headers,
                              const std::string& body, const std::string& content_type) {
  Impl& m = *impl_;
  for (int attempt = 0;; ++attempt) {
    const bool reused = m.connected();
    if (!reused) m.connect();
    http::request<http::string_body> req{http::string_to_verb(method), m.root.path + target, 11};
    req.set(http::field::host, m.root.host);
    req.set(http::field::user_agent, "aitrapp/1");
    req.set(http::field::accept_encoding, "gzip");
    for (const auto& [k, v] : headers) req.set(k, v);
    if (!content_type.empty()) req.set(http::field::content_type, content_type);
    req.body() = body;
    req.keep_alive(true);
    req.prepare_payload();
    try {
      m.buffer.clear();
      return m.plain ? m.exchange(*m.plain, req) : m.exchange(*m.secure, req);
    } catch (const TransportError& e) {
      disconnect();
      // A kept-alive connection the server closed meanwhile: once more on a fresh one, but only
      // when nothing was sent (never re-send what may have arrived).
      if (reused && !e.sent && !e.timeout && attempt == 0) continue;
      throw;
    }
  }
}

}  // namespace aitrapp::net
