#include "core/hex.hpp"

#include <openssl/rand.h>

#include <vector>

namespace aitrapp {

std::string to_hex(const unsigned char* p, size_t n) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(hex[p[i] >> 4]);
    out.push_back(hex[p[i] & 15]);
  }
  return out;
}

std::optional<std::string> random_hex(size_t bytes) {
  std::vector<unsigned char> b(bytes);
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) return std::nullopt;
  return to_hex(b.data(), b.size());
}

}  // namespace aitrapp
