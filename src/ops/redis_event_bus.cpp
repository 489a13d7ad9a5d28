#include "ops/redis_event_bus.hpp"

#include <memory>

namespace aitrapp::ops {
namespace {
constexpr size_t kBatch = 256;
constexpr std::chrono::milliseconds kTimeout{500}, kFirstBackoff{100}, kMaxBackoff{2'000};
}  // namespace

RedisEventBus::RedisEventBus(net::RedisEndpoint ep, size_t capacity)
    : ep_(std::move(ep)), capacity_(capacity) {
  for (const char* c : kBusChannels) stats_.published[c] = 0;
  thread_ = std::thread([this] { run(); });
}

RedisEventBus::~RedisEventBus() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void RedisEventBus::publish(const std::string& channel, std::string payload) {
  {
    std::lock_guard lock(mu_);
    if (buffer_.size() >= capacity_) {
      buffer_.pop_front();
      ++stats_.dropped;
    }
    buffer_.push_back(Event{next_seq_++, channel, std::move(payload)});
  }
  cv_.notify_one();
}

BusStats RedisEventBus::stats() const {
  std::lock_guard lock(mu_);
  BusStats s = stats_;
  s.buffered = static_cast<int64_t>(buffer_.size());
  return s;
}

void RedisEventBus::run() {
  std::unique_ptr<net::RedisConnection> conn;
  auto backoff = kFirstBackoff;
  for (;;) {
    std::vector<std::vector<std::string>> batch;
    uint64_t last = 0;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stop_ || !buffer_.empty(); });
      if (buffer_.empty()) return;  // stopping with nothing left
      for (size_t i = 0; i < buffer_.size() && i < kBatch; ++i) {
        batch.push_back({"PUBLISH", buffer_[i].channel, buffer_[i].payload});
        last = buffer_[i].seq;
      }
    }
    try {
      if (!conn) conn = std::make_unique<net::RedisConnection>(ep_, kTimeout);
      conn->pipeline(batch);
      backoff = kFirstBackoff;
      std::lock_guard lock(mu_);
      stats_.connected = true;
      for (const auto& cmd : batch) ++stats_.published[cmd[1]];
      // Only what was sent leaves the buffer (some of it may have been dropped meanwhile).
      while (!buffer_.empty() && buffer_.front().seq <= last) buffer_.pop_front();
    } catch (const std::exception&) {
      conn.reset();
      std::unique_lock lock(mu_);
      stats_.connected = false;
      ++stats_.errors;
      if (stop_) return;  // Redis is away: what is buffered is lost with the process
      cv_.wait_for(lock, backoff, [&] { return stop_; });
      backoff = std::min(backoff * 2, kMaxBackoff);
    }
  }
}

}  // namespace aitrapp::ops
