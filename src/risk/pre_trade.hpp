#pragma once
// Pre-trade risk checks. Each check that blocks names itself and why; the engine persists the
// block as a risk event. Pure functions over snapshots; thread-safe.
#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "core/instrument.hpp"
#include "risk/limits.hpp"
#include "risk/trading_state.hpp"

namespace aitrapp {

// The exchange's price band for an instrument (circuit limits), inclusive, as the venue reports
// it: it moves during a session when the exchange widens or narrows it.
// Every check an entry can be blocked by, as risk events and trader_risk_blocks_total name them:
// check_pre_trade's, and the engine's QUANTIZE (no valid bracket after rounding to tick and lot)
// and REPRICE_RISK (repricing a remainder would exceed the trade's risk).
inline constexpr std::array<std::string_view, 13> kEntryBlockChecks{
    "DAILY_LOSS_STOP", "FREEZE_BAND",  "LOT_TICK",       "MAX_DECISIONS",  "MAX_DRAWDOWN",
    "MAX_POSITIONS",   "NOT_TRADABLE", "PER_TRADE_RISK", "PORTFOLIO_HEAT", "SPREAD_ILLIQUID",
    "TRADING_STATE",   "QUANTIZE",     "REPRICE_RISK"};

struct TradeProposal {
  const Instrument* inst = nullptr;
  Side side = Side::Buy;
  Qty qty;
  Price entry, stop, target;
  Price last, bid, ask;
  int64_t bar_volume = 0;
  std::optional<PriceBand> venue_band = std::nullopt;  // none until the venue reports one
};

struct PortfolioRisk {
  Money open_risk;  // current heat: sum over open and pending brackets of |entry - stop| x qty
  Money day_pnl;    // realized + unrealized since the session start
  Money drawdown;   // peak equity minus current equity (>= 0)
  int open_positions = 0;
  int decisions_today = 0;
};

struct RiskBlock {
  std::string check;   // PER_TRADE_RISK, PORTFOLIO_HEAT, ... (metric label)
  std::string reason;  // human detail with the numbers
};

// Risk in money of a bracket: |entry - stop| x qty.
Money bracket_risk(const Instrument& inst, Price entry, Price stop, Qty qty);
// Largest lot-rounded quantity whose bracket risk fits the per-trade budget (0 if none).
Qty size_for_risk(const Instrument& inst, Price entry, Price stop, const RiskLimits& lim);

// First failing check in a fixed order, or nullopt when the trade may go.
std::optional<RiskBlock> check_pre_trade(const TradeProposal& p, const PortfolioRisk& r,
                                         const RiskLimits& lim, TradingState state);

// Loss and drawdown stops, checked on every mark-to-market; a block here means HARD_STOP.
std::optional<RiskBlock> check_loss_limits(const PortfolioRisk& r, const RiskLimits& lim);

}  // namespace aitrapp
