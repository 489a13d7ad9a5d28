#pragma once
// Fixed-point money and quantities. No floating point touches prices, P&L or risk.
//
// Price and Money carry 4 fractional digits (1 raw unit = 0.0001 of the quote currency), enough
// for NSE's 0.05 tick and for USDT perpetual ticks. Qty counts integer units of an instrument's
// quantity step (NSE: contracts' underlying units; crypto: e.g. 0.001 BTC).
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace aitrapp {

inline constexpr int kDecimals = 4;
inline constexpr int64_t kScale = 10'000;

template <class Tag>
struct Fixed {
  int64_t raw = 0;
  static constexpr Fixed from_raw(int64_t r) { return Fixed{r}; }
  static constexpr Fixed from_units(int64_t whole) { return Fixed{whole * kScale}; }
  constexpr auto operator<=>(const Fixed&) const = default;
  constexpr Fixed operator+(Fixed o) const { return Fixed{raw + o.raw}; }
  constexpr Fixed operator-(Fixed o) const { return Fixed{raw - o.raw}; }
  constexpr Fixed operator-() const { return Fixed{-raw}; }
  constexpr Fixed& operator+=(Fixed o) {
    raw += o.raw;
    return *this;
  }
  constexpr Fixed& operator-=(Fixed o) {
    raw -= o.raw;
    return *this;
  }
};

struct PriceTag {};
struct MoneyTag {};
using Price = Fixed<PriceTag>;
using Money = Fixed<MoneyTag>;

struct Qty {
  int64_t units = 0;
  constexpr auto operator<=>(const Qty&) const = default;
  constexpr Qty operator+(Qty o) const { return Qty{units + o.units}; }
  constexpr Qty operator-(Qty o) const { return Qty{units - o.units}; }
  constexpr Qty& operator+=(Qty o) {
    units += o.units;
    return *this;
  }
  constexpr Qty& operator-=(Qty o) {
    units -= o.units;
    return *this;
  }
};

// Parses "17453.05", "-3", "46319.0" exactly; nullopt if malformed or with more than
// kDecimals fractional digits that are not zeros.
std::optional<int64_t> parse_fixed(std::string_view text);
// As parse_fixed, but digits beyond kDecimals are dropped (truncated toward zero). For
// quantities like traded volume whose extra precision carries no meaning for the engine.
std::optional<int64_t> parse_fixed_truncating(std::string_view text);
std::string format_fixed(int64_t raw);
inline std::string to_string(Price p) {
  return format_fixed(p.raw);
}
inline std::string to_string(Money m) {
  return format_fixed(m.raw);
}

// Money of `qty` units at `price`, where `units_per_whole` units make one whole of the base
// asset (1 for NSE, 1000 for a 0.001 BTC step). Uses 128-bit intermediates.
Money notional(Price price, Qty qty, int64_t units_per_whole);
// Money value of a price difference times a quantity (P&L, risk).
inline Money pnl_of(Price diff, Qty qty, int64_t units_per_whole) {
  return notional(diff, qty, units_per_whole);
}
// raw * num / den rounded toward zero, with 128-bit intermediates.
int64_t mul_div(int64_t raw, int64_t num, int64_t den);

}  // namespace aitrapp
