#include "net/ws_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <deque>
#include <thread>

#include "core/scaled_clock.hpp"
#include "net/url.hpp"

namespace aitrapp::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

// One connection attempt's stream: plain or TLS.
using PlainWs = websocket::stream<beast::tcp_stream>;
using TlsWs = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

struct WsClient::Impl {
  WsClient& owner;
  WsClientOptions opt;
  Url url;
  WsCallbacks cb;
  asio::io_context ioc;
  ssl::context tls{ssl::context::tls_client};
  tcp::resolver resolver{ioc};
  asio::steady_timer retry{ioc}, watchdog{ioc}, keepalive{ioc};
  std::unique_ptr<PlainWs> plain;
  std::unique_ptr<TlsWs> secure;
  beast::flat_buffer buffer;
  std::chrono::milliseconds backoff;
  uint64_t generation = 0;  // handlers of a dropped connection ignore themselves
  bool stopping = false, connected = false;
  std::deque<std::string> outbox;
  bool writing = false;
  std::thread thread;

  Impl(WsClient& o, WsClientOptions options, WsCallbacks callbacks)
      : owner(o),
        opt(std::move(options)),
        url(parse_ws_url(opt.url, opt.what)),
        cb(std::move(callbacks)),
        backoff(opt.backoff_min) {
    tls.set_default_verify_paths();
    tls.set_verify_mode(ssl::verify_peer);
  }

  template <class F>
  void with_ws(F&& f) {
    if (plain) f(*plain);
    if (secure) f(*secure);
  }

  void connect() {
    if (stopping) return;
    const uint64_t gen = ++generation;
    plain.reset();
    secure.reset();
    outbox.clear();  // what the dropped connection did not send goes with it
    writing = false;
    resolver.async_resolve(
        url.host, url.port, [this, gen](beast::error_code ec, tcp::resolver::results_type r) {
          if (gen != generation) return;
          if (ec) return fail(gen, "resolve: " + ec.message());
          if (url.tls) {
            secure = std::make_unique<TlsWs>(ioc, tls);
            SSL_set_tlsext_host_name(secure->next_layer().native_handle(), url.host.c_str());
          } else {
            plain = std::make_unique<PlainWs>(ioc);
          }
          with_ws([&](auto& ws) {
            beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(5));
            beast::get_lowest_layer(ws).async_connect(
                r, [this, gen](beast::error_code e, const tcp::endpoint&) {
                  if (gen != generation) return;
                  if (e) return fail(gen, "connect: " + e.message());
                  if (secure)
                    secure->next_layer().async_handshake(
                        ssl::stream_base::client, [this, gen](beast::error_code h) {
                          if (gen != generation) return;
                          if (h) return fail(gen, "tls: " + h.message());
                          handshake(gen);
                        });
                  else
                    handshake(gen);
                });
          });
        });
  }

  void handshake(uint64_t gen) {
    const WsUpgrade up = cb.upgrade ? cb.upgrade() : WsUpgrade{};
    const std::string target =
        (url.path.empty() ? "/" : url.path) + (up.query.empty() ? "" : "?" + up.query);
    with_ws([&](auto& ws) {
      beast::get_lowest_layer(ws).expires_never();
      ws.set_option(
          websocket::stream_base::decorator([headers = up.headers](websocket::request_type& req) {
            for (const auto& [k, v] : headers) req.set(k, v);
          }));
      ws.async_handshake(url.host + ":" + url.port, target, [this, gen](beast::error_code e) {
        if (gen != generation) return;
        if (e) return fail(gen, "upgrade: " + e.message());
        connected = true;
        backoff = opt.backoff_min;
        if (cb.on_connection) cb.on_connection(true, "connected");
        send(gen, cb.on_open ? cb.on_open() : std::vector<std::string>{});
        arm_watchdog(gen);
        arm_keepalive(gen);
        read(gen);
      });
    });
  }

  // Beast allows one write in flight: everything sent (the opening messages, the keepalive)
  // waits its turn in the outbox.
  void send(uint64_t gen, std::vector<std::string> msgs) {
    for (auto& m : msgs) outbox.push_back(std::move(m));
    if (!writing) write_next(gen);
  }

  void write_next(uint64_t gen) {
    if (outbox.empty()) {
      writing = false;
      return;
    }
    writing = true;
    with_ws([&](auto& ws) {
      ws.text(true);
      ws.async_write(asio::buffer(outbox.front()), [this, gen](beast::error_code e, size_t) {
        if (gen != generation) return;
        if (e) return fail(gen, "send: " + e.message());
        outbox.pop_front();
        write_next(gen);
      });
    });
  }

  void read(uint64_t gen) {
    with_ws([&](auto& ws) {
      ws.async_read(buffer, [this, gen, &ws](beast::error_code e, size_t) {
        if (gen != generation) return;
        if (e) return fail(gen, "read: " + e.message());
        owner.last_frame_ms_ = steady_now_ms();
        const std::string_view frame(static_cast<const char*>(buffer.data().data()), buffer.size());
        if (cb.on_frame) cb.on_frame(frame, ws.got_binary());
        buffer.consume(buffer.size());
        read(gen);
      });
    });
  }

  void arm_watchdog(uint64_t gen) {
    if (opt.silence.count() <= 0) return;
    watchdog.expires_after(std::min(opt.silence, std::chrono::milliseconds(1000)));
    watchdog.async_wait([this, gen](beast::error_code e) {
      if (e || gen != generation) return;
      if (steady_now_ms() - owner.last_frame_ms_.load() > opt.silence.count())
        return fail(gen, "no frame for " + std::to_string(opt.silence.count()) + " ms");
      arm_watchdog(gen);
    });
  }

  void arm_keepalive(uint64_t gen) {
    if (opt.keepalive_text.empty() || opt.keepalive_every.count() <= 0) return;
    keepalive.expires_after(opt.keepalive_every);
    keepalive.async_wait([this, gen](beast::error_code e) {
      if (e || gen != generation) return;
      send(gen, {opt.keepalive_text});
      arm_keepalive(gen);
    });
  }

  void fail(uint64_t gen, const std::string& why) {
    if (gen != generation || stopping) return;
    ++generation;  // orphan the old connection's handlers
    beast::error_code ec;
    with_ws([&](auto& ws) { beast::get_lowest_layer(ws).socket().close(ec); });
    watchdog.cancel();
    keepalive.cancel();
    if (connected && cb.on_connection) cb.on_connection(false, why);
    connected = false;
    ++owner.reconnects_;
    retry.expires_after(backoff);
    backoff = std::min(backoff * 2, opt.backoff_max);
    retry.async_wait([this](beast::error_code e) {
      if (!e) connect();
    });
  }
};

WsClient::WsClient(WsClientOptions options, WsCallbacks callbacks)
    : impl_(std::make_unique<Impl>(*this, std::move(options), std::move(callbacks))) {}

WsClient::~WsClient() {
  stop();
}

void WsClient::start() {
  asio::post(impl_->ioc, [this] { impl_->connect(); });
  impl_->thread = std::thread([this] {
    auto guard = asio::make_work_guard(impl_->ioc);
    impl_->ioc.run();
  });
}

void WsClient::reconnect(const std::string& why) {
  asio::post(impl_->ioc, [this, why] { impl_->fail(impl_->generation, why); });
}

void WsClient::stop() {
  if (!impl_->thread.joinable()) return;
  asio::post(impl_->ioc, [this] {
    impl_->stopping = true;
    ++impl_->generation;
    beast::error_code ec;
    impl_->with_ws([&](auto& ws) { beast::get_lowest_layer(ws).socket().close(ec); });
    impl_->ioc.stop();
  });
  impl_->thread.join();
}

}  // namespace aitrapp::net
