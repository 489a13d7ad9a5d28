#pragma once
// A WebSocket client that stays connected: ws:// or wss:// (TLS, peer verified), the upgrade
// built afresh at every connect (credentials may have been renewed), opening messages sent after
// each upgrade (venues do not restore subscriptions), and a reconnect with doubling backoff when
// the socket drops or stays silent too long. It runs its own thread; the callbacks are called on
// it, one at a time, and must be thread-safe towards their owner. Public methods are thread-safe.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aitrapp::net {

struct WsUpgrade {
  std::string query;  // appended to the URL's path after '?' when not empty
  std::vector<std::pair<std::string, std::string>> headers;
};

struct WsClientOptions {
  WsClientOptions(std::string u, std::string w) : url(std::move(u)), what(std::move(w)) {}
  std::string url;                          // ws:// or wss://
  std::string what;                         // where the URL came from (an option name), for errors
  std::chrono::milliseconds silence{5000};  // no frame for this long: the connection is dead
  std::chrono::milliseconds backoff_min{500}, backoff_max{8000};
  // A text message sent this often while connected (Bitget's "ping": a venue that closes a
  // connection its client has not written to for a while); empty: none.
  std::string keepalive_text;
  std::chrono::milliseconds keepalive_every{0};
};

struct WsCallbacks {
  std::function<WsUpgrade()> upgrade;                 // asked before every connect
  std::function<std::vector<std::string>()> on_open;  // text messages sent after the upgrade
  std::function<void(std::string_view frame, bool binary)> on_frame;
  std::function<void(bool connected, const std::string& why)> on_connection;
};

class WsClient {
 public:
  // Throws std::invalid_argument naming `what` when the URL is malformed. Nothing connects
  // before start().
  WsClient(WsClientOptions options, WsCallbacks callbacks);
  ~WsClient();  // stops
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  void start();
  void stop();  // idempotent; joins the thread
  // Drops the connection and connects again after the usual backoff, e.g. when what it carried
  // can no longer be trusted (a book whose checksum failed) and only a fresh subscription helps.
  void reconnect(const std::string& why);

  // steady_now_ms() of the last frame (0: none yet): an age to compare, never a timestamp.
  int64_t last_frame_ms() const { return last_frame_ms_.load(); }
  int64_t reconnects() const { return reconnects_.load(); }

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  std::atomic<int64_t> last_frame_ms_{0}, reconnects_{0};
};

}  // namespace aitrapp::net
