#pragma once
// One USDT-margined futures account as the Bitget simulator keeps it: the cash ledger (capital,
// realized P&L, trading fees, funding) and each contract's one-way net position with its average
// open price. A fill that reduces a position realizes P&L at the average price; one that crosses
// zero closes the old side and opens the rest at its own price. Money is the engine's fixed point
// (4 decimals); a fee is rounded toward zero there. Pure; not thread-safe (the exchange owns it
// under its lock).
#include <map>
#include <string>
#include <vector>

#include "core/decimal.hpp"
#include "core/time.hpp"
#include "core/types.hpp"

namespace aitrapp::bitget {

class PerpAccount {
 public:
  explicit PerpAccount(Money capital) : capital_(capital) {}

  struct Position {
    Qty net;                        // signed: positive long, negative short
    Price avg;                      // average open price of `net`; zero when flat
    Money realized, fees, funding;  // since the position was first opened
    TimeMs opened = 0, updated = 0;
  };

  // Books a fill of `qty` at `price` (`fee` paid; negative when a maker rebate is received) and
  // returns the P&L the fill realized. `units_per_whole` turns quantity units into base coins.
  Money fill(const std::string& symbol, Side side, Qty qty, Price price, Money fee,
             int64_t units_per_whole, TimeMs now);
  // A funding settlement: `amount` received (negative: paid).
  void funding(const std::string& symbol, Money amount, TimeMs now);

  // The position of `symbol`, or nullptr when it never traded.
  const Position* position(const std::string& symbol) const;
  const std::map<std::string, Position>& positions() const { return positions_; }
  // Capital plus realized P&L, less fees, plus funding received: the equity of a flat account.
  Money cash() const { return capital_ + realized_ - fees_ + funding_; }
  Money realized() const { return realized_; }
  Money fees() const { return fees_; }
  Money funding_total() const { return funding_; }

 private:
  Money capital_, realized_, fees_, funding_;
  std::map<std::string, Position> positions_;
};

// The simulator's position tiers, the same for every contract (shaped like Bitget's BTCUSDT
// tiers): a position's value in USDT picks its tier, which caps the leverage and sets the
// maintenance margin rate.
struct PositionTier {
  int level;
  int64_t start_usdt, end_usdt;  // [start, end)
  int max_leverage;
  int64_t keep_margin_rate_raw;  // on Money's scale: 40 is 0.4 %
};
const std::vector<PositionTier>& position_tiers();
const PositionTier& tier_of(Money position_value);

// The P&L of `p` marked at `mark`.
Money unrealized(const PerpAccount::Position& p, Price mark, int64_t units_per_whole);

}  // namespace aitrapp::bitget
