#pragma once
// EventBus on Redis pub/sub. publish() only appends to a bounded in-memory buffer; a background
// thread sends the buffer with pipelined PUBLISH commands. While Redis is down the thread
// reconnects with backoff, trading goes on, and when the buffer is full the oldest events are
// dropped and counted; publishing resumes from the buffer when Redis is back.
// Thread-safe.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "net/redis_client.hpp"
#include "ops/event_bus.hpp"

namespace aitrapp::ops {

class RedisEventBus final : public EventBus {
 public:
  RedisEventBus(net::RedisEndpoint ep, size_t capacity = 10'000);
  ~RedisEventBus() override;  // publishes what it can within one op timeout, then stops

  void publish(const std::string& channel, std::string payload) override;
  BusStats stats() const override;

 private:
  void run();

  net::RedisEndpoint ep_;
  size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  struct Event {
    uint64_t seq;
    std::string channel, payload;
  };
  std::deque<Event> buffer_;
  uint64_t next_seq_ = 0;
  BusStats stats_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace aitrapp::ops
