#pragma once
// EventBus port: where the engine's durable changes and log events are published for consumers
// outside the process (dashboards, audit). Channels: signals, decisions, orders, risk, events.
// Implementations are thread-safe and never block the caller on the network.
#include <map>
#include <string>

namespace aitrapp::ops {

struct BusStats {
  bool connected = false;
  int64_t dropped = 0;   // events pushed out of the full buffer while the bus was down
  int64_t buffered = 0;  // waiting to be published
  int64_t errors = 0;    // failed connections or publishes
  std::map<std::string, int64_t> published;  // by channel
};

class EventBus {
 public:
  virtual ~EventBus() = default;
  virtual void publish(const std::string& channel, std::string payload) = 0;
  virtual BusStats stats() const = 0;
};

// The bus channels, in a fixed order (every metric label exists from the start).
inline constexpr const char* kBusChannels[] = {"signals", "decisions", "orders", "risk", "events"};

}  // namespace aitrapp::ops
