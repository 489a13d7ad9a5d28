#pragma once
// SHA-256 (FIPS 180-4), computed here rather than through OpenSSL's EVP layer: the engine derives
// its plan ids from it on the path from a bar to an order, where EVP's per-call algorithm fetch
// and context allocation cost 6-30 us on a cold cache against about 1 us for this code. Where the
// CPU has the SHA extensions (x86 SHA-NI, checked once at run time) a block is compressed with
// them, otherwise in portable C++; both give the same digest. Pure functions; a Sha256Stream is a
// value owned by one thread at a time.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace aitrapp {
std::array<uint8_t, 32> sha256_bytes(std::string_view data);
std::string sha256_hex(std::string_view data);

// HMAC-SHA256 (RFC 2104) of `message` under `key`: how venues sign requests (Bitget).
std::array<uint8_t, 32> hmac_sha256(std::string_view key, std::string_view message);

// Whether this CPU compresses with the SHA extensions.
bool sha256_has_hardware();

// Incremental hash for digests over long event sequences.
class Sha256Stream {
 public:
  // `portable`: never the SHA extensions (the tests compare both ways).
  explicit Sha256Stream(bool portable = false);
  void update(std::string_view data);
  std::array<uint8_t, 32> final_bytes();
  std::string hex_final();

 private:
  void compress(const uint8_t* block);

  bool hardware_;
  std::array<uint32_t, 8> h_;
  std::array<uint8_t, 64> buf_{};
  size_t buffered_ = 0;
  uint64_t total_ = 0;  // bytes hashed so far
};
}  // namespace aitrapp
