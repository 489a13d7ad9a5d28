#include "core/ids.hpp"

#include <stdexcept>

#include "core/sha256.hpp"
#include "core/text.hpp"

namespace aitrapp {
namespace {
constexpr char kBase36[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
}

std::string make_plan_id(std::string_view day, std::string_view strategy, std::string_view symbol,
                         int64_t signal_time_ms, Side side) {
  std::string key;
  key.append(day).append("|").append(strategy).append("|").append(symbol).append("|");
  key.append(std::to_string(signal_time_ms)).append("|").append(to_string(side));
  auto digest = sha256_bytes(key);
  // 10 base-36 digits from the first 8 bytes: ~51 bits, collisions are caught by UNIQUE.
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | digest[i];
  std::string out(10, '0');
  for (int i = 9; i >= 0; --i) {
    out[i] = kBase36[v % 36];
    v /= 36;
  }
  return out;
}

std::string make_client_order_id(std::string_view plan_id, LegRole role, int attempt) {
  if (attempt < 0 || attempt > kMaxOrderAttempt)
    throw std::out_of_range("order attempt out of range");
  std::string id = "AT";
  id.append(plan_id);
  id.push_back(leg_code(role));
  id.push_back(kBase36[attempt / 36]);
  id.push_back(kBase36[attempt % 36]);
  return id;
}

bool is_valid_client_order_id(std::string_view id) {
  return alnum_of_length(id, 20);
}

}  // namespace aitrapp
