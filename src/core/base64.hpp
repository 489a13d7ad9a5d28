#pragma once
// Standard base64 (RFC 4648, with padding): how venues carry binary signatures in text headers.
// Pure; thread-safe.
#include <cstddef>
#include <cstdint>
#include <string>

namespace aitrapp {

std::string base64_encode(const uint8_t* data, size_t n);

}  // namespace aitrapp
