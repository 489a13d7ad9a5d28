#pragma once
// A blocking Redis connection (hiredis) with timeouts, AUTH and SELECT from a redis:// URL.
// I/O failures throw RedisUnavailable; the caller reconnects. One thread; not thread-safe.
#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/result.hpp"

struct redisContext;

namespace aitrapp::net {

struct RedisEndpoint {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string user, password;
  int db = 0;
  std::string redacted;  // the URL with its password masked
};
// redis://[[user]:password@]host[:port][/db]; the error names REDIS_URL and hides the password.
Result<RedisEndpoint> parse_redis_url(const std::string& url);

class RedisUnavailable : public std::runtime_error {
  using std::runtime_error::runtime_error;
};
// The server answered but refused the credentials: a configuration error, not an outage.
class RedisAuthRefused : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct RedisReply {
  enum class Type { Nil, Integer, String, Status, Error, Array };
  Type type = Type::Nil;
  int64_t integer = 0;
  std::string str;
  std::vector<RedisReply> elements;
  bool ok_status() const { return type == Type::Status && str == "OK"; }
};

class RedisConnection {
 public:
  // Connects, authenticates and selects the database; throws RedisUnavailable or
  // RedisAuthRefused.
  RedisConnection(const RedisEndpoint& ep, std::chrono::milliseconds timeout);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  RedisReply command(const std::vector<std::string>& argv);
  // Sends all commands, then reads all replies (one round trip).
  std::vector<RedisReply> pipeline(const std::vector<std::vector<std::string>>& commands);
  // The next reply or pushed message (after SUBSCRIBE); throws RedisUnavailable on timeout.
  RedisReply read_reply();

 private:
  void handshake();  // AUTH, PING, SELECT
  RedisEndpoint ep_;
  redisContext* ctx_ = nullptr;
};

}  // namespace aitrapp::net
