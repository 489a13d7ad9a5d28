#pragma once
// The Kite simulator's network face: Kite Connect REST and the WebSocket ticker on one port
// (the upgrade is at `/`, as on ws.kite.trade), on net::HttpServer with one thread, so requests
// are answered in arrival order. What is Kite's here is the routing into KiteExchange, the
// ticker's subscriptions and binary frames, and the error envelope; sockets, slow answers, lost
// answers and refused connections are the server's. Every call into the exchange holds
// `exchange_mutex`; the market data pump (another thread) holds it too. Broadcasts and fault
// controls are thread-safe.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "venue/kite/kite_ticks.hpp"
#include "venue/kite_sim/kite_exchange.hpp"

namespace aitrapp::kite {

class KiteSimServer {
 public:
  // Binds at once (throws std::runtime_error naming the address); port 0 picks a free port.
  KiteSimServer(KiteExchange& exchange, std::mutex& exchange_mutex, const std::string& bind,
                uint16_t port);
  ~KiteSimServer();
  KiteSimServer(const KiteSimServer&) = delete;
  KiteSimServer& operator=(const KiteSimServer&) = delete;

  uint16_t port() const;
  void start();
  void stop();  // idempotent

  // Market data as binary frames, each session getting its subscribed tokens in its modes.
  void broadcast_ticks(std::vector<KiteTick> ticks);
  // Text frames (order updates) to every ticker session.
  void broadcast_text(std::vector<std::string> messages);

  // Faults: close every ticker connection and refuse upgrades for `ms`; close the listening
  // socket and every connection for `ms` (clients see connection refused).
  void drop_websockets(int64_t ms);
  void refuse_connections(int64_t ms);
  // Arms drop_websockets(ms) for the next order update that reports an order COMPLETE: the
  // update is delivered and the connections are cut `delay_ms` later, while the client is
  // acting on the fill (placing a bracket's children after its entry filled).
  void drop_websockets_after_fill(int64_t ms, int64_t delay_ms);
  size_t ticker_sessions() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace aitrapp::kite
