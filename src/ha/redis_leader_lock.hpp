#pragma once
// Production leader lock: a lease in Redis taken with SET NX PX and kept alive by a background
// thread well inside its TTL. Every acquisition gets a fencing token from INCR, which the
// PostgreSQL store checks in every write transaction. Timings (LeaseParams):
//   - the leader refreshes every `refresh` (2 s) a lease of `ttl` (10 s); a follower tries to take
//     it at the same pace, so a takeover after a leader dies takes at most ttl + refresh;
//   - Redis unreachable for less than the lease: nothing changes (the lease is still ours);
//   - longer: the lease is LAPSED, counted from the last successful refresh; entries pause and
//     exits continue, until a refresh or a re-acquisition succeeds;
//   - another instance holds the lease: LOST; the service stops sending at once and exits after
//     `lost_exit_after` (10 s), leaving venue-side protection for the next leader.
// Thread-safe: the keeper thread writes the state, any thread reads it.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "ha/leader_lock.hpp"
#include "net/redis_client.hpp"

namespace aitrapp::ha {

struct LeaseParams {
  std::chrono::milliseconds ttl{10'000}, refresh{2'000}, op_timeout{500}, lost_exit_after{10'000};
};

class RedisLeaderLock final : public LeaderLock {
 public:
  // Connects once to validate the URL and credentials (throws RedisUnavailable or
  // RedisAuthRefused), then starts the keeper thread.
  RedisLeaderLock(net::RedisEndpoint ep, std::string instance_id, LeaseParams params = {},
                  std::string key = "aitrapp:leader");
  ~RedisLeaderLock() override;  // stops the keeper and releases a lease still held

  bool try_acquire() override { return is_leader(); }
  Leadership leadership() const override;
  const std::string& instance_id() const override { return instance_id_; }
  uint64_t fencing_token() const override { return token_.load(); }
  std::string holder() const override;
  // How long leadership has been lost (zero unless LOST).
  std::chrono::milliseconds lost_for() const;

 private:
  using Clock = std::chrono::steady_clock;
  void keep();
  void tick(net::RedisConnection& c);
  bool acquire(net::RedisConnection& c, Clock::time_point sent);

  net::RedisEndpoint ep_;
  std::string instance_id_, key_, fence_key_, value_;
  LeaseParams params_;
  std::atomic<uint64_t> token_{0};
  std::atomic<Clock::rep> valid_until_{0};  // steady-clock ticks; 0: no lease
  std::atomic<Clock::rep> lost_since_{0};   // 0: not lost
  std::atomic<bool> ever_led_{false};
  mutable std::mutex mu_;  // guards stop_ and holder_
  std::condition_variable cv_;
  std::string holder_;  // the lease's holder as last read by the keeper
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace aitrapp::ha
