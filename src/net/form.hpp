#pragma once
// application/x-www-form-urlencoded bodies and query strings: ordered key/value pairs where a
// key may repeat (Kite's `i=NSE:INFY&i=NFO:...`). Pure; thread-safe.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace aitrapp::net {

class Form {
 public:
  Form() = default;
  Form(std::initializer_list<std::pair<std::string, std::string>> kv) : kv_(kv) {}
  void add(std::string key, std::string value) {
    kv_.emplace_back(std::move(key), std::move(value));
  }
  // The first value of `key`, if present.
  std::optional<std::string> get(std::string_view key) const;
  std::vector<std::string> all(std::string_view key) const;
  const std::vector<std::pair<std::string, std::string>>& items() const { return kv_; }
  std::string encode() const;

 private:
  std::vector<std::pair<std::string, std::string>> kv_;
};

std::string url_encode(std::string_view s);
// `%XX` escapes and `+` (a space) decoded; the error names a malformed escape.
Result<std::string> url_decode(std::string_view s);
// Error names the offending escape (e.g. "%G1") or the field whose value is not UTF-8.
Result<Form> parse_form(std::string_view body);

}  // namespace aitrapp::net
