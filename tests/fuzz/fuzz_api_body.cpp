// Fuzz target: the operator API's requests, through the real ControlApi with a recording
// engine port. The first byte picks the route and method, the rest is the body (and, for GETs,
// a query value). A request is answered, never thrown; a refused one reaches no command.
#include <cstddef>
#include <cstdint>
#include <string>

#include "ops/api.hpp"
#include "support/recording_port.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace aitrapp;
  if (size == 0) return 0;
  static const char* kPost[] = {"/pause", "/resume", "/flatten", "/mode"};
  static const char* kGet[] = {"/signals", "/events", "/orders", "/health"};
  static const std::string token = "fuzz-token-0123456789abcdef";
  support::RecordingPort port;
  const ops::ControlApi api(port, token);
  net::HttpRequest r;
  r.host = "127.0.0.1";
  r.authorization = "Bearer " + token;
  r.content_type = "application/json";
  const std::string rest(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] & 0x80) {
    r.method = "GET";
    r.path = kGet[data[0] % 4];
    r.query["limit"] = rest;
  } else {
    r.method = "POST";
    r.path = kPost[data[0] % 4];
    r.body = rest;
  }
  const net::HttpResponse out = api.handle(r);
  if (out.status >= 400 && !port.commands.empty()) __builtin_trap();  // refused, yet executed
  return 0;
}
