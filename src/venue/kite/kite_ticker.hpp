#pragma once
// Kite WebSocket ticker client over net::WsClient: connects with ?api_key=&access_token=,
// subscribes its tokens in full mode, decodes binary frames, passes order updates on, and
// reconnects with backoff (0.5 s doubling to 8 s) when the socket drops or stays silent for 5 s
// (Kite sends a heartbeat every second or so), re-sending its subscriptions each time (Kite does
// not restore them). Runs its own thread; the callbacks are called on it and must be thread-safe
// towards their owner. Public methods are thread-safe.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "net/ws_client.hpp"
#include "venue/kite/kite_ticks.hpp"

namespace aitrapp::kite {

struct TickerCallbacks {
  std::function<void(const KiteTick&)> on_tick;
  std::function<void(const nlohmann::json&)> on_order_update;  // the "data" of type "order"
  std::function<void(bool connected, const std::string& why)> on_connection;
};

class KiteTicker {
 public:
  // `credentials` is asked at every (re)connect: the access token may have been refreshed.
  KiteTicker(const std::string& ws_url, std::vector<uint32_t> tokens,
             std::function<std::pair<std::string, std::string>()> credentials,
             TickerCallbacks callbacks);
  ~KiteTicker();
  void start();
  void stop();

  // steady_now_ms() of the last frame of any kind and of the last data frame (0: none yet); the
  // heartbeat's age, never a timestamp.
  int64_t last_frame_ms() const { return ws_->last_frame_ms(); }
  int64_t last_data_ms() const { return last_data_ms_.load(); }
  int64_t reconnects() const { return ws_->reconnects(); }
  int64_t decode_errors() const { return decode_errors_.load(); }

 private:
  void on_frame(std::string_view frame, bool binary);

  TickerCallbacks cb_;
  std::atomic<int64_t> last_data_ms_{0}, decode_errors_{0};
  std::unique_ptr<net::WsClient> ws_;
};

}  // namespace aitrapp::kite
