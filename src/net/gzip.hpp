#pragma once
// gzip bodies: venues compress large answers (Kite's instrument master); the simulators send them
// compressed the same way. Pure; thread-safe.
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace aitrapp::net {

std::string gzip(std::string_view data);
// The error says the body is corrupt or truncated.
Result<std::string> gunzip(std::string_view data);

}  // namespace aitrapp::net
