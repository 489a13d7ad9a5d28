#pragma once
// The control API every venue simulator serves beside its venue protocol (`venue-sim
// --control-port`): the exchange clock, stats, and the faults the drills inject. The routes that
// mean the same on every venue are answered here; a venue adds its own (Kite: /login,
// /faults/expire_token, /faults/band_jump) through `venue_routes`, tried first. Stateless; the
// hooks do the locking and must be thread-safe (the HTTP server calls from several threads).
//
//   GET  /clock  /stats
//   POST /faults/ws_drop?seconds=  /faults/refuse?seconds=  /faults/ack_delay?ms=
//        /faults/ws_drop_on_fill?seconds=&delay_ms=  /faults/lose_response
//        /faults/reject_limit  /faults/partial_fill?qty=  /faults/spread?factor=&seconds=
//        /faults/errors?status=&count=
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/calendar.hpp"
#include "core/result.hpp"
#include "core/scaled_clock.hpp"
#include "net/http_server.hpp"
#include "venue/sim/faults.hpp"

namespace aitrapp {

struct FaultControlHooks {
  std::function<nlohmann::json()> clock, stats;
  std::function<void(int64_t ms)> drop_websockets, refuse_connections;
  std::function<void(int64_t ms, int64_t delay_ms)> drop_websockets_after_fill;
  // Runs the change on the exchange's faults under the exchange's lock.
  std::function<void(const std::function<void(RequestFaults&)>&)> with_faults;
  // The venue's own routes; nullopt: not one of them.
  std::function<std::optional<net::HttpResponse>(const net::HttpRequest&)> venue_routes;
};

// Never throws for bad input: a missing or out-of-range parameter is a 400 naming it, an unknown
// route a 404 naming it. A hook left empty is a fault the venue does not simulate (yet): its
// route is a 404 that says so.
net::HttpResponse handle_fault_control(const FaultControlHooks& hooks, const net::HttpRequest& r);

// What GET /clock answers: the exchange time, the wall time it was read at and the speed, which
// is all a client needs to mirror the accelerated clock (run --kite-sim-clock reads it).
nlohmann::json clock_reply(const ScaledClock& clock, const TradingCalendar& calendar);

// A JSON reply for the control API.
net::HttpResponse control_reply(int status, nlohmann::json body);
// The query parameter `name` as an integer in [lo, hi]; the error names it, the range and what
// was sent.
Result<int64_t> int_param(const net::HttpRequest& r, const std::string& name, int64_t lo,
                          int64_t hi);

}  // namespace aitrapp
