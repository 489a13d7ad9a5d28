#pragma once
// The Bitget simulator's own control routes, beside the shared ones (venue/sim/fault_control.hpp):
//
//   POST /faults/settle_funding                       funding settles on every position now
//   POST /faults/funding_rate?symbol=&ppm=            the rate later settlements charge (1e-6)
//   POST /faults/mark?symbol=&bps=                    the mark price moves off the last price
//   POST /faults/contract?symbol=&<field>=<value>...  a contract's rules change
//   POST /faults/ui_order?symbol=&side=&size=[&price=] an order "from the exchange UI"
//   POST /faults/api_key?authorities=a,b,...&ips=     what the API key info reports
//   POST /faults/stale_book?seconds=                   book and ticker pushes held back
//   POST /faults/fee_rate?symbol=&maker=&taker=        the account's own fee rates
//   GET  /orders                                      every order the account held (for drills)
//
// Each answers 200 with what changed, or 400 naming the bad parameter (nothing changed). Takes
// the exchange's lock and publishes what the change pushed on the streams; thread-safe.
#include <mutex>
#include <optional>

#include "net/http_server.hpp"
#include "venue/bitget_sim/bitget_exchange.hpp"
#include "venue/bitget_sim/bitget_sim_server.hpp"

namespace aitrapp::bitget {

// nullopt: not one of these routes.
std::optional<net::HttpResponse> bitget_control_route(BitgetExchange& exchange,
                                                      std::mutex& exchange_mutex,
                                                      BitgetSimServer& server,
                                                      const net::HttpRequest& r);

}  // namespace aitrapp::bitget
