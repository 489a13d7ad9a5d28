#pragma once
// Lower-case hexadecimal of bytes, and random hex identifiers from OpenSSL's CSPRNG (API
// tokens, journal ids, lease nonces).
#include <cstddef>
#include <optional>
#include <string>

namespace aitrapp {

std::string to_hex(const unsigned char* p, size_t n);
// `bytes` random bytes as 2 * bytes hex digits; nullopt when the generator fails.
std::optional<std::string> random_hex(size_t bytes);

}  // namespace aitrapp
