#pragma once
// Messages between the engine and any venue adapter. Immutable values; copied across threads.
#include <cstdint>
#include <string>
#include <variant>

#include "core/decimal.hpp"
#include "core/time.hpp"
#include "core/types.hpp"

namespace aitrapp {

struct OrderSpec {
  std::string client_order_id;
  std::string symbol;
  Side side = Side::Buy;
  OrderType type = OrderType::Limit;
  Qty qty;
  Price limit;    // LIMIT and SL
  Price trigger;  // SL and SL-M
};

// Which queue a request waits in when calls are rate-limited, chosen by the engine and carried by
// the request, so that every throttle on its way (the engine's, an adapter's) agrees: exits,
// protection, cancels and queries go before entries.
enum class Lane { Exit, Entry };

struct PlaceRequest {
  OrderSpec spec;
  Lane lane = Lane::Exit;
};
struct CancelRequest {  // always in the exit lane: a cancel only ever takes risk off
  std::string client_order_id;
};
struct ModifyRequest {
  std::string client_order_id;
  Qty qty;  // new total quantity (filled + open)
  Price limit;
  Price trigger;
  Lane lane = Lane::Exit;
};
// Asks for an order's current state by client id (reconcile after a restart or an ack
// timeout). The venue answers with the ack, every fill so far and any terminal state, or with
// OrderUnknown; so a place request is only ever re-sent for an order the venue never saw.
struct QueryRequest {
  std::string client_order_id;
  uint64_t seq = 0;  // echoed by the answer, so a stale answer is never taken for the current one
  Lane lane = Lane::Exit;
};
using VenueRequest = std::variant<PlaceRequest, CancelRequest, ModifyRequest, QueryRequest>;
const std::string& request_client_id(const VenueRequest& r);
Lane lane_of(const VenueRequest& r);

struct OrderAcked {
  std::string client_order_id, venue_order_id;
};
struct OrderRejected {
  std::string client_order_id, reason;
  bool retryable = false;
  bool price_band = false;  // price outside the exchange's band: a market-quality signal
};
struct OrderFilled {
  std::string client_order_id, fill_id;
  Qty qty;
  Price price;
};
struct OrderCancelled {
  std::string client_order_id;
};
struct OrderModified {
  std::string client_order_id;
  Qty qty;
  Price limit, trigger;
};
// A cancel or modify the venue refused (e.g. the order is already filled).
struct RequestRefused {
  std::string client_order_id, reason;
};

struct OrderUnknown {
  std::string client_order_id;
  uint64_t seq = 0;
};
// The venue's authoritative view of an order, closing the answer to a QueryRequest.
struct OrderState {
  std::string client_order_id;
  Qty qty, filled;
  bool open = false;
  uint64_t seq = 0;
};

struct VenueEvent {
  using Body = std::variant<OrderAcked, OrderRejected, OrderFilled, OrderCancelled, OrderModified,
                            RequestRefused, OrderUnknown, OrderState>;
  TimeMs time = 0;
  Body body;
};
const std::string& event_client_id(const VenueEvent& e);

// The engine's outbound port to a venue. send() must not call back into the engine.
class VenuePort {
 public:
  virtual ~VenuePort() = default;
  virtual void send(const VenueRequest& request) = 0;
};

}  // namespace aitrapp
