#pragma once
// A ControlPort that records the commands reaching it and answers from a fixed snapshot: the
// operator API's tests and its fuzz target drive the real ControlApi without an engine behind
// it. Thread-safe (commands are recorded under a lock). Header-only.
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <vector>

#include "ops/control.hpp"

namespace aitrapp::support {

using ops::Command;
using ops::CommandOutcome;
using ops::ServiceSnapshot;

// Records the commands that reach it; answers from a fixed snapshot.
class RecordingPort final : public ops::ControlPort {
 public:
  RecordingPort() {
    auto s = std::make_shared<ServiceSnapshot>();
    s->instance_id = "test:1";
    s->leader = s->recovered = true;
    s->trading_state = "ACTIVE";
    s->risk = {{"state", "ACTIVE"}};
    s->positions = nlohmann::json::array();
    s->orders = nlohmann::json::array({{{"client_order_id", "A"}}, {{"client_order_id", "B"}}});
    s->signals = nlohmann::json::array();
    s->stats.kill_switch["manual"] = 2;
    snap_ = s;
  }
  std::shared_ptr<const ServiceSnapshot> snapshot() const override { return snap_; }
  CommandOutcome execute(const Command& c) override {
    std::lock_guard lock(mu_);
    commands.push_back(c);
    return {200, {{"ok", true}}};
  }
  nlohmann::json recent_events(size_t limit) const override {
    return nlohmann::json::array({{{"limit", limit}}});
  }
  std::vector<Command> commands;

 private:
  std::mutex mu_;
  std::shared_ptr<const ServiceSnapshot> snap_;
};

}  // namespace aitrapp::support
