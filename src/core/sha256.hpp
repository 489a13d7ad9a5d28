#pragma once
// SHA-256 via OpenSSL. Thread-safe.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace aitrapp {
std::array<uint8_t, 32> sha256_bytes(std::string_view data);
std::string sha256_hex(std::string_view data);

// Incremental hash for digests over long event sequences.
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;
  void update(std::string_view data);
  std::string hex_final();

 private:
  void* ctx_;
};
}  // namespace aitrapp
