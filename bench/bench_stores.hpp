#pragma once
// The stores the benchmarks write to, each fresh per repetition: none ("store off"), a SQLite
// file (WAL, synchronous FULL) or the PostgreSQL that `make bench` starts
// (AITRAPP_BENCH_DATABASE_URL). Not thread-safe.
#include <memory>
#include <string>

#include "store/store.hpp"

namespace aitrapp::bench {

enum class BenchStore { Off, Sqlite, Postgres };

// Deletes a SQLite store and its WAL files.
void remove_sqlite(const std::string& path);

// A fresh store of `kind`; SQLite uses `sqlite_path`. Null with `why` set when PostgreSQL is
// asked for and make bench has not provided one.
std::unique_ptr<Store> open_fresh_store(BenchStore kind, const std::string& sqlite_path,
                                        std::string& why);

}  // namespace aitrapp::bench
