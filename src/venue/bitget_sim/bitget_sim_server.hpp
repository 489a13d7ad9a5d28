#pragma once
// The Bitget simulator's network face: its REST routes on net::HttpServer with one thread (requests
// answered in arrival order), every call into the exchange under `exchange_mutex` (the market data
// pump holds it too), and the server's own refusals (a body or headers too large, a malformed
// request) in Bitget's envelope. Binds at once; throws std::runtime_error naming the address.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "net/http_server.hpp"
#include "venue/bitget_sim/bitget_exchange.hpp"

namespace aitrapp::bitget {

// `exchange`, `exchange_mutex` and `clock` must outlive the server; port 0 picks a free port.
std::unique_ptr<net::HttpServer> bitget_rest_server(BitgetExchange& exchange,
                                                    std::mutex& exchange_mutex, const Clock& clock,
                                                    const std::string& bind, uint16_t port);

}  // namespace aitrapp::bitget
