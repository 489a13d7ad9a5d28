#pragma once
// SqlSession over one libpq connection to PostgreSQL, selected by a postgresql:// URL. Statements
// are prepared once per connection; results come back as text. Connection-level failures throw
// StoreUnavailable (reconnect() then retries), refused statements throw SqlError.
// One thread; not thread-safe.
#include <map>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "store/sql_session.hpp"

struct pg_conn;

namespace aitrapp::store {

// Checks the form of a DATABASE_URL without connecting; the error (Invalid) names the setting and
// never echoes the password.
Result<void> check_database_url(const std::string& url);
// The URL with its password replaced by "***", for messages and logs.
std::string redact_url(const std::string& url);

class PgSession final : public SqlSession {
 public:
  // Connects (connect_timeout 2 s unless the URL sets one); throws StoreUnavailable when the
  // server cannot be reached and std::invalid_argument when the URL is malformed.
  explicit PgSession(std::string url);
  ~PgSession() override;
  PgSession(const PgSession&) = delete;
  PgSession& operator=(const PgSession&) = delete;

  std::string_view backend() const override { return "postgresql"; }
  void exec_script(const std::string& sql) override;
  int64_t run(const std::string& sql, const std::vector<SqlValue>& params = {},
              const RowFn& row = {}) override;
  void begin() override { exec_script("BEGIN"); }
  void commit() override { exec_script("COMMIT"); }
  void rollback() noexcept override;

  bool connected() const;
  // Drops and re-opens the connection; throws StoreUnavailable while the server is away.
  void reconnect();
  const std::string& url() const { return url_; }

 private:
  void connect();
  [[noreturn]] void fail(const char* what, const std::string& detail, const char* sqlstate);

  std::string url_;
  pg_conn* conn_ = nullptr;
  std::map<std::string, std::string> prepared_;  // SQL -> statement name on this connection
};

// "?1, ?2" (SQLite) -> "$1, $2" (PostgreSQL), outside string literals.
std::string to_pg_placeholders(const std::string& sql);

}  // namespace aitrapp::store
