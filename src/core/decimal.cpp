#include "core/decimal.hpp"

#include <cstdlib>

namespace aitrapp {

namespace {
std::optional<int64_t> parse(std::string_view s, bool truncate) {
  if (s.empty()) return std::nullopt;
  bool negative = false;
  size_t i = 0;
  if (s[0] == '-' || s[0] == '+') {
    negative = s[0] == '-';
    i = 1;
  }
  if (i >= s.size()) return std::nullopt;
  int64_t whole = 0;
  size_t digits = 0;
  for (; i < s.size() && s[i] != '.'; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    if (whole > (INT64_MAX / kScale) / 10) return std::nullopt;
    whole = whole * 10 + (s[i] - '0');
    ++digits;
  }
  int64_t frac = 0;
  int frac_digits = 0;
  if (i < s.size()) {  // s[i] == '.'
    ++i;
    if (i >= s.size() && digits == 0) return std::nullopt;
    for (; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      if (frac_digits < kDecimals) {
        frac = frac * 10 + (s[i] - '0');
        ++frac_digits;
      } else if (s[i] != '0' && !truncate) {
        return std::nullopt;  // would lose precision
      }
    }
  }
  if (digits == 0 && frac_digits == 0) return std::nullopt;
  for (; frac_digits < kDecimals; ++frac_digits) frac *= 10;
  int64_t raw = whole * kScale + frac;
  return negative ? -raw : raw;
}
}  // namespace

std::optional<int64_t> parse_fixed(std::string_view s) {
  return parse(s, false);
}
std::optional<int64_t> parse_fixed_truncating(std::string_view s) {
  return parse(s, true);
}

std::string format_fixed(int64_t raw) {
  std::string sign = raw < 0 ? "-" : "";
  uint64_t a = raw < 0 ? static_cast<uint64_t>(-(raw + 1)) + 1 : static_cast<uint64_t>(raw);
  uint64_t whole = a / kScale;
  uint64_t frac = a % kScale;
  std::string f = std::to_string(frac);
  f.insert(0, kDecimals - f.size(), '0');
  while (f.size() > 2 && f.back() == '0') f.pop_back();
  return sign + std::to_string(whole) + "." + f;
}

int64_t mul_div(int64_t raw, int64_t num, int64_t den) {
  __int128 v = static_cast<__int128>(raw) * num;
  return static_cast<int64_t>(v / den);
}

Money notional(Price price, Qty qty, int64_t units_per_whole) {
  return Money::from_raw(mul_div(price.raw, qty.units, units_per_whole));
}

}  // namespace aitrapp
