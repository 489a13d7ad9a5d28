#include "venue/bitget_sim/bitget_sim_server.hpp"

#include <atomic>
#include <list>

#include "core/rate_window.hpp"
#include "core/scaled_clock.hpp"
#include "net/http_server.hpp"
#include "venue/bitget/bitget_envelope.hpp"

namespace aitrapp::bitget {

using nlohmann::json;

namespace {

constexpr const char* kPublicPath = "/v2/ws/public";
constexpr const char* kPrivatePath = "/v2/ws/private";

std::string error_event(const WsError& e, const json& arg = nullptr) {
  json j = {{"event", "error"}, {"code", e.code}, {"msg", e.msg}};
  if (!arg.is_null()) j["arg"] = arg;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string text_of(const json& arg, const char* name) {
  const auto it = arg.find(name);
  return it != arg.end() && it->is_string() ? it->get<std::string>() : "";
}

bool same_arg(const json& a, const json& b) {
  return text_of(a, "channel") == text_of(b, "channel") &&
         upper(text_of(a, "instId")) == upper(text_of(b, "instId")) &&
         text_of(a, "coin") == text_of(b, "coin");
}

}  // namespace

struct BitgetSimServer::Impl {
  BitgetExchange& ex;
  std::mutex& mu;
  const Clock& clock;
  BitgetStreamRules rules;
  std::unique_ptr<net::HttpServer> http;

  struct Connection {
    std::weak_ptr<net::WsSession> ws;
    bool private_endpoint = false, logged_in = false;
    std::vector<json> subs;
    int64_t last_message_ms = 0;
    RateWindow inbound;
  };
  mutable std::mutex conn_mu;  // after `mu` when both are held
  std::list<Connection> conns;
  std::atomic<int64_t> refused_until{0}, stale_until{0};
  std::atomic<int64_t> drop_on_fill_ms{0}, drop_on_fill_delay_ms{0};
  std::atomic<int64_t> pushes_sent{0}, logins{0}, closed_idle{0}, closed_rate{0};
  std::atomic<bool> running{false};

  Impl(BitgetExchange& e, std::mutex& m, const Clock& c, BitgetStreamRules r)
      : ex(e), mu(m), clock(c), rules(r) {}

  Connection* find(net::WsSession& ws) {
    for (auto& c : conns)
      if (c.ws.lock().get() == &ws) return &c;
    return nullptr;
  }

  void on_message(net::WsSession& ws, std::string_view text);
  void handle_op(net::WsSession& ws, const json& msg);
  net::WsSession::Callbacks callbacks(bool private_endpoint);
  void close_all(int64_t refuse_ms, const std::string& why);
  void sweep();
};

net::WsSession::Callbacks BitgetSimServer::Impl::callbacks(bool private_endpoint) {
  net::WsSession::Callbacks cb;
  cb.on_open = [this, private_endpoint](net::WsSession& ws) {
    std::lock_guard lk(conn_mu);
    conns.push_back({ws.weak_from_this(),
                     private_endpoint,
                     false,
                     {},
                     steady_now_ms(),
                     RateWindow(rules.max_messages_per_second, 1000)});
  };
  cb.on_message = [this](net::WsSession& ws, std::string_view text, bool) { on_message(ws, text); };
  cb.on_close = [this](net::WsSession& ws, const std::string&) {
    std::lock_guard lk(conn_mu);
    conns.remove_if([&](const Connection& c) {
      auto s = c.ws.lock();
      return !s || s.get() == &ws;
    });
  };
  return cb;
}

void BitgetSimServer::Impl::on_message(net::WsSession& ws, std::string_view text) {
  {
    std::lock_guard lk(conn_mu);
    Connection* c = find(ws);
    if (!c) return;
    const int64_t now = steady_now_ms();
    c->last_message_ms = now;
    if (!c->inbound.allows(now)) {
      ++closed_rate;
      ws.send(
          error_event({kWsRateLimit, "more than " + std::to_string(rules.max_messages_per_second) +
                                         " messages per second"}),
          false);
      ws.close("too many messages");
      return;
    }
    c->inbound.record(now);
  }
  if (text == "ping") {
    ws.send("pong", false);
    return;
  }
  const json msg = json::parse(text, nullptr, false);
  if (msg.is_discarded() || !msg.is_object()) {
    ws.send(error_event({kWsIllegalRequest, "not a JSON object, nor ping"}), false);
    return;
  }
  handle_op(ws, msg);
}

void BitgetSimServer::Impl::handle_op(net::WsSession& ws, const json& msg) {
  const std::string op = text_of(msg, "op");
  const auto args = msg.find("args");
  if (op != "login" && op != "subscribe" && op != "unsubscribe")
    return (void)ws.send(error_event({kWsInvalidOp, "op \"" + op +
                                                        "\" (login, subscribe or "
                                                        "unsubscribe)"}),
                         false);
  if (args == msg.end() || !args->is_array() || args->empty())
    return (void)ws.send(error_event({kWsParameterError, "args is not a non-empty list"}), false);
  if (op == "login") {
    std::optional<WsError> refused;
    {
      std::lock_guard lock(mu);
      refused = ex.check_ws_login((*args)[0]);
    }
    if (refused) {
      ws.send(error_event(*refused), false);
      ws.close("login failed");
      return;
    }
    ++logins;
    std::lock_guard lk(conn_mu);
    if (Connection* c = find(ws)) c->logged_in = true;
    ws.send(json{{"event", "login"}, {"code", 0}, {"msg", ""}}.dump(), false);
    return;
  }
  for (const json& arg : *args) {
    const std::string channel = text_of(arg, "channel");
    const std::string inst =
        text_of(arg, "instId").empty() ? text_of(arg, "coin") : text_of(arg, "instId");
    if (!arg.is_object() || upper(text_of(arg, "instType")) != kUsdtFutures || inst.empty()) {
      ws.send(error_event({kWsParameterError,
                           "an arg needs instType USDT-FUTURES, channel and instId (or coin)"},
                          arg),
              false);
      continue;
    }
    if (op == "unsubscribe") {
      std::lock_guard lk(conn_mu);
      if (Connection* c = find(ws))
        std::erase_if(c->subs, [&](const json& s) { return same_arg(s, arg); });
      ws.send(json{{"event", "unsubscribe"}, {"arg", arg}}.dump(), false);
      continue;
    }
    const bool priv = BitgetExchange::is_private_channel(channel);
    // The snapshot is taken and the subscription added under the exchange's lock, so no push
    // falls between them (a push that follows a snapshot it is already in changes nothing).
    std::lock_guard lock(mu);
    std::lock_guard lk(conn_mu);
    Connection* c = find(ws);
    if (!c) return;
    if (priv && !c->private_endpoint) {
      ws.send(error_event(
                  {kWsChannelUnknown, "channel " + channel + " is served on " + kPrivatePath}, arg),
              false);
      continue;
    }
    if (priv && !c->logged_in) {
      ws.send(error_event({kWsNeedsLogin, "User needs to log in"}, arg), false);
      continue;
    }
    if (!priv && c->private_endpoint) {
      ws.send(error_event(
                  {kWsChannelUnknown, "channel " + channel + " is served on " + kPublicPath}, arg),
              false);
      continue;
    }
    auto first = ex.subscribe(channel, inst);
    if (const auto* e = std::get_if<WsError>(&first)) {
      ws.send(error_event(*e, arg), false);
      continue;
    }
    if (std::none_of(c->subs.begin(), c->subs.end(),
                     [&](const json& s) { return same_arg(s, arg); }))
      c->subs.push_back(arg);
    ws.send(json{{"event", "subscribe"}, {"arg", arg}}.dump(), false);
    if (const auto& push = std::get<std::optional<BitgetExchange::WsPush>>(first)) {
      ws.send(push->frame(arg, clock.now()), false);
      ++pushes_sent;
    }
  }
}

void BitgetSimServer::Impl::close_all(int64_t refuse_ms, const std::string& why) {
  refused_until = steady_now_ms() + refuse_ms;
  std::lock_guard lk(conn_mu);
  for (auto& c : conns)
    if (auto s = c.ws.lock()) s->close(why);
}

// Once a second: a connection that sent nothing for idle_ms is closed, as Bitget closes one.
void BitgetSimServer::Impl::sweep() {
  if (!running) return;
  const int64_t now = steady_now_ms();
  {
    std::lock_guard lk(conn_mu);
    for (auto& c : conns)
      if (now - c.last_message_ms > rules.idle_ms)
        if (auto s = c.ws.lock()) {
          ++closed_idle;
          s->close("no message for " + std::to_string(rules.idle_ms / 1000) + " s");
        }
  }
  http->post_after(std::min<int64_t>(1000, rules.idle_ms), [this] { sweep(); });
}

BitgetSimServer::BitgetSimServer(BitgetExchange& exchange, std::mutex& exchange_mutex,
                                 const Clock& clock, const std::string& bind, uint16_t port,
                                 BitgetStreamRules rules)
    : impl_(std::make_unique<Impl>(exchange, exchange_mutex, clock, rules)) {
  net::HttpServerOptions o;
  o.threads = 1;
  o.error_reply = [&clock](int status, const std::string& message) {
    net::HttpResponse res;
    res.status = status;
    res.body = error_body({ErrorKind::ParameterInvalid, std::to_string(status), message, status},
                          clock.now());
    return res;
  };
  for (const bool priv : {false, true}) {
    net::WsRoute route;
    route.admit = [this](const net::HttpRequest&) -> std::optional<net::HttpResponse> {
      if (steady_now_ms() >= impl_->refused_until.load()) return std::nullopt;
      net::HttpResponse res;
      res.status = 503;
      res.body = json{{"error", "the stream is down (a simulated drop)"}}.dump();
      return res;
    };
    route.callbacks = [this, priv](const net::HttpRequest&) { return impl_->callbacks(priv); };
    route.options.max_queued_frames = 1 << 16;
    route.options.max_queued_bytes = size_t{256} << 20;
    o.ws_routes.emplace(priv ? kPrivatePath : kPublicPath, std::move(route));
  }
  try {
    impl_->http = std::make_unique<net::HttpServer>(
        bind, port,
        [this](const net::HttpRequest& r) {
          net::HttpResponse res;
          std::vector<BitgetExchange::WsPush> pushes;
          {
            std::lock_guard lock(impl_->mu);
            res = impl_->ex.handle(r, steady_now_ms());
            pushes = impl_->ex.take_pushes();
          }
          publish(pushes);
          return res;
        },
        std::move(o));
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("venue-sim: ") + e.what());
  }
}

BitgetSimServer::~BitgetSimServer() {
  stop();
}

uint16_t BitgetSimServer::port() const {
  return impl_->http->port();
}

void BitgetSimServer::start() {
  impl_->running = true;
  impl_->http->start();
  impl_->http->post_after(0, [this] { impl_->sweep(); });
}

void BitgetSimServer::stop() {
  impl_->running = false;
  impl_->http->stop();
}

void BitgetSimServer::publish(const std::vector<BitgetExchange::WsPush>& pushes) {
  if (pushes.empty()) return;
  const bool stale = steady_now_ms() < impl_->stale_until.load();
  bool filled = false;
  {
    std::lock_guard lk(impl_->conn_mu);
    for (const auto& p : pushes) {
      filled = filled || p.channel == "fill";
      if (stale && (p.channel.starts_with("books") || p.channel == "ticker")) continue;
      for (auto& c : impl_->conns) {
        auto s = c.ws.lock();
        if (!s) continue;
        for (const json& arg : c.subs) {
          if (text_of(arg, "channel") != p.channel) continue;
          if (!p.symbol.empty() && upper(text_of(arg, "instId")) != p.symbol) continue;
          s->send(p.frame(arg, impl_->clock.now()), false);
          ++impl_->pushes_sent;
        }
      }
    }
  }
  if (!filled || impl_->drop_on_fill_ms.load() == 0) return;
  const int64_t ms = impl_->drop_on_fill_ms.exchange(0);
  if (ms == 0) return;
  impl_->http->post_after(impl_->drop_on_fill_delay_ms.load(), [this, ms] {
    impl_->close_all(ms, "dropped by the simulator after a fill");
  });
}

void BitgetSimServer::drop_websockets(int64_t ms) {
  impl_->close_all(ms, "dropped by the simulator");
}

void BitgetSimServer::drop_websockets_after_fill(int64_t ms, int64_t delay_ms) {
  impl_->drop_on_fill_delay_ms = delay_ms;
  impl_->drop_on_fill_ms = ms;
}

void BitgetSimServer::refuse_connections(int64_t ms) {
  impl_->http->refuse_connections(ms);
}

void BitgetSimServer::stale_book(int64_t ms) {
  impl_->stale_until = steady_now_ms() + ms;
}

json BitgetSimServer::stats() const {
  std::lock_guard lk(impl_->conn_mu);
  size_t logged_in = 0;
  for (const auto& c : impl_->conns) logged_in += c.logged_in ? 1 : 0;
  return {{"connections", impl_->conns.size()},       {"logged_in", logged_in},
          {"logins", impl_->logins.load()},           {"pushes_sent", impl_->pushes_sent.load()},
          {"closed_idle", impl_->closed_idle.load()}, {"closed_rate", impl_->closed_rate.load()}};
}

}  // namespace aitrapp::bitget
