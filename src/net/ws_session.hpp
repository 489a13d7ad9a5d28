#pragma once
// One accepted WebSocket connection, server side, for any server that speaks WebSocket (the
// operator API's live channels, the venue simulators' market data and order streams).
//
// Sending never waits for the client: frames go into a bounded queue, and a client whose queue
// would pass its bound is dropped (closed, with the reason given to on_close), so a slow reader
// costs its own connection and never the sender's time. An optional idle frame is written when
// nothing else was for a while (Kite's one-byte heartbeat).
//
// Threads: every socket operation runs on the socket's executor (a strand where the server runs
// several threads). send(), close() and the counters are safe from any thread; the callbacks are
// called on the executor, one at a time. The session keeps itself alive while its socket is open;
// holders keep a weak_ptr (a fan-out's list) or a shared_ptr, but none may outlive the server
// whose io_context owns the socket.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace aitrapp::net {

struct WsSessionOptions {
  size_t max_queued_frames = 1024;            // frames written but not yet taken by the client
  size_t max_queued_bytes = size_t{4} << 20;  // and their bytes; either bound drops the client
  std::chrono::milliseconds idle_after{0};    // 0: no idle frame
  std::string idle_frame;                     // written when nothing was for idle_after
  bool idle_binary = true;
  bool binary = false;  // the frame type of send(text) without an explicit one
};

class WsSession : public std::enable_shared_from_this<WsSession> {
 public:
  using OnMessage = std::function<void(WsSession&, std::string_view message, bool binary)>;
  using OnOpen = std::function<void(WsSession&)>;
  using OnClose = std::function<void(WsSession&, const std::string& why)>;
  struct Callbacks {
    OnOpen on_open;  // after the handshake, before any message is read
    OnMessage on_message;
    OnClose on_close;  // once, whatever closed it
  };

  // Completes the handshake for `request` (already read from `socket`) and starts reading.
  static std::shared_ptr<WsSession> accept(
      boost::asio::ip::tcp::socket socket,
      boost::beast::http::request<boost::beast::http::string_body> request,
      WsSessionOptions options, Callbacks callbacks);
  ~WsSession();
  WsSession(const WsSession&) = delete;
  WsSession& operator=(const WsSession&) = delete;

  // Queues one frame; false (and nothing queued) once the session is closed or dropped.
  bool send(std::string frame, bool binary);
  bool send(std::string frame) { return send(std::move(frame), options_.binary); }
  void close(const std::string& why = "closed by the server");

  bool open() const { return open_.load(); }
  // Frames queued and not yet written (an estimate from another thread).
  size_t queued() const { return queued_frames_.load(); }

  struct Impl;

 private:
  WsSession(WsSessionOptions options, Callbacks callbacks);
  // Executor side.
  void push(std::string frame, bool binary, bool counted);
  void uncount(size_t bytes);
  void write();
  void read();
  void beat();
  void shut(const std::string& why);

  WsSessionOptions options_;
  Callbacks callbacks_;
  std::unique_ptr<Impl> impl_;
  std::atomic<bool> open_{false};
  std::atomic<size_t> queued_frames_{0}, queued_bytes_{0};
};

}  // namespace aitrapp::net
