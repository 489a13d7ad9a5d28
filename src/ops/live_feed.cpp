#include "ops/live_feed.hpp"

#include <algorithm>

namespace aitrapp::ops {
namespace {

using nlohmann::json;

std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The payload as JSON text: kept verbatim when it parses, else quoted.
std::string as_json(std::string payload) {
  if (json::accept(payload)) return payload;
  return dump(json(std::move(payload)));
}

}  // namespace

void LiveFeed::publish(const std::string& channel, std::string payload) {
  const std::string data = as_json(std::move(payload));
  std::lock_guard lk(mu_);
  const uint64_t seq = ++seq_;
  const std::string event = "{\"channel\":" + dump(json(channel)) +
                            ",\"seq\":" + std::to_string(seq) + ",\"data\":" + data + "}";
  auto& ring = recent_[channel];
  ring.push_back(event);
  if (ring.size() > recent_per_channel_) ring.pop_front();
  ++published_[channel];
  send_all("{\"type\":\"event\"," + event.substr(1));
}

void LiveFeed::publish_state(json state) {
  std::string text = dump(state);
  std::lock_guard lk(mu_);
  state_ = std::move(text);
  send_all("{\"type\":\"state\",\"seq\":" + std::to_string(seq_) + ",\"state\":" + state_ + "}");
}

void LiveFeed::attach(const std::shared_ptr<net::WsSession>& session) {
  std::lock_guard lk(mu_);
  std::string recent = "{";
  for (const char* channel : kBusChannels) {
    recent += std::string(recent.size() > 1 ? "," : "") + "\"" + channel + "\":[";
    const auto it = recent_.find(channel);
    if (it != recent_.end())
      for (size_t i = 0; i < it->second.size(); ++i) recent += (i ? "," : "") + it->second[i];
    recent += "]";
  }
  recent += "}";
  // Queued under the lock: no event can slip between the snapshot and the client's first event.
  if (!session->send("{\"type\":\"snapshot\",\"seq\":" + std::to_string(seq_) +
                     ",\"state\":" + state_ + ",\"recent\":" + recent + "}"))
    return;
  clients_.push_back(session);
}

void LiveFeed::send_all(const std::string& frame) {
  auto gone = [&](const std::weak_ptr<net::WsSession>& w) {
    auto s = w.lock();
    if (!s) return true;
    if (s->send(frame)) return false;
    ++dropped_;  // closed by the client or dropped for falling behind
    return true;
  };
  clients_.erase(std::remove_if(clients_.begin(), clients_.end(), gone), clients_.end());
}

BusStats LiveFeed::stats() const {
  std::lock_guard lk(mu_);
  BusStats s;
  s.connected = true;
  s.published = published_;
  s.dropped = dropped_;
  s.buffered = static_cast<int64_t>(clients_.size());
  return s;
}

size_t LiveFeed::clients() const {
  std::lock_guard lk(mu_);
  return clients_.size();
}

}  // namespace aitrapp::ops
