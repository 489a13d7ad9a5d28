#include "net/redis_client.hpp"

#include <hiredis/hiredis.h>

#include <charconv>

namespace aitrapp::net {
namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
  return timeval{static_cast<time_t>(ms.count() / 1000),
                 static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

RedisReply convert(const redisReply* r) {
  RedisReply out;
  switch (r->type) {
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::Integer;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
      out.type = r->type == REDIS_REPLY_STRING   ? RedisReply::Type::String
                 : r->type == REDIS_REPLY_STATUS ? RedisReply::Type::Status
                                                 : RedisReply::Type::Error;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::Array;
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(convert(r->element[i]));
      break;
    default:
      break;
  }
  return out;
}

bool parse_int(const std::string& s, int& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

Result<RedisEndpoint> parse_redis_url(const std::string& url) {
  RedisEndpoint ep;
  const std::string scheme = "redis://";
  if (url.rfind("rediss://", 0) == 0)
    return Error{"REDIS_URL: rediss:// (TLS) is not supported; use redis:// on a trusted network"};
  if (url.rfind(scheme, 0) != 0) return Error{"REDIS_URL must be a redis:// URL"};
  std::string rest = url.substr(scheme.size());
  ep.redacted = url;
  if (const auto at = rest.rfind('@'); at != std::string::npos) {
    const std::string cred = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const auto colon = cred.find(':');
    if (colon == std::string::npos) {
      ep.password = cred;  // redis://secret@host, as redis-cli accepts
    } else {
      ep.user = cred.substr(0, colon);
      ep.password = cred.substr(colon + 1);
    }
    ep.redacted = scheme + (ep.user.empty() ? "" : ep.user + ":") + "***@" + rest;
  }
  std::string hostport = rest, db;
  if (const auto slash = rest.find('/'); slash != std::string::npos) {
    hostport = rest.substr(0, slash);
    db = rest.substr(slash + 1);
  }
  if (const auto colon = hostport.rfind(':'); colon != std::string::npos) {
    ep.host = hostport.substr(0, colon);
    if (!parse_int(hostport.substr(colon + 1), ep.port) || ep.port < 1 || ep.port > 65535)
      return Error{"REDIS_URL has an invalid port in '" + ep.redacted + "'"};
  } else {
    ep.host = hostport;
  }
  if (ep.host.empty()) return Error{"REDIS_URL has no host in '" + ep.redacted + "'"};
  if (!db.empty() && (!parse_int(db, ep.db) || ep.db < 0))
    return Error{"REDIS_URL has an invalid database number '" + db + "' in '" + ep.redacted + "'"};
  return ep;
}

RedisConnection::RedisConnection(const RedisEndpoint& ep, std::chrono::milliseconds timeout)
    : ep_(ep) {
  ctx_ = redisConnectWithTimeout(ep.host.c_str(), ep.port, to_timeval(timeout));
  if (!ctx_ || ctx_->err) {
    const std::string why = ctx_ ? ctx_->errstr : "out of memory";
    if (ctx_) redisFree(ctx_);
    ctx_ = nullptr;
    throw RedisUnavailable("Redis at " + ep.redacted + " is unreachable: " + why);
  }
  redisSetTimeout(ctx_, to_timeval(timeout));
  try {
    handshake();
  } catch (...) {  // a throwing constructor runs no destructor
    redisFree(ctx_);
    ctx_ = nullptr;
    throw;
  }
}

void RedisConnection::handshake() {
  const RedisEndpoint& ep = ep_;
  if (!ep.password.empty()) {
    std::vector<std::string> auth{"AUTH"};
    if (!ep.user.empty()) auth.push_back(ep.user);
    auth.push_back(ep.password);
    const RedisReply r = command(auth);
    if (r.type == RedisReply::Type::Error)
      throw RedisAuthRefused("REDIS_URL: Redis at " + ep.redacted +
                             " refused the credentials: " + r.str);
  }
  const RedisReply ping = command({"PING"});
  if (ping.type == RedisReply::Type::Error) {
    if (ping.str.rfind("NOAUTH", 0) == 0)
      throw RedisAuthRefused("REDIS_URL: Redis at " + ep.redacted +
                             " requires a password and the URL has none");
    throw RedisUnavailable("Redis at " + ep.redacted + " answered PING with: " + ping.str);
  }
  if (ep.db != 0) {
    const RedisReply sel = command({"SELECT", std::to_string(ep.db)});
    if (sel.type == RedisReply::Type::Error)
      throw RedisAuthRefused("REDIS_URL: Redis at " + ep.redacted + " refused SELECT " +
                             std::to_string(ep.db) + ": " + sel.str);
  }
}

RedisConnection::~RedisConnection() {
  if (ctx_) redisFree(ctx_);
}

RedisReply RedisConnection::read_reply() {
  void* raw = nullptr;
  if (redisGetReply(ctx_, &raw) != REDIS_OK || !raw)
    throw RedisUnavailable("Redis at " + ep_.redacted + ": " + ctx_->errstr);
  auto* r = static_cast<redisReply*>(raw);
  RedisReply out = convert(r);
  freeReplyObject(r);
  return out;
}

RedisReply RedisConnection::command(const std::vector<std::string>& argv) {
  return pipeline({argv}).front();
}

std::vector<RedisReply> RedisConnection::pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  if (ctx_->err) throw RedisUnavailable("Redis at " + ep_.redacted + ": " + ctx_->errstr);
  for (const auto& argv : commands) {
    std::vector<const char*> args;
    std::vector<size_t> lens;
    for (const auto& a : argv) {
      args.push_back(a.data());
      lens.push_back(a.size());
    }
    if (redisAppendCommandArgv(ctx_, static_cast<int>(args.size()), args.data(), lens.data()) !=
        REDIS_OK)
      throw RedisUnavailable("Redis at " + ep_.redacted + ": " + ctx_->errstr);
  }
  std::vector<RedisReply> out;
  out.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) out.push_back(read_reply());
  return out;
}

}  // namespace aitrapp::net
