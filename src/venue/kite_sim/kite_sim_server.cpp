#include "venue/kite_sim/kite_sim_server.hpp"

#include <algorithm>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <charconv>
#include <chrono>
#include <deque>
#include <list>
#include <map>
#include <thread>

#include "core/scaled_clock.hpp"
#include "core/text.hpp"
#include "net/ws_session.hpp"

namespace aitrapp::kite {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using nlohmann::json;

class TickerSession;
class RestSession;

struct KiteSimServer::Impl {
  Impl(KiteExchange& ex, std::mutex& mu, const std::string& bind, uint16_t port)
      : ex(ex), mu(mu), acceptor(ioc) {
    endpoint = tcp::endpoint(asio::ip::make_address(bind), port);
    open_acceptor();
    endpoint.port(acceptor.local_endpoint().port());
  }
  void open_acceptor() {
    beast::error_code ec;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
      throw std::runtime_error("venue-sim: cannot listen on " + endpoint.address().to_string() +
                               ":" + std::to_string(endpoint.port()) + ": " + ec.message());
  }
  void accept();
  void close_all(bool tickers_only);

  KiteExchange& ex;
  std::mutex& mu;
  asio::io_context ioc{1};
  tcp::acceptor acceptor;
  tcp::endpoint endpoint;
  std::thread thread;
  bool accepting = false;
  // io-thread state
  std::list<std::shared_ptr<TickerSession>> tickers;  // open ones; each leaves when it closes
  std::list<std::weak_ptr<RestSession>> rests;
  int64_t ws_refused_until = 0;
  std::unique_ptr<asio::steady_timer> reopen;
  // An armed drop (drop_websockets_after_fill): how long to refuse, and how long after the
  // COMPLETE update was queued to cut the connections.
  int64_t drop_on_fill_ms = 0, drop_on_fill_delay_ms = 0;
  std::unique_ptr<asio::steady_timer> drop_timer;
  void drop_tickers(int64_t ms) {
    ws_refused_until = steady_now_ms() + ms;
    close_all(true);
  }
  // Order updates to every ticker session (io thread), from the pump and from REST answers.
  void deliver_updates(const std::vector<std::string>& updates);
  std::atomic<size_t> ticker_count{0};
};

// ---------------------------------------------------------------------------------------------
// The ticker protocol over one WebSocket connection (the connection itself is net::WsSession)

class TickerSession : public std::enable_shared_from_this<TickerSession> {
 public:
  explicit TickerSession(KiteSimServer::Impl& srv) : srv_(srv) {}

  void run(tcp::socket socket, http::request<http::string_body> req) {
    net::WsSessionOptions o;
    // Kite sends a 1-byte heartbeat when there is nothing else to send.
    o.idle_after = std::chrono::seconds(1);
    o.idle_frame = std::string(1, '\0');
    o.idle_binary = true;
    // Generous: the simulator's clients are tests reading as fast as they can; a bound still
    // keeps a stuck one from growing the simulator without end.
    o.max_queued_frames = 1 << 16;
    o.max_queued_bytes = size_t{256} << 20;
    std::weak_ptr<TickerSession> weak = shared_from_this();
    net::WsSession::Callbacks cb;
    cb.on_open = [weak](net::WsSession&) {
      if (auto self = weak.lock()) {
        self->counted_ = true;
        ++self->srv_.ticker_count;
      }
    };
    cb.on_message = [weak](net::WsSession&, std::string_view text, bool) {
      if (auto self = weak.lock()) self->on_message(std::string(text));
    };
    cb.on_close = [weak](net::WsSession&, const std::string&) {
      auto self = weak.lock();
      if (!self) return;
      if (self->counted_) --self->srv_.ticker_count;
      self->counted_ = false;
      self->srv_.tickers.remove(self);
    };
    ws_ = net::WsSession::accept(std::move(socket), std::move(req), std::move(o), std::move(cb));
  }

  void send_ticks(const std::shared_ptr<const std::vector<KiteTick>>& ticks) {
    if (!ws_ || !ws_->open()) return;
    std::string packets;
    size_t n = 0;
    for (const KiteTick& t : *ticks) {
      auto it = subs_.find(t.token);
      if (it == subs_.end()) continue;
      append_packet(packets, t, it->second);
      ++n;
    }
    if (n > 0) ws_->send(make_frame(n, packets), true);
  }
  void send_text(const std::string& msg) {
    if (ws_) ws_->send(msg, false);
  }
  void kill() {
    if (ws_) ws_->close("dropped by the simulator");
  }

 private:
  void on_message(const std::string& text) {
    // {"a":"subscribe","v":[tokens]} / {"a":"unsubscribe","v":[...]} / {"a":"mode","v":[m,[...]]}
    if (!valid_utf8(text)) return error("message is not UTF-8 text: " + quote_bytes(text, 16));
    try {
      const json m = json::parse(text);
      const std::string a = m.at("a").get<std::string>();
      if (a == "subscribe" || a == "unsubscribe") {
        std::vector<uint32_t> tokens;
        for (const auto& t : m.at("v")) {
          const auto token = instrument_token(t);
          if (!token) return error("'" + a + "': " + token.error());
          tokens.push_back(*token);
        }
        for (uint32_t t : tokens)
          if (a == "subscribe")
            subs_.try_emplace(t, TickMode::Quote);
          else
            subs_.erase(t);
      } else if (a == "mode") {
        auto mode = parse_tick_mode(m.at("v").at(0).get<std::string>());
        if (!mode) return error(mode.error());
        for (const auto& t : m.at("v").at(1)) {
          const auto token = instrument_token(t);
          if (!token) return error("'mode': " + token.error());
          auto it = subs_.find(*token);
          if (it != subs_.end()) it->second = mode.value();
        }
      } else {
        error("unknown action " + quote_bytes(a));
      }
    } catch (const std::exception& e) {
      error(std::string("malformed message: ") + e.what());
    }
  }

  // A token as a JSON number or, as the official clients' instrument lists hold them, a string
  // of digits.
  static Result<uint32_t> instrument_token(const json& t) {
    if (t.is_number_unsigned() && t.get<uint64_t>() <= UINT32_MAX) return t.get<uint32_t>();
    if (t.is_string()) {
      const std::string& s = t.get_ref<const std::string&>();
      uint32_t v = 0;
      const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec == std::errc{} && end == s.data() + s.size() && !s.empty()) return v;
    }
    return Error{"instrument token " +
                 quote_bytes(t.dump(-1, ' ', false, json::error_handler_t::replace)) +
                 " is not an unsigned 32-bit integer"};
  }

  void error(const std::string& message) {
    send_text(json{{"type", "error"}, {"data", message}}.dump(-1, ' ', false,
                                                              json::error_handler_t::replace));
  }

  KiteSimServer::Impl& srv_;
  std::shared_ptr<net::WsSession> ws_;  // io thread only
  std::map<uint32_t, TickMode> subs_;   // not restored after a reconnect, as on Kite
  bool counted_ = false;
};

// ---------------------------------------------------------------------------------------------
// REST session (and the upgrade to the ticker)

class RestSession : public std::enable_shared_from_this<RestSession> {
 public:
  RestSession(tcp::socket s, KiteSimServer::Impl& srv)
      : stream_(std::move(s)), srv_(srv), delay_(stream_.get_executor()) {}
  void run() { read(); }
  void kill() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(1 << 20);
    stream_.expires_after(std::chrono::seconds(60));
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::body_limit || ec == http::error::header_limit) {
      // Answered as Kite's front end would, then closed: the rest of the request is unread.
      reply_and_close(ec == http::error::body_limit
                          ? error_reply(413, "InputException", "Request body too large")
                          : error_reply(431, "InputException", "Request header fields too large"));
      return;
    }
    if (ec) return kill();
    auto req = parser_->release();
    if (websocket::is_upgrade(req)) return upgrade(std::move(req));
    SimRequest r;
    r.method = std::string(req.method_string());
    const std::string target(req.target());
    const size_t q = target.find('?');
    r.path = target.substr(0, q);
    r.authorization = std::string(req[http::field::authorization]);
    r.wall_ms = steady_now_ms();
    SimReply reply;
    auto query = net::parse_form(q == std::string::npos ? "" : target.substr(q + 1));
    auto form = net::parse_form(r.method == "POST" || r.method == "PUT" ? req.body() : "");
    const auto version = req["X-Kite-Version"];
    if (!query || !form) {
      reply = error_reply(400, "InputException", !query ? query.error() : form.error());
    } else if (!version.empty() && version != "3") {
      reply =
          error_reply(400, "InputException",
                      "Unsupported X-Kite-Version '" + std::string(version) + "' (3 is served)");
    } else {
      r.query = std::move(query.value());
      r.form = std::move(form.value());
      std::vector<std::string> updates;
      try {
        std::lock_guard lock(srv_.mu);
        reply = srv_.ex.handle(r);
        updates = srv_.ex.take_order_updates();
      } catch (const std::exception& e) {  // a defect here must not take the venue down
        reply = error_reply(500, "GeneralException", std::string("internal error: ") + e.what());
      }
      if (!updates.empty()) srv_.deliver_updates(updates);
    }
    if (reply.drop) return kill();  // accepted, but the answer is lost on the way
    res_.emplace();
    res_->result(static_cast<http::status>(reply.status));
    res_->version(req.version());
    res_->set(http::field::content_type, reply.content_type);
    if (!reply.content_encoding.empty())
      res_->set(http::field::content_encoding, reply.content_encoding);
    res_->keep_alive(req.keep_alive());
    res_->body() = std::move(reply.body);
    res_->prepare_payload();
    if (reply.delay_ms > 0) {
      delay_.expires_after(std::chrono::milliseconds(reply.delay_ms));
      delay_.async_wait([self = shared_from_this()](beast::error_code) { self->write(); });
    } else {
      write();
    }
  }

  void reply_and_close(SimReply reply) {
    res_.emplace();
    res_->result(static_cast<http::status>(reply.status));
    res_->set(http::field::content_type, reply.content_type);
    res_->keep_alive(false);
    res_->body() = std::move(reply.body);
    res_->prepare_payload();
    write();
  }

  void write() {
    http::async_write(stream_, *res_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec || !self->res_->keep_alive()) return self->kill();
      self->read();
    });
  }

  void upgrade(http::request<http::string_body> req) {
    const std::string target(req.target());
    const size_t mark = target.find('?');
    const auto q = net::parse_form(mark == std::string::npos ? "" : target.substr(mark + 1));
    bool ok = false;
    if (q) {
      std::lock_guard lock(srv_.mu);
      ok = srv_.ex.ws_authorized(q->get("api_key").value_or(""),
                                 q->get("access_token").value_or(""));
    }
    if (steady_now_ms() < srv_.ws_refused_until || !ok) {
      // Kite's behaviour on a bad token at the upgrade is undocumented: answer 403 like REST.
      res_.emplace();
      res_->result(ok ? http::status::service_unavailable : http::status::forbidden);
      res_->set(http::field::content_type, "application/json");
      res_->body() =
          ok ? error_reply(503, "NetworkException", "ticker unavailable").body
             : error_reply(403, "TokenException", "Incorrect `api_key` or `access_token`.").body;
      res_->keep_alive(false);
      res_->prepare_payload();
      return write();
    }
    stream_.expires_never();
    auto t = std::make_shared<TickerSession>(srv_);
    srv_.tickers.push_back(t);
    t->run(stream_.release_socket(), std::move(req));
  }

  beast::tcp_stream stream_;
  KiteSimServer::Impl& srv_;
  asio::steady_timer delay_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> res_;
};

void KiteSimServer::Impl::accept() {
  acceptor.async_accept([this](beast::error_code ec, tcp::socket s) {
    if (ec) return;  // closed (stop or refuse fault)
    auto r = std::make_shared<RestSession>(std::move(s), *this);
    rests.remove_if([](const auto& w) { return w.expired(); });
    rests.push_back(r);
    r->run();
    accept();
  });
}

void KiteSimServer::Impl::close_all(bool tickers_only) {
  for (auto& t : tickers) t->kill();
  if (tickers_only) return;
  for (auto& w : rests)
    if (auto r = w.lock()) r->kill();
}

// ---------------------------------------------------------------------------------------------

KiteSimServer::KiteSimServer(KiteExchange& exchange, std::mutex& mu, const std::string& bind,
                             uint16_t port)
    : impl_(std::make_unique<Impl>(exchange, mu, bind, port)) {}

KiteSimServer::~KiteSimServer() {
  stop();
}

uint16_t KiteSimServer::port() const {
  return impl_->endpoint.port();
}

void KiteSimServer::start() {
  impl_->accept();
  impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

void KiteSimServer::stop() {
  if (!impl_->thread.joinable()) return;
  asio::post(impl_->ioc, [this] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
    impl_->close_all(false);
    impl_->ioc.stop();
  });
  impl_->thread.join();
}

void KiteSimServer::broadcast_ticks(std::vector<KiteTick> ticks) {
  auto shared = std::make_shared<const std::vector<KiteTick>>(std::move(ticks));
  asio::post(impl_->ioc, [this, shared] {
    for (auto& t : impl_->tickers) t->send_ticks(shared);
  });
}

void KiteSimServer::broadcast_text(std::vector<std::string> messages) {
  if (messages.empty()) return;
  asio::post(impl_->ioc, [this, m = std::move(messages)] { impl_->deliver_updates(m); });
}

void KiteSimServer::Impl::deliver_updates(const std::vector<std::string>& updates) {
  for (auto& t : tickers)
    for (const auto& u : updates) t->send_text(u);
  // The updates are serialised by KiteExchange (nlohmann's compact dump), so the status
  // appears in exactly this form.
  const bool complete = std::any_of(updates.begin(), updates.end(), [](const std::string& u) {
    return u.find("\"status\":\"COMPLETE\"") != std::string::npos;
  });
  if (drop_on_fill_ms == 0 || !complete) return;
  const int64_t ms = std::exchange(drop_on_fill_ms, 0);
  drop_timer = std::make_unique<asio::steady_timer>(ioc);
  drop_timer->expires_after(std::chrono::milliseconds(drop_on_fill_delay_ms));
  drop_timer->async_wait([this, ms](beast::error_code e) {
    if (!e) drop_tickers(ms);
  });
}

void KiteSimServer::drop_websockets(int64_t ms) {
  asio::post(impl_->ioc, [this, ms] { impl_->drop_tickers(ms); });
}

void KiteSimServer::drop_websockets_after_fill(int64_t ms, int64_t delay_ms) {
  asio::post(impl_->ioc, [this, ms, delay_ms] {
    impl_->drop_on_fill_ms = ms;
    impl_->drop_on_fill_delay_ms = delay_ms;
  });
}

void KiteSimServer::refuse_connections(int64_t ms) {
  asio::post(impl_->ioc, [this, ms] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
    impl_->close_all(false);
    impl_->reopen = std::make_unique<asio::steady_timer>(impl_->ioc);
    impl_->reopen->expires_after(std::chrono::milliseconds(ms));
    impl_->reopen->async_wait([this](beast::error_code e) {
      if (e) return;
      impl_->acceptor = tcp::acceptor(impl_->ioc);
      impl_->open_acceptor();
      impl_->accept();
    });
  });
}

size_t KiteSimServer::ticker_sessions() const {
  return impl_->ticker_count.load();
}

}  // namespace aitrapp::kite
