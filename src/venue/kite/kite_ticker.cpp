#include "venue/kite/kite_ticker.hpp"

#include "core/scaled_clock.hpp"
#include "net/form.hpp"
#include "venue/kite/kite_json.hpp"

namespace aitrapp::kite {

KiteTicker::KiteTicker(const std::string& ws_url, std::vector<uint32_t> tokens,
                       std::function<std::pair<std::string, std::string>()> credentials,
                       TickerCallbacks callbacks)
    : cb_(std::move(callbacks)) {
  net::WsCallbacks ws;
  ws.upgrade = [credentials = std::move(credentials)] {
    const auto [key, token] = credentials();
    return net::WsUpgrade{
        "api_key=" + net::url_encode(key) + "&access_token=" + net::url_encode(token),
        {{"X-Kite-Version", "3"}}};
  };
  ws.on_open = [tokens = std::move(tokens)] {
    const nlohmann::json ids = tokens;
    return std::vector<std::string>{nlohmann::json{{"a", "subscribe"}, {"v", ids}}.dump(),
                                    nlohmann::json{{"a", "mode"}, {"v", {"full", ids}}}.dump()};
  };
  ws.on_frame = [this](std::string_view frame, bool binary) { on_frame(frame, binary); };
  ws.on_connection = cb_.on_connection;
  ws_ = std::make_unique<net::WsClient>(net::WsClientOptions{ws_url, "--kite-ws"}, std::move(ws));
}

KiteTicker::~KiteTicker() {
  stop();
}

void KiteTicker::start() {
  ws_->start();
}

void KiteTicker::stop() {
  ws_->stop();
}

void KiteTicker::on_frame(std::string_view frame, bool binary) {
  if (!binary) {
    if (auto update = order_update_of(frame); update && cb_.on_order_update)
      cb_.on_order_update(*update);
    return;
  }
  if (frame.size() >= 2) last_data_ms_ = steady_now_ms();  // a 1-byte frame is the heartbeat
  auto n = decode_frame(frame, [&](const KiteTick& t) {
    if (cb_.on_tick) cb_.on_tick(t);
  });
  if (!n) ++decode_errors_;
}

}  // namespace aitrapp::kite
