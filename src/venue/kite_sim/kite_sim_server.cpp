#include "venue/kite_sim/kite_sim_server.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <list>
#include <map>

#include "core/scaled_clock.hpp"
#include "core/text.hpp"
#include "net/form.hpp"
#include "net/http_server.hpp"
#include "net/ws_session.hpp"

namespace aitrapp::kite {
using nlohmann::json;

namespace {

// A token as a JSON number or, as the official clients' instrument lists hold them, a string of
// digits.
Result<uint32_t> instrument_token(const json& t) {
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

// The ticker protocol on one WebSocket connection: subscriptions and modes, not restored after
// a reconnect, as on Kite.
class Ticker {
 public:
  // {"a":"subscribe","v":[tokens]} / {"a":"unsubscribe","v":[...]} / {"a":"mode","v":[m,[...]]};
  // an error message for the client, or empty.
  std::string on_message(const std::string& text) {
    if (!valid_utf8(text)) return "message is not UTF-8 text: " + quote_bytes(text, 16);
    try {
      const json m = json::parse(text);
      const std::string a = m.at("a").get<std::string>();
      if (a == "subscribe" || a == "unsubscribe") {
        std::vector<uint32_t> tokens;
        for (const auto& t : m.at("v")) {
          const auto token = instrument_token(t);
          if (!token) return "'" + a + "': " + token.error();
          tokens.push_back(*token);
        }
        for (uint32_t t : tokens)
          if (a == "subscribe")
            subs_.try_emplace(t, TickMode::Quote);
          else
            subs_.erase(t);
      } else if (a == "mode") {
        auto mode = parse_tick_mode(m.at("v").at(0).get<std::string>());
        if (!mode) return mode.error();
        for (const auto& t : m.at("v").at(1)) {
          const auto token = instrument_token(t);
          if (!token) return "'mode': " + token.error();
          auto it = subs_.find(*token);
          if (it != subs_.end()) it->second = mode.value();
        }
      } else {
        return "unknown action " + quote_bytes(a);
      }
    } catch (const std::exception& e) {
      return std::string("malformed message: ") + e.what();
    }
    return {};
  }
  // One binary frame with the subscribed tokens in their modes, or empty.
  std::string frame(const std::vector<KiteTick>& ticks) const {
    std::string packets;
    size_t n = 0;
    for (const KiteTick& t : ticks) {
      auto it = subs_.find(t.token);
      if (it == subs_.end()) continue;
      append_packet(packets, t, it->second);
      ++n;
    }
    return n > 0 ? make_frame(n, packets) : std::string();
  }

 private:
  std::map<uint32_t, TickMode> subs_;
};

std::string error_message(const std::string& message) {
  return json{{"type", "error"}, {"data", message}}.dump(-1, ' ', false,
                                                         json::error_handler_t::replace);
}

}  // namespace

struct KiteSimServer::Impl {
  KiteExchange& ex;
  std::mutex& mu;
  std::unique_ptr<net::HttpServer> http;

  // Open ticker connections and their subscriptions, from the pump, REST answers and the
  // connections' own messages (any thread).
  struct Connection {
    std::weak_ptr<net::WsSession> ws;
    Ticker ticker;
  };
  std::mutex tickers_mu;
  std::list<Connection> tickers;
  std::atomic<size_t> ticker_count{0};
  std::atomic<int64_t> ws_refused_until{0};
  // An armed drop (drop_websockets_after_fill): how long to refuse, and how long after the
  // COMPLETE update was queued to cut the connections.
  std::atomic<int64_t> drop_on_fill_ms{0}, drop_on_fill_delay_ms{0};

  Impl(KiteExchange& e, std::mutex& m) : ex(e), mu(m) {}

  net::HttpResponse handle(const net::HttpRequest& req);
  std::optional<net::HttpResponse> admit(const net::HttpRequest& req);
  net::WsSession::Callbacks ticker_callbacks();
  void drop_tickers(int64_t ms, const std::string& why);
  // Order updates to every ticker connection, from the pump and from REST answers.
  void deliver_updates(const std::vector<std::string>& updates);
};

net::HttpResponse KiteSimServer::Impl::handle(const net::HttpRequest& req) {
  SimRequest r;
  r.method = req.method;
  r.path = req.path;
  r.authorization = req.authorization;
  r.wall_ms = steady_now_ms();
  auto query = net::parse_form(req.raw_query);
  auto form = net::parse_form(r.method == "POST" || r.method == "PUT" ? req.body : "");
  const std::string version = req.header("X-Kite-Version");
  if (!query || !form)
    return error_reply(400, "InputException", !query ? query.error() : form.error());
  if (!version.empty() && version != "3")
    return error_reply(400, "InputException",
                       "Unsupported X-Kite-Version '" + version + "' (3 is served)");
  r.query = std::move(query.value());
  r.form = std::move(form.value());
  SimReply reply;
  std::vector<std::string> updates;
  try {
    std::lock_guard lock(mu);
    reply = ex.handle(r);
    updates = ex.take_order_updates();
  } catch (const std::exception& e) {  // a defect here must not take the venue down
    reply = error_reply(500, "GeneralException", std::string("internal error: ") + e.what());
  }
  if (!updates.empty()) deliver_updates(updates);
  return reply;
}

// The ticker's upgrade (at `/`, as on ws.kite.trade) carries api_key and access_token in its
// query. Kite's behaviour on a bad token there is undocumented: answered 403 like REST.
std::optional<net::HttpResponse> KiteSimServer::Impl::admit(const net::HttpRequest& req) {
  const auto q = net::parse_form(req.raw_query);
  bool ok = false;
  if (q) {
    std::lock_guard lock(mu);
    ok = ex.ws_authorized(q->get("api_key").value_or(""), q->get("access_token").value_or(""));
  }
  if (!ok) return error_reply(403, "TokenException", "Incorrect `api_key` or `access_token`.");
  if (steady_now_ms() < ws_refused_until.load())
    return error_reply(503, "NetworkException", "ticker unavailable");
  return std::nullopt;
}

net::WsSession::Callbacks KiteSimServer::Impl::ticker_callbacks() {
  net::WsSession::Callbacks cb;
  cb.on_open = [this](net::WsSession& ws) {
    std::lock_guard lk(tickers_mu);
    tickers.push_back({ws.weak_from_this(), {}});
    ++ticker_count;
  };
  cb.on_message = [this](net::WsSession& ws, std::string_view text, bool) {
    std::string error;
    {
      std::lock_guard lk(tickers_mu);
      for (auto& c : tickers)
        if (c.ws.lock().get() == &ws) error = c.ticker.on_message(std::string(text));
    }
    if (!error.empty()) ws.send(error_message(error), false);
  };
  cb.on_close = [this](net::WsSession& ws, const std::string&) {
    std::lock_guard lk(tickers_mu);
    const size_t before = tickers.size();
    tickers.remove_if([&](const Connection& c) {
      auto s = c.ws.lock();
      return !s || s.get() == &ws;
    });
    ticker_count -= before - tickers.size();
  };
  return cb;
}

void KiteSimServer::Impl::drop_tickers(int64_t ms, const std::string& why) {
  ws_refused_until = steady_now_ms() + ms;
  std::lock_guard lk(tickers_mu);
  for (auto& c : tickers)
    if (auto s = c.ws.lock()) s->close(why);
}

void KiteSimServer::Impl::deliver_updates(const std::vector<std::string>& updates) {
  {
    std::lock_guard lk(tickers_mu);
    for (auto& c : tickers)
      if (auto s = c.ws.lock())
        for (const auto& u : updates) s->send(u, false);
  }
  // The updates are serialised by KiteExchange (nlohmann's compact dump), so the status
  // appears in exactly this form.
  const bool complete = std::any_of(updates.begin(), updates.end(), [](const std::string& u) {
    return u.find("\"status\":\"COMPLETE\"") != std::string::npos;
  });
  if (!complete || drop_on_fill_ms.load() == 0) return;
  const int64_t ms = drop_on_fill_ms.exchange(0);
  if (ms == 0) return;
  http->post_after(drop_on_fill_delay_ms.load(),
                   [this, ms] { drop_tickers(ms, "dropped by the simulator after a fill"); });
}

// ---------------------------------------------------------------------------------------------

KiteSimServer::KiteSimServer(KiteExchange& exchange, std::mutex& mu, const std::string& bind,
                             uint16_t port)
    : impl_(std::make_unique<Impl>(exchange, mu)) {
  net::HttpServerOptions o;
  o.threads = 1;  // requests answered in arrival order, as the exchange model expects
  o.max_body_bytes = 1 << 20;
  o.read_timeout = std::chrono::seconds(60);
  // Answered as Kite's front end would.
  o.error_reply = [](int status, const std::string& message) {
    if (status == 413) return error_reply(413, "InputException", "Request body too large");
    if (status == 431) return error_reply(431, "InputException", "Request header fields too large");
    return error_reply(status, status >= 500 ? "GeneralException" : "InputException", message);
  };
  net::WsRoute ticker;
  ticker.admit = [this](const net::HttpRequest& r) { return impl_->admit(r); };
  ticker.callbacks = [this](const net::HttpRequest&) { return impl_->ticker_callbacks(); };
  // Kite sends a 1-byte heartbeat when there is nothing else to send.
  ticker.options.idle_after = std::chrono::seconds(1);
  ticker.options.idle_frame = std::string(1, '\0');
  ticker.options.idle_binary = true;
  // Generous: the simulator's clients are tests reading as fast as they can; a bound still
  // keeps a stuck one from growing the simulator without end.
  ticker.options.max_queued_frames = 1 << 16;
  ticker.options.max_queued_bytes = size_t{256} << 20;
  o.ws_routes.emplace("/", std::move(ticker));
  try {
    impl_->http = std::make_unique<net::HttpServer>(
        bind, port, [this](const net::HttpRequest& r) { return impl_->handle(r); }, std::move(o));
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("venue-sim: ") + e.what());
  }
}

KiteSimServer::~KiteSimServer() {
  stop();
}

uint16_t KiteSimServer::port() const {
  return impl_->http->port();
}

void KiteSimServer::start() {
  impl_->http->start();
}

void KiteSimServer::stop() {
  impl_->http->stop();
}

void KiteSimServer::broadcast_ticks(std::vector<KiteTick> ticks) {
  std::lock_guard lk(impl_->tickers_mu);
  for (auto& c : impl_->tickers) {
    auto s = c.ws.lock();
    if (!s) continue;
    std::string frame = c.ticker.frame(ticks);
    if (!frame.empty()) s->send(std::move(frame), true);
  }
}

void KiteSimServer::broadcast_text(std::vector<std::string> messages) {
  if (!messages.empty()) impl_->deliver_updates(messages);
}

void KiteSimServer::drop_websockets(int64_t ms) {
  impl_->drop_tickers(ms, "dropped by the simulator");
}

void KiteSimServer::drop_websockets_after_fill(int64_t ms, int64_t delay_ms) {
  impl_->drop_on_fill_delay_ms = delay_ms;
  impl_->drop_on_fill_ms = ms;
}

void KiteSimServer::refuse_connections(int64_t ms) {
  impl_->http->refuse_connections(ms);
}

size_t KiteSimServer::ticker_sessions() const {
  return impl_->ticker_count.load();
}

}  // namespace aitrapp::kite
