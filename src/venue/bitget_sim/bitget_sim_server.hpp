#pragma once
// The Bitget simulator's network face: v2 REST, and the WebSocket streams at /v2/ws/public and
// /v2/ws/private, on one port (net::HttpServer, one thread: requests are answered in arrival
// order). What is Bitget's here: the streams' ops (login, subscribe, unsubscribe, text
// ping/pong), each subscriber's arg echoed on its pushes, the error events, and the rules that
// close a connection (no message for `idle_ms`, more than `max_messages_per_second` from the
// client, a failed login). Every call into the exchange holds `exchange_mutex`; the market data
// pump holds it too and hands the pushes it took to publish(). Thread-safe.
#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "venue/bitget_sim/bitget_exchange.hpp"

namespace aitrapp::bitget {

struct BitgetStreamRules {
  int64_t idle_ms = 120'000;  // Bitget closes a connection that sent nothing (not even ping)
  int max_messages_per_second = 10;
};

class BitgetSimServer {
 public:
  // Binds at once (throws std::runtime_error naming the address); port 0 picks a free port.
  BitgetSimServer(BitgetExchange& exchange, std::mutex& exchange_mutex, const Clock& clock,
                  const std::string& bind, uint16_t port, BitgetStreamRules rules = {});
  ~BitgetSimServer();
  BitgetSimServer(const BitgetSimServer&) = delete;
  BitgetSimServer& operator=(const BitgetSimServer&) = delete;

  uint16_t port() const;
  void start();
  void stop();  // idempotent

  // Sends each push to the connections subscribed to its channel (and contract).
  void publish(const std::vector<BitgetExchange::WsPush>& pushes);

  // Faults: close every stream connection and refuse upgrades for `ms`; the same, armed to
  // happen `delay_ms` after the next fill is pushed; close every connection, HTTP too, for
  // `ms`; hold back the book and ticker pushes for `ms` (a stale book: trades still print).
  void drop_websockets(int64_t ms);
  void drop_websockets_after_fill(int64_t ms, int64_t delay_ms);
  void refuse_connections(int64_t ms);
  void stale_book(int64_t ms);

  nlohmann::json stats() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace aitrapp::bitget
