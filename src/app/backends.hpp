#pragma once
// Wiring of the production backends from the environment: DATABASE_URL selects the PostgreSQL
// store (unset: the embedded SQLite file), REDIS_URL selects the Redis leader lease and event bus
// (unset: the file lock, no bus). Every setting is validated and every server reached before the
// engine starts; a failure names the setting and nothing trades.
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "core/result.hpp"
#include "ha/leader_lock.hpp"
#include "ha/redis_leader_lock.hpp"
#include "ops/event_bus.hpp"
#include "store/journaled_store.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace aitrapp {

struct BackendSettings {
  std::string db_path;       // the SQLite store, or with DATABASE_URL the local files' base
  std::string database_url;  // DATABASE_URL
  std::string redis_url;     // REDIS_URL
  std::string instance_id;
  ha::LeaseParams lease;
  static BackendSettings from_env(std::string db_path, std::string instance_id = {});
};

// Exit status for a startup failure: 1 for a server that cannot be reached (Unavailable), 2 for
// anything to fix first (a setting, credentials, a schema another build wrote).
int startup_exit_status(const Error& e);

struct Backends {
  std::unique_ptr<store::SqliteStore> local;  // embedded store, or the simulated venue's journal
  std::unique_ptr<store::PostgresStore> pg;
  std::unique_ptr<store::JournaledStore> journaled;
  std::unique_ptr<LeaderLock> lock;
  std::unique_ptr<ops::EventBus> bus;

  Store& store();                // what the engine writes to
  store::SqlSession& records();  // the system of record, for summaries and reconcile
  VenueJournal& venue_journal() { return *local; }
  std::string describe() const;  // one line for the operator
};

// Whether the environment holds a venue's credentials for LIVE (KITE_* or BITGET_*); the error
// (Invalid) names what to set.
Result<void> live_credentials();

// Opens the store only (migrate, verify, reconcile and the paper replay need no lock).
Result<Backends> open_store_backends(const BackendSettings& s);
// Store, leader lock and event bus, for the service.
Result<Backends> open_backends(const BackendSettings& s);

}  // namespace aitrapp
