#include "store/sql_session.hpp"

namespace aitrapp::store {

int64_t SqlSession::scalar(const std::string& sql, const std::vector<SqlValue>& params) {
  int64_t v = 0;
  bool first = true;
  run(sql, params, [&](const SqlRow& r) {
    if (first && !r.is_null(0)) v = r.integer(0);
    first = false;
  });
  return v;
}

std::string SqlSession::text_scalar(const std::string& sql, const std::vector<SqlValue>& params) {
  std::string v;
  bool first = true;
  run(sql, params, [&](const SqlRow& r) {
    if (first && !r.is_null(0)) v = r.text(0);
    first = false;
  });
  return v;
}

}  // namespace aitrapp::store
