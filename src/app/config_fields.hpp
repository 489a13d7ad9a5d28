#pragma once
// Every configuration field, listed once: its YAML key, its place in AppConfig, its unit and its
// range. Parsing (a reader over the YAML) and the canonical JSON behind config_sha (a writer)
// both walk these lists, so a field cannot be read and left out of the hash, or the reverse.
// A visitor F provides:
//   text(key, std::string&)            boolean(key, bool&)         hhmm(key, int& minute)
//   integer(key, I&, lo, hi)           real(key, double&, lo, hi)
//   fixed(key, int64_t& raw, lo, hi)   a 4-place decimal, as raw units
//   pct(key, canonical_key, int64_t& bps, lo_bps, hi_bps)   "0.5" % in YAML, bps in the hash
//   seconds(key, TimeMs& ms, lo_s, hi_s)                    seconds in YAML and the hash
//   section(key, fn)                   a nested mapping
//   require(bool, message)             a rule across fields (the reader refuses, the writer skips)
// Strategy parameters are listed here too; which kind's go into the hash is config.cpp's choice.
#include "app/config.hpp"

namespace aitrapp::config_fields {

template <class F>
void app(F& f, AppConfig& c) {
  f.text("timezone", c.engine.timezone);
  f.text("log_file", c.log_file);
  f.text("perp_symbol", c.perp_symbol);
}

template <class F>
void session(F& f, SessionTimes& t) {
  f.hhmm("open", t.open_minute);
  f.hhmm("close", t.close_minute);
  f.hhmm("eod_tighten", t.tighten_minute);
  f.hhmm("hard_flat", t.flat_minute);
  f.require(t.open_minute < t.tighten_minute && t.tighten_minute <= t.flat_minute &&
                t.flat_minute < t.close_minute,
            "'session' times must satisfy open < eod_tighten <= hard_flat < close");
}

template <class F>
void risk(F& f, RiskLimits& l) {
  f.fixed("capital", l.capital.raw, kScale, int64_t{1'000'000'000'000} * kScale);
  f.pct("per_trade_risk_pct", "per_trade_risk_bps", l.per_trade_risk_bps, 1, 500);
  f.pct("portfolio_heat_pct", "portfolio_heat_bps", l.heat_bps, 1, 2000);
  f.pct("daily_loss_pct", "daily_loss_bps", l.daily_loss_bps, 1, 2000);
  f.pct("max_drawdown_pct", "max_drawdown_bps", l.max_drawdown_bps, 1, 5000);
  f.integer("max_spread_bps", l.max_spread_bps, 1, 1000);
  f.integer("min_bar_volume", l.min_bar_volume, 0, int64_t{1} << 40);
  f.integer("max_open_positions", l.max_open_positions, 1, 10'000);
  f.integer("max_decisions_per_day", l.max_decisions_per_day, 1, 100'000);
  f.require(l.per_trade_risk_bps <= l.heat_bps,
            "'risk.per_trade_risk_pct' must not exceed 'risk.portfolio_heat_pct'");
}

template <class F>
void ema_cross(F& f, EmaCrossParams& q) {
  f.integer("ema_fast", q.ema_fast, 2, 400);
  f.integer("ema_slow", q.ema_slow, 3, 800);
  f.integer("atr_period", q.atr_period, 2, 200);
  f.real("stop_atr", q.stop_atr, 0.1, 50);
  f.real("target_atr", q.target_atr, 0.1, 100);
  f.require(q.ema_fast < q.ema_slow, "'strategy.ema_cross.ema_fast' must be below 'ema_slow'");
}

template <class F>
void breakout(F& f, BreakoutParams& p) {
  f.integer("lookback", p.lookback, 2, 200);
  f.integer("ema_fast", p.ema_fast, 2, 200);
  f.integer("ema_slow", p.ema_slow, 3, 400);
  f.integer("atr_period", p.atr_period, 2, 200);
  f.integer("volume_window", p.volume_window, 2, 500);
  f.real("stop_atr", p.stop_atr, 0.8, 20);
  f.real("target_atr", p.target_atr, 0.1, 50);
  f.real("vix_calm", p.vix_calm, 0, 200);
  f.real("vix_stressed", p.vix_stressed, 0, 200);
  f.require(p.ema_fast < p.ema_slow, "'strategy.breakout.ema_fast' must be below 'ema_slow'");
  f.require(p.vix_calm < p.vix_stressed,
            "'strategy.breakout.vix_calm' must be below 'vix_stressed'");
  f.section("weights", [&](F& w) {
    ScoreWeights& s = p.weights;
    w.real("momentum", s.momentum, 0, 1);
    w.real("trend", s.trend, 0, 1);
    w.real("liquidity", s.liquidity, 0, 1);
    w.real("regime", s.regime, 0, 1);
    w.real("reward_risk", s.reward_risk, 0, 1);
    w.require(s.momentum + s.trend + s.liquidity + s.regime + s.reward_risk > 0,
              "'strategy.breakout.weights' must not all be zero");
  });
}

template <class F>
void ranker(F& f, RankerParams& r) {
  f.real("min_score", r.min_score, 0, 1);
  f.integer("max_per_instant", r.max_per_instant, 1, 10'000);
}

template <class F>
void oms(F& f, OmsParams& o) {
  f.integer("orders_per_second", o.orders_per_second, 1, 1'000'000);
  f.integer("orders_per_minute", o.orders_per_minute, 0, 60'000'000);
  f.integer("ack_timeout_ms", o.ack_timeout_ms, 10, 600'000);
  f.integer("max_retries", o.max_retries, 0, 20);
  f.integer("entry_timeout_ms", o.entry_timeout_ms, 1000, 3'600'000);
  f.boolean("reprice_entries", o.reprice_entries);
}

template <class F>
void eod(F& f, EodParams& e) {
  f.integer("tighten_bps", e.tighten_bps, 1, 1000);
}

template <class F>
void kill_switch(F& f, KillTriggerParams& p) {
  f.integer("ack_p95_limit_ms", p.ack_p95_limit_ms, 1, 600'000);
  f.seconds("ack_breach_for_s", p.ack_breach_for_ms, 0, 3600);
  f.seconds("ack_window_s", p.ack_window_ms, 1, 3600);
  f.integer("ack_min_samples", p.ack_min_samples, 1, 10'000);
  f.integer("market_quality_max", p.market_quality_max, 0, 10'000);
  f.seconds("market_quality_window_s", p.market_quality_window_ms, 1, 3600);
  f.integer("spread_blowout_bps", p.spread_blowout_bps, 1, 10'000);
  f.seconds("throttle_rising_for_s", p.throttle_rising_for_ms, 1, 3600);
}

// `with_bitget`: the Bitget account settings are part of the hash only for a Bitget configuration
// (every tradable instrument a Bitget contract), so that adding them left the other
// configurations' config_sha as it was (the embedded default lists BTCUSDT beside NSE futures).
template <class F>
void venue(F& f, AppConfig& c, bool with_bitget) {
  SimVenueParams& s = c.sim;
  f.section("sim", [&](F& v) {
    v.integer("latency_ms", s.latency_ms, 0, 60'000);
    v.pct("participation_pct", "participation_bps", s.participation_bps, 1, 10000);
    v.integer("stop_slippage_ticks", s.stop_slippage_ticks, 0, 1000);
  });
  if (!with_bitget) return;
  BitgetAccountSettings& b = c.bitget;
  f.section("bitget", [&](F& v) {
    v.integer("leverage", b.leverage, 1, 125);
    v.text("margin_mode", b.margin_mode);
    v.text("position_mode", b.position_mode);
    v.require(b.margin_mode == "crossed" || b.margin_mode == "isolated",
              "'venue.bitget.margin_mode' must be crossed or isolated");
    v.require(b.position_mode == "one_way_mode",
              "'venue.bitget.position_mode' must be one_way_mode (the engine nets one position "
              "per contract; hedge_mode is not supported)");
  });
}

// One entry of `instruments` (a list: config.cpp walks it).
template <class F>
void instrument(F& f, Instrument& in) {
  f.text("symbol", in.symbol);
  f.text("exchange", in.exchange);
  f.text("venue_symbol", in.venue_symbol);
  f.boolean("tradable", in.tradable);
  f.fixed("tick", in.tick.raw, 1, 1000 * kScale);
  f.integer("lot", in.lot.units, 1, 1'000'000);
  f.integer("freeze_qty", in.freeze_qty.units, 0, 100'000'000);
  f.pct("band_pct", "band_bps", in.band_bps, 1, 5000);
  f.integer("units_per_whole", in.units_per_whole, 1, 1'000'000'000);
  f.integer("spread_ticks", in.base_spread_ticks, 1, 1000);
  f.integer("ref_volume", in.ref_volume, 0, int64_t{1} << 40);
}

}  // namespace aitrapp::config_fields
