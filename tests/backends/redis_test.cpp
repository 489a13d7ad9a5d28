// The Redis leader lease and event bus against a real Redis 7 (with a password), including a
// server stopped and started under them.
#include <gtest/gtest.h>

#include <thread>

#include "ha/redis_leader_lock.hpp"
#include "ops/redis_event_bus.hpp"
#include "servers.hpp"

namespace aitrapp {
namespace {

using namespace std::chrono_literals;
using aitrapp::Leadership;

net::RedisEndpoint endpoint() {
  auto ep = net::parse_redis_url(test::server_env().at("REDIS_URL"));
  EXPECT_TRUE(ep.ok()) << ep.error();
  return ep.value();
}

template <class Pred>
bool eventually(Pred p, std::chrono::milliseconds limit = 5s) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (p()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return p();
}

const ha::LeaseParams kFast{1'000ms, 200ms, 300ms, 1'000ms};

TEST(RedisUrl, ParsesAndRefusesNamingTheSetting) {
  auto ep = net::parse_redis_url("redis://user:s3cret@10.0.0.5:6380/2");
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->host, "10.0.0.5");
  EXPECT_EQ(ep->port, 6380);
  EXPECT_EQ(ep->user, "user");
  EXPECT_EQ(ep->password, "s3cret");
  EXPECT_EQ(ep->db, 2);
  EXPECT_EQ(ep->redacted.find("s3cret"), std::string::npos);
  for (const char* bad :
       {"http://h", "redis://:pw@h:99999", "redis://h:6379/x", "redis://", "rediss://h"}) {
    auto e = net::parse_redis_url(bad);
    ASSERT_FALSE(e.ok()) << bad;
    EXPECT_NE(e.error().find("REDIS_URL"), std::string::npos) << e.error();
    EXPECT_EQ(e.error().find(":pw@"), std::string::npos) << e.error();
  }
}

TEST(Redis, RefusedCredentialsAreAConfigurationErrorNamingRedisUrl) {
  REQUIRE_TEST_SERVERS();
  auto ep = endpoint();
  ep.password = "wrong";
  try {
    net::RedisConnection c(ep, 500ms);
    FAIL() << "connected with a wrong password";
  } catch (const net::RedisAuthRefused& e) {
    EXPECT_NE(std::string(e.what()).find("REDIS_URL"), std::string::npos) << e.what();
  }
  ep.password.clear();
  EXPECT_THROW(net::RedisConnection(ep, 500ms), net::RedisAuthRefused);
}

TEST(RedisLease, ExactlyOneLeaderAndATakeoverWithAHigherToken) {
  REQUIRE_TEST_SERVERS();
  const std::string key = "aitrapp:test:lease1";
  auto a = std::make_unique<ha::RedisLeaderLock>(endpoint(), "a", kFast, key);
  ASSERT_TRUE(eventually([&] { return a->is_leader(); }));
  ha::RedisLeaderLock b(endpoint(), "b", kFast, key);
  std::this_thread::sleep_for(600ms);  // several refresh rounds of both
  EXPECT_TRUE(a->is_leader());
  EXPECT_EQ(b.leadership(), Leadership::Follower);
  const uint64_t first = a->fencing_token();
  EXPECT_GT(first, 0u);
  a.reset();  // the leader goes away
  ASSERT_TRUE(eventually([&] { return b.is_leader(); }, 3s));
  EXPECT_GT(b.fencing_token(), first);
}

TEST(RedisLease, LostWhenAnotherHoldsItAndLapsedThenRegainedAcrossAnOutage) {
  REQUIRE_TEST_SERVERS();
  const std::string key = "aitrapp:test:lease2";
  ha::RedisLeaderLock a(endpoint(), "a", kFast, key);
  ASSERT_TRUE(eventually([&] { return a.is_leader(); }));

  // Redis away for longer than the lease: LAPSED (exits only), never LOST.
  test::servers("redis-stop");
  EXPECT_TRUE(a.is_leader()) << "an outage shorter than the lease changes nothing";
  ASSERT_TRUE(eventually([&] { return a.leadership() == Leadership::Lapsed; }, 3s));
  test::servers("redis-start");
  ASSERT_TRUE(eventually([&] { return a.is_leader(); }, 3s));

  // Someone else holds the key: LOST, and the time lost grows.
  net::RedisConnection raw(endpoint(), 500ms);
  raw.command({"SET", key, "intruder", "PX", "5000"});
  ASSERT_TRUE(eventually([&] { return a.leadership() == Leadership::Lost; }, 3s));
  std::this_thread::sleep_for(100ms);
  EXPECT_GE(a.lost_for().count(), 100);
  raw.command({"DEL", key});
}

TEST(RedisBus, PublishesBuffersThroughAnOutageDropsTheOldestAndResumes) {
  REQUIRE_TEST_SERVERS();
  ops::RedisEventBus bus(endpoint(), 5);
  net::RedisConnection sub(endpoint(), 2'000ms);
  sub.command({"SUBSCRIBE", "orders"});
  bus.publish("orders", "{\"n\":1}");
  const net::RedisReply m = sub.read_reply();
  ASSERT_EQ(m.elements.size(), 3u);
  EXPECT_EQ(m.elements[1].str, "orders");
  EXPECT_EQ(m.elements[2].str, "{\"n\":1}");
  ASSERT_TRUE(eventually([&] { return bus.stats().published.at("orders") == 1; }));

  test::servers("redis-stop");
  for (int i = 0; i < 8; ++i) bus.publish("risk", std::to_string(i));
  ASSERT_TRUE(eventually([&] { return !bus.stats().connected; }));
  EXPECT_EQ(bus.stats().dropped, 3);  // capacity 5: the three oldest went
  EXPECT_EQ(bus.stats().buffered, 5);

  test::servers("redis-start");
  ASSERT_TRUE(eventually([&] { return bus.stats().published.at("risk") == 5; }, 5s));
  EXPECT_TRUE(bus.stats().connected);
  EXPECT_EQ(bus.stats().buffered, 0);
  net::RedisConnection sub2(endpoint(), 2'000ms);
  sub2.command({"SUBSCRIBE", "events"});
  bus.publish("events", "after");
  EXPECT_EQ(sub2.read_reply().elements.at(2).str, "after");
}

}  // namespace
}  // namespace aitrapp
