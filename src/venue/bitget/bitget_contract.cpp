#include "venue/bitget/bitget_contract.hpp"

#include <algorithm>
#include <stdexcept>
#include <variant>

namespace aitrapp::bitget {
namespace {

// An unsigned decimal as Bitget writes it: digits, optionally a point and more digits.
struct Decimal {
  int64_t mantissa = 0;
  int places = 0;
};

std::optional<Decimal> parse_decimal(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  Decimal d;
  bool point = false, digit = false;
  for (const char c : s) {
    if (c == '.' && !point) {
      point = true;
    } else if (c >= '0' && c <= '9') {
      d.mantissa = d.mantissa * 10 + (c - '0');
      d.places += point ? 1 : 0;
      digit = true;
    } else {
      return std::nullopt;
    }
  }
  if (!digit || s.back() == '.') return std::nullopt;
  return d;
}

int64_t pow10(int n) {
  int64_t p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

__int128 pow10_wide(int n) {  // up to 10^38
  __int128 p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

// `d` in units of 10^-places; nullopt when it has more decimals than that.
std::optional<int64_t> in_units(const Decimal& d, int places) {
  if (d.places > places || places - d.places > 18) return std::nullopt;
  const __int128 v = static_cast<__int128>(d.mantissa) * pow10(places - d.places);
  if (v > INT64_MAX) return std::nullopt;
  return static_cast<int64_t>(v);
}

std::string format_units(int64_t units, int places) {
  std::string digits = std::to_string(units);
  if (places == 0) return digits;
  if (static_cast<int>(digits.size()) <= places)
    digits.insert(0, static_cast<size_t>(places) - digits.size() + 1, '0');
  digits.insert(digits.size() - static_cast<size_t>(places), ".");
  return digits;
}

std::string ratio_of_bps(int64_t bps) {
  return format_units(bps, 4);
}

// A contracts field: Bitget sends numbers as strings; a number is taken too.
Result<std::string> field(const nlohmann::json& j, const char* name) {
  const auto it = j.find(name);
  if (it == j.end() || it->is_null()) return Error{std::string("contract has no '") + name + "'"};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  return Error{std::string("contract's '") + name + "' is neither a string nor an integer"};
}

Result<int64_t> whole_field(const nlohmann::json& j, const char* name, int64_t lo, int64_t hi) {
  auto s = field(j, name);
  if (!s) return Error{s.error()};
  const auto d = parse_decimal(s.value());
  if (!d || d->places != 0 || d->mantissa < lo || d->mantissa > hi)
    return Error{std::string("contract's '") + name + "' is \"" + s.value() +
                 "\", not a whole number in " + std::to_string(lo) + ".." + std::to_string(hi)};
  return d->mantissa;
}

Result<int64_t> units_field(const nlohmann::json& j, const char* name, int places) {
  auto s = field(j, name);
  if (!s) return Error{s.error()};
  const auto d = parse_decimal(s.value());
  const auto units = d ? in_units(*d, places) : std::nullopt;
  if (!units || *units <= 0)
    return Error{std::string("contract's '") + name + "' is \"" + s.value() +
                 "\", not a positive decimal with at most " + std::to_string(places) +
                 " decimals (volumePlace)"};
  return *units;
}

}  // namespace

ContractRules rules_of(const Instrument& in) {
  ContractRules r;
  r.symbol = in.venue_symbol.empty() ? in.symbol : in.venue_symbol;
  r.base_coin = r.symbol.size() > 4 && r.symbol.ends_with("USDT")
                    ? r.symbol.substr(0, r.symbol.size() - 4)
                    : r.symbol;
  if (in.tick.raw <= 0) throw std::invalid_argument(in.symbol + ": tick must be positive");
  int zeros = 0;
  for (int64_t t = in.tick.raw; zeros < kDecimals && t % 10 == 0; t /= 10) ++zeros;
  r.price_place = kDecimals - zeros;
  r.price_end_step = in.tick.raw / pow10(zeros);
  int places = 0;
  int64_t u = in.units_per_whole;
  for (; u > 1 && u % 10 == 0; u /= 10) ++places;
  if (u != 1)
    throw std::invalid_argument(in.symbol + ": units_per_whole " +
                                std::to_string(in.units_per_whole) +
                                " is not a power of ten, so it has no Bitget volumePlace");
  r.volume_place = places;
  r.size_step = in.lot.units;
  r.min_size = in.lot.units;
  r.buy_limit_price_ratio = r.sell_limit_price_ratio = ratio_of_bps(in.band_bps);
  return r;
}

Result<Instrument> instrument_of(const ContractRules& r) {
  if (r.price_place > kDecimals)
    return Error{r.symbol + ": pricePlace " + std::to_string(r.price_place) +
                 " is finer than the " + std::to_string(kDecimals) +
                 " decimals the engine keeps for a price"};
  if (r.min_size % r.size_step != 0)
    return Error{r.symbol + ": minTradeNum is not a multiple of sizeMultiplier"};
  Instrument in;
  in.symbol = r.symbol;
  in.venue_symbol = r.symbol;
  in.exchange = "BITGET";
  in.tick = Price::from_raw(r.price_end_step * pow10(kDecimals - r.price_place));
  in.units_per_whole = pow10(r.volume_place);
  in.lot = Qty{r.size_step};
  const auto ratio = parse_decimal(r.buy_limit_price_ratio);
  const auto bps = ratio ? in_units(*ratio, 4) : std::nullopt;
  if (!bps || *bps <= 0)
    return Error{r.symbol + ": buyLimitPriceRatio \"" + r.buy_limit_price_ratio +
                 "\" is not a positive ratio with at most 4 decimals"};
  in.band_bps = *bps;
  return in;
}

nlohmann::json contract_json(const ContractRules& r) {
  return {
      {"symbol", r.symbol},
      {"baseCoin", r.base_coin},
      {"quoteCoin", r.quote_coin},
      {"supportMarginCoins", {r.quote_coin}},
      {"symbolType", "perpetual"},
      {"symbolStatus", "normal"},
      {"pricePlace", std::to_string(r.price_place)},
      {"priceEndStep", std::to_string(r.price_end_step)},
      {"volumePlace", std::to_string(r.volume_place)},
      {"sizeMultiplier", format_units(r.size_step, r.volume_place)},
      {"minTradeNum", format_units(r.min_size, r.volume_place)},
      {"minTradeUSDT", r.min_trade_usdt},
      {"minLever", "1"},
      {"maxLever", std::to_string(r.max_lever)},
      {"fundInterval", std::to_string(r.fund_interval_hours)},
      {"makerFeeRate", r.maker_fee_rate},
      {"takerFeeRate", r.taker_fee_rate},
      {"buyLimitPriceRatio", r.buy_limit_price_ratio},
      {"sellLimitPriceRatio", r.sell_limit_price_ratio},
      {"feeRateUpRatio", "0.1"},
      {"openCostUpRatio", "0.1"},
      {"deliveryTime", ""},
      {"deliveryStartTime", ""},
      {"launchTime", ""},
      {"offTime", "-1"},
      {"limitOpenTime", "-1"},
      {"maxSymbolOrderNum", "999999"},
      {"maxProductOrderNum", "999999"},
      {"maxPositionNum", "150"},
  };
}

Result<ContractRules> parse_contract(const nlohmann::json& j) {
  if (!j.is_object()) return Error{"contract is not a JSON object"};
  ContractRules r;
  auto symbol = field(j, "symbol");
  if (!symbol) return Error{symbol.error()};
  r.symbol = symbol.value();
  auto in_symbol = [&](const std::string& e) { return Error{r.symbol + ": " + e}; };
  auto price_place = whole_field(j, "pricePlace", 0, 12);
  if (!price_place) return in_symbol(price_place.error());
  r.price_place = static_cast<int>(price_place.value());
  auto end_step = whole_field(j, "priceEndStep", 1, 1'000'000);
  if (!end_step) return in_symbol(end_step.error());
  r.price_end_step = end_step.value();
  auto volume_place = whole_field(j, "volumePlace", 0, 12);
  if (!volume_place) return in_symbol(volume_place.error());
  r.volume_place = static_cast<int>(volume_place.value());
  auto step = units_field(j, "sizeMultiplier", r.volume_place);
  if (!step) return in_symbol(step.error());
  r.size_step = step.value();
  auto min = units_field(j, "minTradeNum", r.volume_place);
  if (!min) return in_symbol(min.error());
  r.min_size = min.value();
  auto min_usdt = field(j, "minTradeUSDT");
  if (!min_usdt || !parse_decimal(min_usdt.value()))
    return in_symbol(min_usdt ? "contract's 'minTradeUSDT' is not a decimal" : min_usdt.error());
  r.min_trade_usdt = min_usdt.value();
  if (auto v = field(j, "baseCoin")) r.base_coin = v.value();
  if (auto v = field(j, "quoteCoin")) r.quote_coin = v.value();
  if (auto v = field(j, "makerFeeRate")) r.maker_fee_rate = v.value();
  if (auto v = field(j, "takerFeeRate")) r.taker_fee_rate = v.value();
  if (auto v = field(j, "buyLimitPriceRatio")) r.buy_limit_price_ratio = v.value();
  if (auto v = field(j, "sellLimitPriceRatio")) r.sell_limit_price_ratio = v.value();
  if (auto v = whole_field(j, "maxLever", 1, 1000)) r.max_lever = static_cast<int>(v.value());
  if (auto v = whole_field(j, "fundInterval", 1, 24))
    r.fund_interval_hours = static_cast<int>(v.value());
  return r;
}

std::string format_price(const ContractRules& r, Price p) {
  const int places = std::min(r.price_place, kDecimals);
  const int64_t per_unit = pow10(kDecimals - places);
  if (p.raw <= 0 || p.raw % per_unit != 0)
    throw std::invalid_argument(r.symbol + ": price " + to_string(p) +
                                " is not positive with at most " + std::to_string(places) +
                                " decimals (pricePlace)");
  return format_units(p.raw / per_unit, places);
}

std::string format_size(const ContractRules& r, Qty q) {
  return format_units(q.units, r.volume_place);
}

std::optional<Qty> parse_size(const ContractRules& r, std::string_view size) {
  const auto d = parse_decimal(size);
  if (!d) return std::nullopt;
  const auto units = in_units(*d, r.volume_place);
  if (!units) return std::nullopt;
  return Qty{*units};
}

namespace {

// A price or size as the exchange checks it: a positive decimal with at most `places` decimals,
// a multiple of `step` (in units of 10^-places); its units, or the error naming `what` and the
// rule (`step_name`) it breaks.
std::variant<int64_t, ApiError> on_grid(const char* what, std::string_view text, int places,
                                        int64_t step, const char* step_name) {
  const std::string value(text);
  const auto d = parse_decimal(text);
  if (!d || d->mantissa <= 0)
    return api_error(ErrorKind::ParameterInvalid,
                     std::string(what) + " \"" + value + "\" is not a positive decimal");
  const auto units = in_units(*d, places);
  if (!units)
    return api_error(
        ErrorKind::ParameterInvalid,
        std::string(what) + " " + value + " has more than " + std::to_string(places) + " decimals");
  if (*units % step != 0)
    return api_error(ErrorKind::ParameterInvalid, std::string(what) + " " + value +
                                                      " is not a multiple of " + step_name + " " +
                                                      format_units(step, places));
  return *units;
}

}  // namespace

std::optional<ApiError> check_price(const ContractRules& r, std::string_view price) {
  const auto units = on_grid("price", price, r.price_place, r.price_end_step, "the tick");
  if (const auto* e = std::get_if<ApiError>(&units)) return *e;
  return std::nullopt;
}

std::optional<ApiError> check_size(const ContractRules& r, std::string_view size,
                                   std::string_view price) {
  const auto on = on_grid("size", size, r.volume_place, r.size_step, "sizeMultiplier");
  if (const auto* e = std::get_if<ApiError>(&on)) return *e;
  const int64_t units = std::get<int64_t>(on);
  if (units < r.min_size)
    return api_error(ErrorKind::SizeBelowMinimum, "size " + std::string(size) + " < minTradeNum " +
                                                      format_units(r.min_size, r.volume_place));
  // Notional against minTradeUSDT, exactly: price x size and the minimum on one decimal scale.
  const auto p = parse_decimal(price);
  const auto min = parse_decimal(r.min_trade_usdt);
  if (!p || !min) return std::nullopt;  // a market order's reference price is the caller's
  const int places = p->places + r.volume_place, scale = std::max(places, min->places);
  const __int128 value = static_cast<__int128>(p->mantissa) * units;
  if (value * pow10_wide(scale - places) <
      static_cast<__int128>(min->mantissa) * pow10_wide(scale - min->places))
    return api_error(ErrorKind::SizeBelowMinimum, "notional " + std::string(price) + " x " +
                                                      std::string(size) + " < minTradeUSDT " +
                                                      r.min_trade_usdt);
  return std::nullopt;
}

}  // namespace aitrapp::bitget
