#include "store/journaled_store.hpp"

#include <nlohmann/json.hpp>

#include "core/hex.hpp"

namespace aitrapp::store {
namespace {

using nlohmann::json;

std::string encode(const WriteBatch& batch) {
  json out = json::array();
  for (const auto& w : batch.writes) {
    const SqlWrite s = to_sql(w, batch.trading_day);
    json params = json::array();
    for (const auto& p : s.params) std::visit([&](const auto& v) { params.push_back(v); }, p);
    out.push_back({s.sql, params});
  }
  return out.dump();
}

// JSON keeps the integer / floating-point / string distinction of every parameter.
std::vector<SqlWrite> decode(const std::string& text) {
  std::vector<SqlWrite> out;
  for (const auto& w : json::parse(text)) {
    SqlWrite s{w.at(0).get<std::string>(), {}};
    for (const auto& p : w.at(1)) {
      if (p.is_number_integer())
        s.params.emplace_back(p.get<int64_t>());
      else if (p.is_number_float())
        s.params.emplace_back(p.get<double>());
      else
        s.params.emplace_back(p.get<std::string>());
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

JournaledStore::JournaledStore(PostgresStore& primary, const std::string& journal_path,
                               BackoffParams backoff, Now now)
    : primary_(primary), journal_(journal_path), backoff_(backoff), now_(std::move(now)) {
  journal_.exec_script(
      "CREATE TABLE IF NOT EXISTS pending_batches (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
      "writes TEXT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS journal_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);");
  journal_id_ = journal_.text_scalar("SELECT value FROM journal_meta WHERE key = 'journal_id'");
  if (journal_id_.empty()) {
    const auto id = random_hex(16);
    if (!id) throw std::runtime_error("cannot draw a random journal id");
    journal_id_ = *id;
    journal_.run("INSERT INTO journal_meta VALUES('journal_id', ?1)", {journal_id_});
  }
  health_.journal_pending = journal_.scalar("SELECT COUNT(*) FROM pending_batches");
}

void JournaledStore::enter_outage(const std::string& why) {
  if (!health_.degraded) ++health_.outages;
  health_.degraded = true;
  health_.last_error = why;
  delay_ = delay_.count() == 0 ? backoff_.first : std::min(delay_ * 2, backoff_.max);
  next_try_ = now_() + delay_;
}

bool JournaledStore::try_reconnect() {
  try {
    primary_.pg().reconnect();
    ++health_.reconnects;
    drain();
  } catch (const StoreUnavailable& e) {
    enter_outage(e.what());
    return false;
  }
  health_.degraded = false;
  delay_ = std::chrono::milliseconds{0};
  return true;
}

void JournaledStore::write(const WriteBatch& batch) {
  if (batch.empty()) return;
  if (!health_.degraded || (now_() >= next_try_ && try_reconnect())) {
    try {
      primary_.write(batch);
      return;
    } catch (const StoreUnavailable& e) {
      enter_outage(e.what());
    }
  }
  journal(batch);
}

void JournaledStore::journal(const WriteBatch& batch) {
  journal_.run("INSERT INTO pending_batches(writes) VALUES(?1)", {encode(batch)});
  ++health_.journaled;
  ++health_.journal_pending;
}

int64_t JournaledStore::drain() {
  struct Pending {
    int64_t seq;
    std::string writes;
  };
  std::vector<Pending> pending;
  journal_.run("SELECT seq, writes FROM pending_batches ORDER BY seq", {}, [&](const SqlRow& r) {
    pending.push_back({r.integer(0), r.text(1)});
  });
  int64_t replayed = 0;
  for (const auto& p : pending) {
    SqlSession& pg = primary_.session();
    const bool done = pg.scalar(
                          "SELECT COUNT(*) FROM journal_applied WHERE journal_id = ?1 AND "
                          "seq = ?2",
                          {journal_id_, p.seq}) > 0;
    if (!done) {
      primary_.write_sql(decode(p.writes), [&] {
        pg.run("INSERT INTO journal_applied VALUES(?1, ?2)", {journal_id_, p.seq});
      });
      ++replayed;
    }
    journal_.run("DELETE FROM pending_batches WHERE seq = ?1", {p.seq});
    --health_.journal_pending;
  }
  return replayed;
}

RecoveredState JournaledStore::recover(const std::string& trading_day) {
  drain();
  return primary_.recover(trading_day);
}

}  // namespace aitrapp::store
