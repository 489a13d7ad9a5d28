#include "app/backends.hpp"

#include "app/env.hpp"
#include "ha/redis_leader_lock.hpp"
#include "ops/redis_event_bus.hpp"

namespace aitrapp {

BackendSettings BackendSettings::from_env(std::string db_path, std::string instance_id) {
  BackendSettings s;
  s.db_path = std::move(db_path);
  s.database_url = env_value("DATABASE_URL").value_or("");
  s.redis_url = env_value("REDIS_URL").value_or("");
  s.instance_id = instance_id.empty() ? default_instance_id() : std::move(instance_id);
  return s;
}

int startup_exit_status(const Error& e) {
  return e.code == ErrorCode::Unavailable ? 1 : 2;
}

Result<void> live_credentials() {
  const bool kite = env_value("KITE_API_KEY") && env_value("KITE_ACCESS_TOKEN");
  const bool bitget = env_value("BITGET_API_KEY") && env_value("BITGET_API_SECRET") &&
                      env_value("BITGET_PASSPHRASE");
  if (kite || bitget) return {};
  return Error{
      "no venue credentials (set KITE_API_KEY and KITE_ACCESS_TOKEN, or BITGET_API_KEY, "
      "BITGET_API_SECRET and BITGET_PASSPHRASE)"};
}

Store& Backends::store() {
  if (journaled) return *journaled;
  return *local;
}

store::SqlSession& Backends::records() {
  return pg ? pg->session() : local->session();
}

std::string Backends::describe() const {
  std::string out = pg ? "PostgreSQL " + store::redact_url(pg->pg().url()) + " (outage journal " +
                             local->path() + ".journal)"
                       : "SQLite " + local->path();
  if (bus) out += "; leader lease and event bus on Redis";  // both come with REDIS_URL
  return out;
}

Result<Backends> open_store_backends(const BackendSettings& s) {
  Backends b;
  try {
    if (!s.database_url.empty()) {
      b.pg = std::make_unique<store::PostgresStore>(s.database_url);
      b.journaled = std::make_unique<store::JournaledStore>(*b.pg, s.db_path + ".journal");
    }
    b.local = std::make_unique<store::SqliteStore>(s.db_path);
  } catch (const std::invalid_argument& e) {
    return Error{e.what()};
  } catch (const store::StoreUnavailable& e) {
    return Error{std::string("DATABASE_URL: ") + e.what(), ErrorCode::Unavailable};
  } catch (const std::exception& e) {
    return Error{e.what(), ErrorCode::Unavailable};
  }
  return b;
}

Result<Backends> open_backends(const BackendSettings& s) {
  auto opened = open_store_backends(s);
  if (!opened) return opened;
  Backends& b = opened.value();
  try {
    if (s.redis_url.empty()) {
      b.lock = std::make_unique<FileLeaderLock>(s.db_path + ".leader.lock", s.instance_id);
    } else {
      auto ep = net::parse_redis_url(s.redis_url);
      if (!ep) return ep.failure();
      b.lock = std::make_unique<ha::RedisLeaderLock>(ep.value(), s.instance_id, s.lease);
      b.bus = std::make_unique<ops::RedisEventBus>(ep.value());
    }
  } catch (const net::RedisAuthRefused& e) {
    return Error{e.what()};
  } catch (const net::RedisUnavailable& e) {
    return Error{std::string("REDIS_URL: ") + e.what(), ErrorCode::Unavailable};
  } catch (const std::exception& e) {
    return Error{e.what(), ErrorCode::Unavailable};
  }
  return opened;
}

}  // namespace aitrapp
