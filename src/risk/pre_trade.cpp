#include "risk/pre_trade.hpp"

#include <cstdlib>

namespace aitrapp {

Money bracket_risk(const Instrument& inst, Price entry, Price stop, Qty qty) {
  Price d = entry > stop ? entry - stop : stop - entry;
  return pnl_of(d, qty, inst.units_per_whole);
}

Qty size_for_risk(const Instrument& inst, Price entry, Price stop, const RiskLimits& lim) {
  Money per_lot = bracket_risk(inst, entry, stop, inst.lot);
  if (per_lot.raw <= 0) return Qty{0};
  int64_t lots = pct_of(lim.capital, lim.per_trade_risk_bps).raw / per_lot.raw;
  return Qty{lots * inst.lot.units};
}

std::optional<RiskBlock> check_pre_trade(const TradeProposal& p, const PortfolioRisk& r,
                                         const RiskLimits& lim, TradingState state) {
  const Instrument& inst = *p.inst;
  if (state != TradingState::Active)
    return RiskBlock{"TRADING_STATE", std::string("entries blocked in state ") + to_string(state)};
  if (!inst.tradable) return RiskBlock{"NOT_TRADABLE", inst.symbol + " is not tradable"};
  if (p.qty.units <= 0 || p.qty.units % inst.lot.units != 0)
    return RiskBlock{"LOT_TICK", "quantity " + std::to_string(p.qty.units) +
                                     " is not a positive multiple of lot " +
                                     std::to_string(inst.lot.units)};
  for (Price px : {p.entry, p.stop, p.target})
    if (!is_on_tick(px, inst.tick))
      return RiskBlock{"LOT_TICK",
                       "price " + to_string(px) + " is not on tick " + to_string(inst.tick)};
  if (inst.freeze_qty.units > 0 && p.qty > inst.freeze_qty)
    return RiskBlock{"FREEZE_BAND", "quantity " + std::to_string(p.qty.units) +
                                        " exceeds freeze quantity " +
                                        std::to_string(inst.freeze_qty.units)};
  for (Price px : {p.entry, p.stop, p.target})
    if (!within_band(px, p.last, inst.band_bps))
      return RiskBlock{"FREEZE_BAND",
                       "price " + to_string(px) + " outside the band around " + to_string(p.last)};
  if (const auto& band = p.venue_band)
    for (Price px : {p.entry, p.stop, p.target})
      if (px < band->lower || px > band->upper)
        return RiskBlock{"FREEZE_BAND",
                         "price " + to_string(px) + " outside the exchange's circuit limits " +
                             to_string(band->lower) + " - " + to_string(band->upper)};
  const Price mid = Price::from_raw((p.bid.raw + p.ask.raw) / 2);
  const int64_t spread_bps = mid.raw > 0 ? mul_div((p.ask - p.bid).raw, 10'000, mid.raw) : 0;
  if (spread_bps > lim.max_spread_bps || p.bar_volume < lim.min_bar_volume)
    return RiskBlock{"SPREAD_ILLIQUID", "spread " + std::to_string(spread_bps) + " bps (max " +
                                            std::to_string(lim.max_spread_bps) + "), bar volume " +
                                            std::to_string(p.bar_volume) + " (min " +
                                            std::to_string(lim.min_bar_volume) + ")"};
  const Money risk = bracket_risk(inst, p.entry, p.stop, p.qty);
  const Money per_trade_cap = pct_of(lim.capital, lim.per_trade_risk_bps);
  if (risk > per_trade_cap)
    return RiskBlock{"PER_TRADE_RISK", "risk " + to_string(risk) + " exceeds per-trade cap " +
                                           to_string(per_trade_cap)};
  const Money heat_cap = pct_of(lim.capital, lim.heat_bps);
  if (r.open_risk + risk > heat_cap)
    return RiskBlock{"PORTFOLIO_HEAT", "heat " + to_string(r.open_risk) + " + " + to_string(risk) +
                                           " exceeds cap " + to_string(heat_cap)};
  if (r.open_positions >= lim.max_open_positions)
    return RiskBlock{"MAX_POSITIONS", std::to_string(r.open_positions) + " open positions (max " +
                                          std::to_string(lim.max_open_positions) + ")"};
  if (r.decisions_today >= lim.max_decisions_per_day)
    return RiskBlock{"MAX_DECISIONS", std::to_string(r.decisions_today) + " decisions today (max " +
                                          std::to_string(lim.max_decisions_per_day) + ")"};
  if (auto b = check_loss_limits(r, lim)) return b;
  return std::nullopt;
}

std::optional<RiskBlock> check_loss_limits(const PortfolioRisk& r, const RiskLimits& lim) {
  const Money loss_cap = pct_of(lim.capital, lim.daily_loss_bps);
  if (-r.day_pnl.raw >= loss_cap.raw)
    return RiskBlock{"DAILY_LOSS_STOP", "day P&L " + to_string(r.day_pnl) +
                                            " breached loss stop -" + to_string(loss_cap)};
  const Money dd_cap = pct_of(lim.capital, lim.max_drawdown_bps);
  if (r.drawdown >= dd_cap)
    return RiskBlock{"MAX_DRAWDOWN", "drawdown " + to_string(r.drawdown) + " breached hard stop " +
                                         to_string(dd_cap)};
  return std::nullopt;
}

}  // namespace aitrapp
