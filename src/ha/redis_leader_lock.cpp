#include "ha/redis_leader_lock.hpp"

#include <memory>

#include "core/hex.hpp"

namespace aitrapp::ha {
namespace {

// SET NX PX, and a fencing token only for the instance that got the lease.
constexpr const char* kAcquire =
    "if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then "
    "return redis.call('INCR', KEYS[2]) end return 0";
// Extends the lease only if it is still ours.
constexpr const char* kRefresh =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then "
    "return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0";
constexpr const char* kRelease =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

std::string nonce() {
  const auto n = random_hex(8);
  if (!n) throw std::runtime_error("cannot draw a lease nonce");
  return *n;
}

int64_t script_int(const net::RedisReply& r) {
  if (r.type == net::RedisReply::Type::Error)
    throw net::RedisUnavailable("Redis script failed: " + r.str);
  return r.type == net::RedisReply::Type::Integer ? r.integer : 0;
}

}  // namespace

RedisLeaderLock::RedisLeaderLock(net::RedisEndpoint ep, std::string instance_id, LeaseParams params,
                                 std::string key)
    : ep_(std::move(ep)),
      instance_id_(std::move(instance_id)),
      key_(std::move(key)),
      fence_key_(key_ + ":fence"),
      value_(instance_id_ + "#" + nonce()),
      params_(params) {
  net::RedisConnection probe(ep_,
                             params_.op_timeout);  // bad URL, auth or no server: fail at startup
  thread_ = std::thread([this] { keep(); });
}

RedisLeaderLock::~RedisLeaderLock() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Leadership RedisLeaderLock::leadership() const {
  const auto now = Clock::now().time_since_epoch().count();
  if (valid_until_.load() > now) return Leadership::Leader;
  if (lost_since_.load() != 0) return Leadership::Lost;
  return ever_led_.load() ? Leadership::Lapsed : Leadership::Follower;
}

std::string RedisLeaderLock::holder() const {
  std::lock_guard lock(mu_);
  return holder_;
}

std::chrono::milliseconds RedisLeaderLock::lost_for() const {
  const auto since = lost_since_.load();
  if (since == 0) return std::chrono::milliseconds{0};
  return std::chrono::duration_cast<std::chrono::milliseconds>(
      Clock::now() - Clock::time_point(Clock::duration(since)));
}

bool RedisLeaderLock::acquire(net::RedisConnection& c, Clock::time_point sent) {
  const int64_t token = script_int(c.command(
      {"EVAL", kAcquire, "2", key_, fence_key_, value_, std::to_string(params_.ttl.count())}));
  if (token <= 0) return false;
  token_.store(static_cast<uint64_t>(token));
  valid_until_.store((sent + params_.ttl).time_since_epoch().count());
  lost_since_.store(0);
  ever_led_.store(true);
  return true;
}

void RedisLeaderLock::tick(net::RedisConnection& c) {
  // The lease is counted from the moment the request left, never from its answer.
  const auto sent = Clock::now();
  if (ever_led_.load() && lost_since_.load() == 0) {
    if (script_int(c.command(
            {"EVAL", kRefresh, "1", key_, value_, std::to_string(params_.ttl.count())})) == 1) {
      valid_until_.store((sent + params_.ttl).time_since_epoch().count());
      return;
    }
  }
  if (acquire(c, sent)) {
    std::lock_guard lock(mu_);
    holder_ = instance_id_;
    return;
  }
  valid_until_.store(0);
  {  // the lease value is "<instance id>#<nonce>"
    const net::RedisReply who = c.command({"GET", key_});
    std::string id = who.type == net::RedisReply::Type::String ? who.str : "";
    id = id.substr(0, id.rfind('#'));
    std::lock_guard lock(mu_);
    holder_ = std::move(id);
  }
  if (ever_led_.load() && lost_since_.load() == 0)  // someone else holds it now
    lost_since_.store(Clock::now().time_since_epoch().count());
}

void RedisLeaderLock::keep() {
  std::unique_ptr<net::RedisConnection> conn;
  for (;;) {
    try {
      if (!conn) conn = std::make_unique<net::RedisConnection>(ep_, params_.op_timeout);
      tick(*conn);
    } catch (const std::exception&) {  // outage: the lease runs out on its own clock
      conn.reset();
    }
    std::unique_lock lock(mu_);
    if (cv_.wait_for(lock, params_.refresh, [&] { return stop_; })) break;
  }
  if (!conn || valid_until_.load() == 0) return;
  try {  // a clean shutdown hands over at once instead of after the TTL
    conn->command({"EVAL", kRelease, "1", key_, value_});
  } catch (const std::exception&) {
  }
}

}  // namespace aitrapp::ha
