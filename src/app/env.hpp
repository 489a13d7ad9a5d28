#pragma once
// Environment variables read at start-up (credentials, backend URLs). Thread-safe as long as
// nothing sets the environment meanwhile.
#include <cstdlib>
#include <optional>
#include <string>

namespace aitrapp {

// The variable's value; nullopt when it is unset or empty (an empty value configures nothing).
inline std::optional<std::string> env_value(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return std::nullopt;
  return std::string(v);
}

}  // namespace aitrapp
