#pragma once
// The in-process fan-out of the bus channels (signals, decisions, orders, risk, events) and of
// the engine's state to the operator's live connections (the dashboard's /ws). The payloads are
// the Redis bus's, so a dashboard reads the same records either way, and it needs no Redis.
//
// Every frame is one JSON object. On attach a client gets
//   {"type":"snapshot","seq":N,"state":{...},"recent":{"signals":[...],...}}
// with the newest events of each channel (each {"channel","seq","data"}) up to seq N, then every
// later event as {"type":"event","channel":"orders","seq":N+1,"data":{...}} and every state as
// {"type":"state","seq":N,"state":{...}}, in publication order, with no gap and no repeat.
//
// publish() never waits for a client: each one has the bounded queue of its net::WsSession and
// is dropped when it falls behind. Thread-safe (one mutex, held only to sequence and queue).
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "net/ws_session.hpp"
#include "ops/event_bus.hpp"

namespace aitrapp::ops {

class LiveFeed final : public EventBus {
 public:
  explicit LiveFeed(size_t recent_per_channel = 100) : recent_per_channel_(recent_per_channel) {}

  // `payload` is the channel's JSON text (as for the Redis bus); a payload that is not JSON is
  // sent as a JSON string rather than breaking every client's parser.
  void publish(const std::string& channel, std::string payload) override;
  // connected: always; published: by channel; dropped: clients gone (closed, or dropped for
  // falling behind); buffered: clients connected now.
  BusStats stats() const override;

  // The engine's state (the dashboard's positions, heat, P&L, risk, mode, heartbeats): kept as
  // the newest and sent to every client.
  void publish_state(nlohmann::json state);

  // Sends `session` its snapshot and registers it for what follows. The feed holds it weakly:
  // a closed session leaves at the next publish.
  void attach(const std::shared_ptr<net::WsSession>& session);
  size_t clients() const;

 private:
  void send_all(const std::string& frame);  // under mu_

  size_t recent_per_channel_;
  mutable std::mutex mu_;
  uint64_t seq_ = 0;
  std::map<std::string, std::deque<std::string>> recent_;  // channel -> event objects (JSON)
  std::string state_ = "{}";
  std::vector<std::weak_ptr<net::WsSession>> clients_;
  std::map<std::string, int64_t> published_;
  int64_t dropped_ = 0;
};

// Publishes to each bus in turn (the Redis bus and the live feed); stats() are the first's.
class TeeBus final : public EventBus {
 public:
  explicit TeeBus(std::vector<EventBus*> buses) : buses_(std::move(buses)) {}
  void publish(const std::string& channel, std::string payload) override {
    for (size_t i = 0; i + 1 < buses_.size(); ++i) buses_[i]->publish(channel, payload);
    if (!buses_.empty()) buses_.back()->publish(channel, std::move(payload));
  }
  BusStats stats() const override { return buses_.empty() ? BusStats{} : buses_[0]->stats(); }

 private:
  std::vector<EventBus*> buses_;
};

}  // namespace aitrapp::ops
