#include "venue/kite/kite_ticker.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <thread>

#include "core/scaled_clock.hpp"
#include "venue/kite/http_client.hpp"
#include "venue/kite/kite_form.hpp"
#include "venue/kite/kite_json.hpp"

namespace aitrapp::kite {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

// One connection attempt's stream: plain or TLS.
using PlainWs = websocket::stream<beast::tcp_stream>;
using TlsWs = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

struct KiteTicker::Impl : std::enable_shared_from_this<KiteTicker::Impl> {
  KiteTicker& owner;
  Url url;
  std::vector<uint32_t> tokens;
  std::function<std::pair<std::string, std::string>()> credentials;
  TickerCallbacks cb;
  asio::io_context ioc;
  ssl::context tls{ssl::context::tls_client};
  tcp::resolver resolver{ioc};
  asio::steady_timer retry{ioc}, watchdog{ioc};
  std::unique_ptr<PlainWs> plain;
  std::unique_ptr<TlsWs> secure;
  beast::flat_buffer buffer;
  std::chrono::milliseconds backoff{500};
  uint64_t generation = 0;  // handlers of a dropped connection ignore themselves
  bool stopping = false, connected = false;
  std::thread thread;

  Impl(KiteTicker& o, const std::string& ws_url) : owner(o) {
    std::string http_url = ws_url;
    if (http_url.rfind("wss://", 0) == 0)
      http_url = "https://" + http_url.substr(6);
    else if (http_url.rfind("ws://", 0) == 0)
      http_url = "http://" + http_url.substr(5);
    else
      throw std::invalid_argument("--kite-ws '" + ws_url + "' must start with ws:// or wss://");
    url = parse_url(http_url, "--kite-ws");
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
    const auto [key, token] = credentials();
    const std::string target = (url.path.empty() ? "/" : url.path) + "?api_key=" + url_encode(key) +
                               "&access_token=" + url_encode(token);
    with_ws([&](auto& ws) {
      beast::get_lowest_layer(ws).expires_never();
      ws.set_option(websocket::stream_base::decorator(
          [](websocket::request_type& req) { req.set("X-Kite-Version", "3"); }));
      ws.async_handshake(url.host + ":" + url.port, target, [this, gen](beast::error_code e) {
        if (gen != generation) return;
        if (e) return fail(gen, "upgrade: " + e.message());
        connected = true;
        backoff = std::chrono::milliseconds(500);
        if (cb.on_connection) cb.on_connection(true, "connected");
        subscribe(gen);
        arm_watchdog(gen);
        read(gen);
      });
    });
  }

  void subscribe(uint64_t gen) {
    nlohmann::json ids = tokens;
    auto msgs = std::make_shared<std::vector<std::string>>(
        std::vector<std::string>{nlohmann::json{{"a", "subscribe"}, {"v", ids}}.dump(),
                                 nlohmann::json{{"a", "mode"}, {"v", {"full", ids}}}.dump()});
    send_next(gen, msgs, 0);
  }
  void send_next(uint64_t gen, std::shared_ptr<std::vector<std::string>> msgs, size_t i) {
    if (i >= msgs->size()) return;
    with_ws([&](auto& ws) {
      ws.text(true);
      ws.async_write(asio::buffer((*msgs)[i]), [this, gen, msgs, i](beast::error_code e, size_t) {
        if (gen != generation) return;
        if (e) return fail(gen, "subscribe: " + e.message());
        send_next(gen, msgs, i + 1);
      });
    });
  }

  void read(uint64_t gen) {
    with_ws([&](auto& ws) {
      ws.async_read(buffer, [this, gen, &ws](beast::error_code e, size_t) {
        if (gen != generation) return;
        if (e) return fail(gen, "read: " + e.message());
        const int64_t now = steady_now_ms();  // an age, compared with steady time only
        owner.last_frame_ms_ = now;
        const std::string_view frame(static_cast<const char*>(buffer.data().data()), buffer.size());
        if (ws.got_binary()) {
          if (frame.size() >= 2) owner.last_data_ms_ = now;
          auto n = decode_frame(frame, [&](const KiteTick& t) {
            if (cb.on_tick) cb.on_tick(t);
          });
          if (!n) ++owner.decode_errors_;
        } else {
          if (auto update = order_update_of(frame); update && cb.on_order_update)
            cb.on_order_update(*update);
        }
        buffer.consume(buffer.size());
        read(gen);
      });
    });
  }

  // Kite sends a heartbeat every couple of seconds: 5 s of silence is a dead connection.
  void arm_watchdog(uint64_t gen) {
    watchdog.expires_after(std::chrono::seconds(1));
    watchdog.async_wait([this, gen](beast::error_code e) {
      if (e || gen != generation) return;
      if (steady_now_ms() - owner.last_frame_ms_.load() > 5000)
        return fail(gen, "no frame for 5 s");
      arm_watchdog(gen);
    });
  }

  void fail(uint64_t gen, const std::string& why) {
    if (gen != generation || stopping) return;
    ++generation;  // orphan the old connection's handlers
    beast::error_code ec;
    with_ws([&](auto& ws) { beast::get_lowest_layer(ws).socket().close(ec); });
    watchdog.cancel();
    if (connected && cb.on_connection) cb.on_connection(false, why);
    connected = false;
    ++owner.reconnects_;
    retry.expires_after(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(8000));
    retry.async_wait([this](beast::error_code e) {
      if (!e) connect();
    });
  }
};

KiteTicker::KiteTicker(const std::string& ws_url, std::vector<uint32_t> tokens,
                       std::function<std::pair<std::string, std::string>()> credentials,
                       TickerCallbacks callbacks)
    : impl_(std::make_unique<Impl>(*this, ws_url)) {
  impl_->tokens = std::move(tokens);
  impl_->credentials = std::move(credentials);
  impl_->cb = std::move(callbacks);
}

KiteTicker::~KiteTicker() {
  stop();
}

void KiteTicker::start() {
  asio::post(impl_->ioc, [this] { impl_->connect(); });
  impl_->thread = std::thread([this] {
    auto guard = asio::make_work_guard(impl_->ioc);
    impl_->ioc.run();
  });
}

void KiteTicker::stop() {
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

}  // namespace aitrapp::kite
