#pragma once
// Store decorator: once a batch is durable, its signals, decisions, orders, fills and risk events
// go to the event bus (consumers never see an event the store could lose). Used from the engine
// thread; the bus is thread-safe.
#include "core/calendar.hpp"
#include "ops/event_bus.hpp"
#include "store/store.hpp"

namespace aitrapp::ops {

class PublishingStore final : public Store {
 public:
  PublishingStore(Store& inner, EventBus& bus, const TradingCalendar& cal)
      : inner_(inner), bus_(bus), cal_(cal) {}
  void write(const WriteBatch& batch) override;
  RecoveredState recover(const std::string& day) override { return inner_.recover(day); }
  StoreHealth health() const override { return inner_.health(); }
  bool degraded() const override { return inner_.degraded(); }

 private:
  Store& inner_;
  EventBus& bus_;
  const TradingCalendar& cal_;
};

}  // namespace aitrapp::ops
