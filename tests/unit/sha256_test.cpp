#include "core/sha256.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <random>

#include "core/hex.hpp"

using namespace aitrapp;

namespace {
// OpenSSL's answer, the reference our own implementation is checked against.
std::string openssl_hex(std::string_view data) {
  unsigned char out[32];
  unsigned int len = 0;
  EXPECT_EQ(EVP_Digest(data.data(), data.size(), out, &len, EVP_sha256(), nullptr), 1);
  return to_hex(out, len);
}
}  // namespace

TEST(Sha256, FipsVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  Sha256Stream million;
  const std::string chunk(1000, 'a');
  for (int i = 0; i < 1000; ++i) million.update(chunk);
  EXPECT_EQ(million.hex_final(),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// Every length around the block and padding edges (55, 56, 63, 64, 119, 120 ...), every byte value.
TEST(Sha256, AgreesWithOpenSslOnEveryLengthUpTo300) {
  std::mt19937 rng(7);
  for (size_t n = 0; n <= 300; ++n) {
    std::string data(n, '\0');
    for (char& c : data) c = static_cast<char>(rng());
    ASSERT_EQ(sha256_hex(data), openssl_hex(data)) << "length " << n;
  }
}

TEST(Sha256, AStreamSplitAnywhereGivesTheOneShotDigest) {
  std::string data(200, '\0');
  std::mt19937 rng(11);
  for (char& c : data) c = static_cast<char>(rng());
  const std::string whole = sha256_hex(data);
  for (size_t a = 0; a <= data.size(); a += 7) {
    for (size_t b = a; b <= data.size(); b += 13) {
      Sha256Stream s;
      s.update(std::string_view(data).substr(0, a));
      s.update(std::string_view(data).substr(a, b - a));
      s.update(std::string_view(data).substr(b));
      ASSERT_EQ(s.hex_final(), whole) << "split at " << a << " and " << b;
    }
  }
}

// The SHA-extension path (taken by default where the CPU has it) and the portable one agree with
// OpenSSL on every length around the block edges; on a CPU without the extensions both are the
// portable path and the test still checks it.
TEST(Sha256, ThePortableAndTheHardwarePathsAgree) {
  std::mt19937 rng(5);
  for (size_t n = 0; n <= 300; ++n) {
    std::string data(n, '\0');
    for (char& c : data) c = static_cast<char>(rng());
    Sha256Stream portable(true), best;
    portable.update(data);
    best.update(data);
    const std::string want = openssl_hex(data);
    ASSERT_EQ(portable.hex_final(), want) << "portable, length " << n;
    ASSERT_EQ(best.hex_final(), want) << "default, length " << n;
  }
  RecordProperty("sha256_hardware", sha256_has_hardware() ? "yes" : "no");
}
