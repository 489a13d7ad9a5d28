#include "app/admin_commands.hpp"

#include <algorithm>
#include <fstream>

#include <date/tz.h>

#include <filesystem>
#include <iostream>
#include <memory>

#include "app/backends.hpp"
#include "app/config.hpp"
#include "app/env.hpp"
#include "app/kite_instrument_map.hpp"
#include "core/text.hpp"
#include "report/burnin.hpp"
#include "report/idempotency.hpp"
#include "report/reconcile.hpp"
#include "report/trading_days.hpp"
#include "store/migrator.hpp"

namespace aitrapp {
namespace {

// The last line of a list of checks, and the exit status it means.
int verdict(std::ostream& out, int failed) {
  out << (failed ? std::to_string(failed) + " check(s) failed\n" : "all checks passed\n");
  return failed ? 1 : 0;
}

// A session on the configured backend without migrating or checking it.
std::unique_ptr<store::SqlSession> raw_session(const BackendSettings& s) {
  if (!s.database_url.empty()) return std::make_unique<store::PgSession>(s.database_url);
  return std::make_unique<store::SqliteSession>(s.db_path);
}

std::string where(const BackendSettings& s) {
  return s.database_url.empty() ? "SQLite " + s.db_path
                                : "PostgreSQL " + store::redact_url(s.database_url);
}

bool unique_client_order_id(store::SqlSession& db) {
  if (db.backend() == "postgresql")
    return db.scalar(
               "SELECT COUNT(*) FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
               "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(i.indkey) "
               "WHERE t.relname = 'orders' AND t.relnamespace = to_regnamespace(current_schema()) "
               "AND i.indisunique AND i.indnatts = 1 AND a.attname = 'client_order_id'") > 0;
  return db.scalar(
             "SELECT COUNT(*) FROM pragma_index_list('orders') il "
             "JOIN pragma_index_info(il.name) ii WHERE il.\"unique\" = 1 AND ii.name = "
             "'client_order_id' AND (SELECT COUNT(*) FROM pragma_index_info(il.name)) = 1") > 0;
}

// Durable commits: a committed order row must survive a crash before its request is sent. The
// store's settings that decide it, or what is wrong with them (Invalid), with the settings.
Result<std::string> durable_commit_settings(store::SqlSession& db) {
  const auto problem = [](const std::string& why, const std::string& settings) {
    return Error{why + " (" + settings + ")"};
  };
  if (db.backend() == "postgresql") {
    const std::string fsync = db.text_scalar("SELECT current_setting('fsync')");
    const std::string sync = db.text_scalar("SELECT current_setting('synchronous_commit')");
    const std::string fpw = db.text_scalar("SELECT current_setting('full_page_writes')");
    const std::string settings =
        "fsync=" + fsync + ", synchronous_commit=" + sync + ", full_page_writes=" + fpw;
    if (fsync != "on")
      return problem("fsync is off: committed rows can be lost in a crash", settings);
    if (sync == "off")
      return problem("synchronous_commit is off: a commit can return before it is on disk",
                     settings);
    if (fpw != "on") return problem("full_page_writes is off: torn pages after a crash", settings);
    return settings;
  }
  const std::string mode = db.text_scalar("PRAGMA journal_mode");
  const int64_t sync = db.scalar("PRAGMA synchronous");
  const std::string settings =
      "journal_mode=" + mode + ", synchronous=" + std::to_string(sync) + " (2 = FULL)";
  if (mode != "wal") return problem("journal_mode is " + mode + ", not wal", settings);
  if (sync < 2) return problem("synchronous is below FULL", settings);
  return settings;
}

}  // namespace

int run_migrate(const AdminOptions& opts, std::ostream& out, std::ostream& err) {
  const auto s = BackendSettings::from_env(opts.db);
  try {
    auto db = raw_session(s);
    const auto applied = store::migrate(*db);
    const auto st = store::schema_status(*db);
    if (applied.empty())
      out << where(s) << ": already at head (" << st.applied.size() << " migrations)\n";
    else
      out << where(s) << ": applied " << join(applied) << "; now at head (" << st.applied.size()
          << " migrations)\n";
    return 0;
  } catch (const std::invalid_argument& e) {  // a malformed DATABASE_URL
    err << "error: " << e.what() << "\n";
    return 2;
  } catch (const store::StoreUnavailable& e) {
    err << "error: DATABASE_URL: " << e.what() << "\n";
  } catch (const std::exception& e) {
    err << "error: " << e.what() << "\n";
  }
  return 1;
}

int run_verify(const AdminOptions& opts, std::ostream& out, std::ostream&) {
  int failed = 0;
  auto report = [&](bool ok, const std::string& name, const std::string& detail) {
    out << (ok ? "OK    " : "FAIL  ") << name << ": " << detail << "\n";
    if (!ok) ++failed;
  };
  const auto s = BackendSettings::from_env(opts.db);

  auto cfg = load_app_config(opts.config_path);
  report(cfg.ok(), "config", cfg.ok() ? "valid, config_sha " + cfg->config_sha : cfg.error());
  if (cfg.ok()) {
    try {
      const auto* zone = date::locate_zone(cfg->engine.timezone);
      const auto info = zone->get_info(std::chrono::system_clock::now());
      report(true, "timezone",
             cfg->engine.timezone + " (UTC offset " +
                 std::to_string(
                     std::chrono::duration_cast<std::chrono::minutes>(info.offset).count()) +
                 " min), from the configuration, not the process TZ");
    } catch (const std::exception& e) {
      report(false, "timezone",
             "'" + cfg->engine.timezone + "' not in the tz database: " + e.what());
    }
  } else {
    report(false, "timezone", "no valid configuration to read app.timezone from");
  }

  std::unique_ptr<store::SqlSession> db;
  if (s.database_url.empty() && !std::filesystem::exists(s.db_path)) {
    report(false, "store",
           "SQLite file " + s.db_path + " does not exist (run `aitrapp migrate --db " + s.db_path +
               "`)");
  } else {
    try {
      db = raw_session(s);
      report(true, "store", where(s) + " reachable");
    } catch (const std::exception& e) {
      report(false, "store", e.what());
    }
  }
  if (db) {
    try {
      const auto st = store::schema_status(*db);
      const auto at_head =
          store::schema_at_head(*db, s.database_url.empty() ? "--db" : "DATABASE_URL");
      report(at_head.ok(), "migrations",
             at_head ? "at head (" + std::to_string(st.applied.size()) + ")" : at_head.error());
      const bool unique = unique_client_order_id(*db);
      report(unique, "unique_client_order_id",
             unique ? "orders.client_order_id is UNIQUE by constraint"
                    : "no unique constraint on orders.client_order_id");
      const auto durable = durable_commit_settings(*db);
      report(durable.ok(), "durable_commit", durable ? durable.value() : durable.error());
    } catch (const std::exception& e) {
      report(false, "migrations", e.what());
    }
  }

  if (s.redis_url.empty()) {
    report(true, "redis", "REDIS_URL not set: file leader lock, no event bus (single host)");
  } else if (auto ep = net::parse_redis_url(s.redis_url); !ep) {
    report(false, "redis", ep.error());
  } else {
    try {
      net::RedisConnection c(ep.value(), std::chrono::milliseconds(1000));
      report(true, "redis", ep->redacted + " reachable, PING answered");
    } catch (const std::exception& e) {
      report(false, "redis", e.what());
    }
  }

  if (opts.mode == "LIVE") {
    const auto credentials = live_credentials();
    report(credentials.ok(), "venue_credentials", credentials ? "present" : credentials.error());
    const auto key = env_value("KITE_API_KEY"), token = env_value("KITE_ACCESS_TOKEN");
    if (!cfg.ok()) {
      report(false, "instrument_master", "no valid configuration to map");
    } else if (key && token) {
      auto instruments = cfg.value().engine.instruments;
      const auto mapped = map_kite_instruments(opts.kite_root, *key, *token, instruments);
      report(mapped.ok(), "instrument_master",
             mapped.ok()
                 ? std::to_string(mapped->rows.size()) +
                       " instruments found in Kite's instrument master (" + opts.kite_root + ")"
                 : mapped.error());
    } else {
      report(true, "instrument_master", "no Kite credentials: Kite's master not checked");
    }
  } else {
    report(true, "venue_credentials", "not needed for PAPER (use --mode LIVE to check them)");
  }
  return verdict(out, failed);
}

namespace {

// Runs a read-only report `body(Backends&)` on the store of `opts`, once what an outage journaled
// is in it (it belongs in the report); a backend that cannot start, or a throw, is said as
// "error: ...".
template <class Body>
int on_store(const AdminOptions& opts, std::ostream& err, Body&& body) {
  auto opened = open_store_backends(BackendSettings::from_env(opts.db));
  if (!opened) {
    err << "error: " << opened.error() << "\n";
    return startup_exit_status(opened.failure());
  }
  Backends& b = opened.value();
  try {
    if (b.journaled) b.journaled->drain();
    return body(b);
  } catch (const std::exception& e) {
    err << "error: " << e.what() << "\n";
    return 1;
  }
}

// Written whole or not at all: a reader never sees half a report.
bool write_file(const std::filesystem::path& path, const std::string& text, std::string& error) {
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << text;
    f.flush();
    if (!f) {
      error = "cannot write " + tmp;
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) error = "cannot rename " + tmp + " to " + path.string() + ": " + ec.message();
  return !ec;
}

// The one trading day a check covers: --day, else the latest; "" for --all-days or a store that
// has run no day (nothing to scope). False, having said why, for a day the store does not hold.
bool checked_day(Backends& b, const AdminOptions& opts, std::ostream& err, std::string& day) {
  day.clear();
  if (opts.all_days) return true;
  std::string problem;
  const auto days = report::trading_days(b.records(), opts.day, 1, problem);
  if (!days.empty()) {
    day = days.back();
  } else if (!opts.day.empty()) {
    err << "error: " << problem << "\n";
    return false;
  }
  return true;
}

std::string day_label(const std::string& day) {
  return day.empty() ? std::string("every trading day") : "trading day " + day;
}

}  // namespace

int run_reconcile(const AdminOptions& opts, std::ostream& out, std::ostream& err) {
  return on_store(opts, err, [&](Backends& b) {
    std::string day;
    if (!checked_day(b, opts, err, day)) return 2;
    const auto results = report::reconcile(b.records(), day);
    out << "reconcile of " << b.describe() << ", " << day_label(day) << "\n"
        << report::format_reconcile(results);
    int failed = 0;
    for (const auto& r : results) failed += r.passed() ? 0 : 1;
    return verdict(out, failed);
  });
}

int run_idempotency_check(const AdminOptions& opts, std::ostream& out, std::ostream& err) {
  return on_store(opts, err, [&](Backends& b) {
    std::string day;
    if (!checked_day(b, opts, err, day)) return 2;
    const auto checks = report::idempotency_check(b.records(), day);
    out << "idempotency check of " << b.describe() << ", " << day_label(day) << "\n"
        << report::format_idempotency(checks);
    int failed = 0;
    for (const auto& c : checks) failed += c.pass ? 0 : 1;
    return verdict(out, failed);
  });
}

int run_burnin_report(const AdminOptions& opts, std::ostream& out, std::ostream& err) {
  return on_store(opts, err, [&](Backends& b) {
    std::string problem;
    const auto days = report::trading_days(b.records(), opts.day, opts.days, problem);
    if (days.empty()) {
      err << "error: " << problem << "\n";
      return 2;
    }
    const auto r = report::burnin_report(b.records(), days);
    const std::string text = report::burnin_text(r);
    std::string stamp = days.back();
    stamp.erase(std::remove(stamp.begin(), stamp.end(), '-'), stamp.end());
    std::error_code ec;
    std::filesystem::create_directories(opts.out_dir, ec);
    const std::filesystem::path base =
        std::filesystem::path(opts.out_dir) / ("burnin-report-" + stamp);
    for (const auto& [ext, body] : {std::pair<std::string, std::string>{".txt", text},
                                    {".html", report::burnin_html(r)},
                                    {".json", r.dump(2) + "\n"}})
      if (!write_file(base.string() + ext, body, problem)) {
        err << "error: " << problem << "\n";
        return 1;
      }
    out << text << "written: " << base.string() << ".{txt,html,json}\n";
    return opts.strict && !r["overall"]["pass"].get<bool>() ? 1 : 0;
  });
}

}  // namespace aitrapp
