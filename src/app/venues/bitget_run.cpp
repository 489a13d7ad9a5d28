// `run --venue bitget`: Bitget USDT-M market data, PAPER fills in process or LIVE orders. Before
// anything trades: the contracts (the instruments' tick, size step and band come from them), the
// exchange's clock, and for LIVE the credentials, the account's fee rates (never a default), its
// position mode, margin mode and leverage as the configuration asks, each applied or refused
// by name.
#include "app/env.hpp"
#include "app/venues/bitget_live.hpp"
#include "app/venues/exchange_clock.hpp"
#include "app/venues/run_venue.hpp"
#include "ops/prometheus_text.hpp"
#include "venue/bitget/bitget_order_form.hpp"
#include "venue/bitget/bitget_rest.hpp"

namespace aitrapp {

namespace {

using bitget::BitgetReply;
using bitget::BitgetRest;
using bitget::kProductType;
using nlohmann::json;

std::string text_of(const json& j, const char* name) {
  const auto it = j.find(name);
  if (it == j.end()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

// The configuration's Bitget instruments matched against the contracts list; each takes the
// contract's tick, size step and price band.
Result<std::map<std::string, bitget::ContractRules>> map_contracts(
    BitgetRest& rest, const std::string& root, AppConfig& cfg, std::vector<std::string>& notes) {
  const BitgetReply r = rest.get("/api/v2/mix/market/contracts", {{"productType", kProductType}});
  if (!r.ok() || !r.data.is_array())
    return Error{"Bitget contracts (" + root + "/api/v2/mix/market/contracts): " + r.describe(),
                 r.retryable() ? ErrorCode::Unavailable : ErrorCode::Invalid};
  std::map<std::string, bitget::ContractRules> by_symbol;
  for (const json& c : r.data) {
    auto rules = bitget::parse_contract(c);
    if (!rules) return Error{"Bitget contracts: " + rules.error()};
    by_symbol[rules.value().symbol] = rules.value();
  }
  std::map<std::string, bitget::ContractRules> out;
  for (auto& [symbol, in] : cfg.engine.instruments) {
    if (in.exchange != "BITGET" || !in.tradable) continue;
    const std::string name = in.venue_symbol.empty() ? symbol : in.venue_symbol;
    if (name != symbol)
      return Error{"instrument " + symbol + ": on Bitget the engine symbol is the contract's (" +
                   name + ")"};
    const auto it = by_symbol.find(name);
    if (it == by_symbol.end())
      return Error{"instrument " + symbol + " is not a Bitget USDT-M contract"};
    auto mapped = bitget::instrument_of(it->second);
    if (!mapped) return Error{"instrument " + symbol + ": " + mapped.error()};
    const Instrument& m = mapped.value();
    if (m.tick != in.tick || m.lot != in.lot || m.units_per_whole != in.units_per_whole ||
        m.band_bps != in.band_bps)
      notes.push_back(symbol + ": tick " + to_string(m.tick) + ", size step " +
                      bitget::format_size(it->second, m.lot) + ", band " +
                      std::to_string(m.band_bps) + " bps from Bitget's contracts");
    in.tick = m.tick;
    in.lot = m.lot;
    in.units_per_whole = m.units_per_whole;
    in.band_bps = m.band_bps;
    out[symbol] = it->second;
  }
  if (out.empty())
    return Error{
        "the configuration has no tradable instrument on exchange BITGET (give --config "
        "configs/bitget.yaml, or a configuration of your own that lists one)"};
  return out;
}

// The contract's funding rate and mark price as the public API states them, for the banner.
void note_market(BitgetRest& rest, const bitget::ContractRules& c, std::vector<std::string>& n) {
  const net::Form q{{"symbol", c.symbol}, {"productType", kProductType}};
  const BitgetReply fund = rest.get("/api/v2/mix/market/current-fund-rate", q);
  const BitgetReply mark = rest.get("/api/v2/mix/market/symbol-price", q);
  const json* f = fund.ok() && fund.data.is_array() && !fund.data.empty() ? &fund.data[0] : nullptr;
  const json* m = mark.ok() && mark.data.is_array() && !mark.data.empty() ? &mark.data[0] : nullptr;
  n.push_back(c.symbol + ": funding rate " + (f ? text_of(*f, "fundingRate") : fund.describe()) +
              " every " + std::to_string(c.fund_interval_hours) + " h, mark price " +
              (m ? text_of(*m, "markPrice") : mark.describe()));
}

// The account's own maker and taker rates (zero and negative makers are valid).
Result<void> note_fees(BitgetRest& rest, const bitget::ContractRules& c,
                       std::vector<std::string>& notes) {
  const BitgetReply r =
      rest.signed_get("/api/v2/common/trade-rate", {{"symbol", c.symbol}, {"businessType", "mix"}});
  if (!r.ok() || !r.data.is_object() || !r.data.contains("makerFeeRate"))
    return Error{"the account's fee rates for " + c.symbol +
                 " could not be read (/api/v2/common/trade-rate): " + r.describe()};
  notes.push_back(c.symbol + ": fees maker " + text_of(r.data, "makerFeeRate") + " taker " +
                  text_of(r.data, "takerFeeRate") + " (api:bitget:trade-rate)");
  return {};
}

// Applies one account setting; when Bitget refuses (positions or orders open), the account as
// it stands must already match.
Result<void> apply_setting(BitgetRest& rest, const bitget::ContractRules& c, const char* path,
                           json body, const char* field, const std::string& want,
                           std::vector<std::string>& notes) {
  const BitgetReply set = rest.signed_post(path, body);
  if (set.ok()) return {};
  const BitgetReply acc = rest.signed_get(
      "/api/v2/mix/account/account",
      {{"symbol", c.symbol}, {"productType", kProductType}, {"marginCoin", c.quote_coin}});
  if (!acc.ok())
    return Error{std::string("the account's ") + field + " could not be read: " + acc.describe()};
  const std::string have = text_of(acc.data, field);
  if (have != want)
    return Error{std::string("the account's ") + field + " is " + have + ", the configuration " +
                 "asks " + want + ", and Bitget refused the change: " + set.describe()};
  notes.push_back(c.symbol + ": " + field + " " + have + " (unchanged: " + set.msg + ")");
  return {};
}

Result<void> apply_account(BitgetRest& rest, const AppConfig& cfg,
                           const std::map<std::string, bitget::ContractRules>& contracts,
                           std::vector<std::string>& notes) {
  const BitgetAccountSettings& b = cfg.bitget;
  const bitget::ContractRules& first = contracts.begin()->second;
  if (auto r = apply_setting(rest, first, "/api/v2/mix/account/set-position-mode",
                             {{"productType", kProductType}, {"posMode", b.position_mode}},
                             "posMode", b.position_mode, notes);
      !r)
    return r;
  for (const auto& [symbol, c] : contracts) {
    if (b.leverage > c.max_lever)
      return Error{"venue.bitget.leverage " + std::to_string(b.leverage) + " is above " + symbol +
                   "'s maximum of " + std::to_string(c.max_lever)};
    const json where = {
        {"symbol", symbol}, {"productType", kProductType}, {"marginCoin", c.quote_coin}};
    json mode = where, lever = where;
    mode["marginMode"] = b.margin_mode;
    lever["leverage"] = std::to_string(b.leverage);
    if (auto r = apply_setting(rest, c, "/api/v2/mix/account/set-margin-mode", mode, "marginMode",
                               b.margin_mode, notes);
        !r)
      return r;
    if (auto r = apply_setting(rest, c, "/api/v2/mix/account/set-leverage", lever,
                               "crossedMarginLeverage", std::to_string(b.leverage), notes);
        !r)
      return r;
  }
  notes.push_back("account: " + b.position_mode + ", " + b.margin_mode + " margin, leverage " +
                  std::to_string(b.leverage));
  return {};
}

}  // namespace

Result<PreparedVenue> prepare_bitget_venue(const RunOptions& opts) {
  auto cfg = load_app_config(opts.config_path);
  if (!cfg) return Error{cfg.error()};
  BitgetLiveSettings s;
  s.rest_root = opts.bitget_root;
  s.ws_base = opts.bitget_ws;
  s.live = opts.live;
  s.margin_mode = cfg.value().bitget.margin_mode;
  const auto key = env_value("BITGET_API_KEY"), secret = env_value("BITGET_API_SECRET"),
             passphrase = env_value("BITGET_PASSPHRASE");
  if (opts.live && (!key || !secret || !passphrase))
    return Error{
        "--venue bitget --live needs BITGET_API_KEY, BITGET_API_SECRET and "
        "BITGET_PASSPHRASE in the environment"};
  s.credentials = {key.value_or(""), secret.value_or(""), passphrase.value_or("")};
  PreparedVenue v;
  std::shared_ptr<ScaledClock> clock;
  try {
    auto c = exchange_clock(opts.bitget_sim_clock, "--bitget-sim-clock");
    if (!c) return c.failure();
    clock = std::move(c.value());
    BitgetRest rest(opts.bitget_root, "--bitget-root", s.credentials, *clock,
                    std::chrono::milliseconds(7000));
    auto offset = rest.sync_time();
    if (!offset)
      return Error{"Bitget (" + opts.bitget_root + "): " + offset.error(), ErrorCode::Unavailable};
    s.clock_offset_ms = offset.value();
    if (std::llabs(offset.value()) > 1000)
      v.notes.push_back("the exchange's clock is " + std::to_string(offset.value()) +
                        " ms from ours: requests are signed at the exchange's time");
    auto contracts = map_contracts(rest, opts.bitget_root, cfg.value(), v.notes);
    if (!contracts) return contracts.failure();
    s.rules = std::move(contracts.value());
    for (const auto& [_, c] : s.rules) note_market(rest, c, v.notes);
    if (opts.live) {
      for (const auto& [_, c] : s.rules)
        if (auto r = note_fees(rest, c, v.notes); !r) return r.failure();
      if (auto r = apply_account(rest, cfg.value(), s.rules, v.notes); !r) return r.failure();
    }
  } catch (const std::exception& e) {
    return Error{e.what()};
  }
  v.cfg = std::move(cfg.value());
  v.speed = clock->speed();
  v.live = opts.live;
  v.make_session = [clock, s](const AppConfig& cfg, Store& store, VenueJournal& journal,
                              LogSink& log) {
    // A minute's bar closes 2 s after its end: ticks of it still on their way count.
    return std::make_unique<LiveSession>(cfg, store, journal, log, *clock,
                                         bitget_live_venue(s, log, *clock), 2000);
  };
  v.describe = [live = opts.live, root = opts.bitget_root, ws = opts.bitget_ws,
                speed = v.speed](const SessionDriver& d) {
    return std::string(live ? "LIVE orders on Bitget" : "PAPER fills in process") +
           " over Bitget market data (" + root + ", streams " + ws + "), " + d.day_string() +
           " at " + ops::format_value(speed) + "x";
  };
  return v;
}

}  // namespace aitrapp
