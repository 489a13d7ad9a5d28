#pragma once
// Risk limits from configuration. Percentages are held in basis points so that every
// comparison is integer arithmetic on fixed-point money.
#include <cstdint>

#include "core/decimal.hpp"

namespace aitrapp {

struct RiskLimits {
  Money capital = Money::from_units(1'000'000);  // net liquidity the percentages refer to
  int64_t per_trade_risk_bps = 50;               // 0.50 %
  int64_t heat_bps = 200;                        // 2.00 % sum of open risk
  int64_t daily_loss_bps = 200;                  // 2.00 % of capital lost today -> HARD_STOP
  int64_t max_drawdown_bps = 500;                // 5.00 % from peak equity -> HARD_STOP
  int64_t max_spread_bps = 10;    // quote spread vs mid above which entries are blocked
  int64_t min_bar_volume = 1000;  // thinner bars are illiquid
  int max_open_positions = 4;
  int max_decisions_per_day = 12;
};

inline Money pct_of(Money base, int64_t bps) {
  return Money::from_raw(mul_div(base.raw, bps, 10'000));
}

}  // namespace aitrapp
