#pragma once
// The bearer token that guards the mutating endpoints: AITRAPP_API_TOKEN when set, otherwise a
// random token generated on first start into `path` (mode 0600) and reused after that.
#include <string>

#include "core/result.hpp"

namespace aitrapp::ops {

struct ApiToken {
  std::string value;
  std::string source;  // "AITRAPP_API_TOKEN" or the file path
  bool created = false;
};

Result<ApiToken> load_or_create_token(const std::string& path);
// Compares in time independent of where the strings differ.
bool token_matches(const std::string& expected, const std::string& given);

}  // namespace aitrapp::ops
