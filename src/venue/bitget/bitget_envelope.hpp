#pragma once
// Bitget's REST envelope: {"code","msg","requestTime","data"}. Success is code "00000" with msg
// "success" (ccxt treats any other msg as an error even with code "00000"). Pure; thread-safe.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/time.hpp"
#include "venue/bitget/bitget_errors.hpp"

namespace aitrapp::bitget {

std::string ok_body(const nlohmann::json& data, TimeMs request_time);
std::string error_body(const ApiError& e, TimeMs request_time);

// An envelope as a client reads it. `requestTime` may arrive as a number or a string.
struct Envelope {
  std::string code, msg;
  TimeMs request_time = 0;
  nlohmann::json data;
  bool ok() const { return code == "00000"; }
};
// The error names what is wrong: not JSON, not an object, a field missing or of the wrong type.
Result<Envelope> parse_envelope(std::string_view body);

}  // namespace aitrapp::bitget
