#include "store/postgres/pg_session.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <cstdio>
#include <memory>

#include "core/overloaded.hpp"

namespace aitrapp::store {
namespace {

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

class PgRow final : public SqlRow {
 public:
  PgRow(const PGresult* r, int row) : r_(r), row_(row) {}
  std::string text(int c) const override { return PQgetvalue(r_, row_, c); }
  int64_t integer(int c) const override {
    const char* v = PQgetvalue(r_, row_, c);
    int64_t out = 0;
    std::from_chars(v, v + std::char_traits<char>::length(v), out);
    return out;
  }
  double real(int c) const override { return std::strtod(PQgetvalue(r_, row_, c), nullptr); }
  bool is_null(int c) const override { return PQgetisnull(r_, row_, c) != 0; }
  int columns() const override { return PQnfields(r_); }

 private:
  const PGresult* r_;
  int row_;
};

// SQLSTATE classes that mean "the server is not there right now" rather than "this statement is
// wrong": connection exceptions (08), operator intervention (57: shutdown, cannot connect now).
bool unavailable_state(const char* sqlstate) {
  if (!sqlstate) return false;
  const std::string s(sqlstate);
  return s.rfind("08", 0) == 0 || s == "57P01" || s == "57P02" || s == "57P03";
}

void quiet_notices(void*, const char*) {}

// libpq's messages end in newlines; ours continue on the same line.
std::string trim_end(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string to_text(const SqlValue& v) {
  return std::visit(overloaded{[](int64_t i) { return std::to_string(i); },
                               [](double d) {
                                 char buf[32];
                                 std::snprintf(buf, sizeof buf, "%.17g", d);
                                 return std::string(buf);
                               },
                               [](const std::string& s) { return s; }},
                    v);
}

}  // namespace

std::string to_pg_placeholders(const std::string& sql) {
  std::string out;
  out.reserve(sql.size());
  bool quoted = false;
  for (char c : sql) {
    if (c == '\'') quoted = !quoted;
    out.push_back(!quoted && c == '?' ? '$' : c);
  }
  return out;
}

std::string redact_url(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const auto at = url.find('@', scheme + 3);
  if (at == std::string::npos) return url;
  const auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

Result<void> check_database_url(const std::string& url) {
  if (url.rfind("postgresql://", 0) != 0 && url.rfind("postgres://", 0) != 0)
    return Error{"DATABASE_URL must be a postgresql:// URL (got '" + redact_url(url) + "')"};
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(url.c_str(), &err);
  if (!opts) {
    const std::string why = trim_end(err ? err : "cannot parse");
    PQfreemem(err);
    return Error{"DATABASE_URL is malformed: " + why + " (in '" + redact_url(url) + "')"};
  }
  // libpq checks the port only when it connects; a typo should fail at startup, by name.
  Result<void> checked;
  for (auto* o = opts; o->keyword; ++o) {
    if (std::string(o->keyword) != "port" || !o->val) continue;
    std::string ports = o->val;
    for (size_t at = 0; at <= ports.size();) {
      const size_t comma = std::min(ports.find(',', at), ports.size());
      const std::string p = ports.substr(at, comma - at);
      int n = 0;
      auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), n);
      if (p.empty() || ec != std::errc() || end != p.data() + p.size() || n < 1 || n > 65535)
        checked =
            Error{"DATABASE_URL has an invalid port '" + p + "' (in '" + redact_url(url) + "')"};
      at = comma + 1;
    }
  }
  PQconninfoFree(opts);
  return checked;
}

PgSession::PgSession(std::string url) : url_(std::move(url)) {
  if (auto checked = check_database_url(url_); !checked)
    throw std::invalid_argument(checked.error());
  connect();
}

PgSession::~PgSession() {
  if (conn_) PQfinish(conn_);
}

void PgSession::connect() {
  // The URL comes last so that its own settings win over these defaults.
  const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* vals[] = {"2", "aitrapp", url_.c_str(), nullptr};
  conn_ = PQconnectdbParams(keys, vals, 1);
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
    const std::string why = trim_end(conn_ ? PQerrorMessage(conn_) : "out of memory");
    if (conn_) PQfinish(conn_);
    conn_ = nullptr;
    throw StoreUnavailable("PostgreSQL at " + redact_url(url_) + " is unreachable: " + why);
  }
  PQsetNoticeProcessor(conn_, quiet_notices, nullptr);
}

bool PgSession::connected() const {
  return conn_ && PQstatus(conn_) == CONNECTION_OK;
}

void PgSession::reconnect() {
  prepared_.clear();
  if (conn_) PQfinish(conn_);
  conn_ = nullptr;
  connect();
}

void PgSession::fail(const char* what, const std::string& detail, const char* sqlstate) {
  const std::string msg = trim_end(std::string("postgresql ") + what + ": " + detail);
  if (!connected() || unavailable_state(sqlstate)) throw StoreUnavailable(msg);
  const bool constraint = sqlstate && std::string(sqlstate).rfind("23", 0) == 0;
  throw SqlError(msg + (sqlstate ? std::string(" [SQLSTATE ") + sqlstate + "]" : ""), constraint);
}

void PgSession::exec_script(const std::string& sql) {
  if (!conn_) connect();
  PgResult r(PQexec(conn_, sql.c_str()));
  const auto st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    fail("exec failed", PQerrorMessage(conn_),
         r ? PQresultErrorField(r.get(), PG_DIAG_SQLSTATE) : nullptr);
}

int64_t PgSession::run(const std::string& sql, const std::vector<SqlValue>& params,
                       const RowFn& row) {
  if (!conn_) connect();
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    const std::string name = "s" + std::to_string(prepared_.size());
    PgResult r(PQprepare(conn_, name.c_str(), to_pg_placeholders(sql).c_str(), 0, nullptr));
    if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK)
      fail("prepare failed", std::string(PQerrorMessage(conn_)) + " in: " + sql,
           r ? PQresultErrorField(r.get(), PG_DIAG_SQLSTATE) : nullptr);
    it = prepared_.emplace(sql, name).first;
  }
  std::vector<std::string> text;
  text.reserve(params.size());
  for (const auto& p : params) text.push_back(to_text(p));
  std::vector<const char*> values;
  values.reserve(text.size());
  for (const auto& t : text) values.push_back(t.c_str());
  PgResult r(PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(values.size()),
                            values.data(), nullptr, nullptr, 0));
  const auto st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    fail("statement failed", std::string(PQerrorMessage(conn_)) + " in: " + sql,
         r ? PQresultErrorField(r.get(), PG_DIAG_SQLSTATE) : nullptr);
  if (row)
    for (int i = 0, n = PQntuples(r.get()); i < n; ++i) row(PgRow(r.get(), i));
  const char* changed = PQcmdTuples(r.get());
  return changed && *changed ? std::strtoll(changed, nullptr, 10) : 0;
}

void PgSession::rollback() noexcept {
  if (!connected()) return;
  PgResult r(PQexec(conn_, "ROLLBACK"));
}

}  // namespace aitrapp::store
