#include "app/config.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

#include "core/sha256.hpp"
#include "core/text.hpp"

namespace aitrapp {
namespace {

struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Reads one YAML mapping, remembering which keys were consumed so that leftovers are errors.
class Section {
 public:
  Section(const YAML::Node& node, std::string path) : node_(node), path_(std::move(path)) {
    if (node_ && !node_.IsMap()) throw ConfigError(where() + "must be a mapping");
    std::set<std::string> keys;  // yaml-cpp keeps duplicate keys; a config must not
    if (node_)
      for (const auto& kv : node_)
        if (!keys.insert(kv.first.as<std::string>()).second)
          throw ConfigError("duplicate key '" + key(kv.first.as<std::string>()) + "'");
  }
  ~Section() noexcept(false) {
    if (std::uncaught_exceptions() || !node_) return;
    for (const auto& kv : node_) {
      const std::string k = kv.first.as<std::string>();
      if (!seen_.count(k)) throw ConfigError("unknown key '" + key(k) + "'");
    }
  }
  std::string key(const std::string& k) const { return path_.empty() ? k : path_ + "." + k; }
  YAML::Node child(const std::string& k) {
    seen_.insert(k);
    return node_ ? node_[k] : node_;  // an absent section: every key of it is absent too
  }
  std::string str(const std::string& k, const std::string& def) {
    auto n = child(k);
    if (!n) return def;
    if (!n.IsScalar()) throw ConfigError("'" + key(k) + "' must be a string");
    return n.Scalar();
  }
  int64_t integer(const std::string& k, int64_t def, int64_t lo, int64_t hi) {
    auto n = child(k);
    int64_t v = def;
    if (n) {
      if (!n.IsScalar()) throw ConfigError("'" + key(k) + "' must be an integer");
      try {
        size_t used = 0;
        v = std::stoll(n.Scalar(), &used);
        if (used != n.Scalar().size()) throw std::invalid_argument("trailing");
      } catch (const std::exception&) {
        throw ConfigError("'" + key(k) + "' must be an integer, got '" + n.Scalar() + "'");
      }
    }
    if (v < lo || v > hi)
      throw ConfigError("'" + key(k) + "' = " + std::to_string(v) + " is out of range [" +
                        std::to_string(lo) + ", " + std::to_string(hi) + "]");
    return v;
  }
  // Fixed-point decimal (4 places) as raw units.
  int64_t fixed(const std::string& k, int64_t def_raw, int64_t lo_raw, int64_t hi_raw) {
    auto n = child(k);
    int64_t v = def_raw;
    if (n) {
      if (!n.IsScalar()) throw ConfigError("'" + key(k) + "' must be a number");
      auto p = parse_fixed(n.Scalar());
      if (!p)
        throw ConfigError("'" + key(k) + "' must be a decimal number, got '" + n.Scalar() + "'");
      v = *p;
    }
    if (v < lo_raw || v > hi_raw)
      throw ConfigError("'" + key(k) + "' = " + format_fixed(v) + " is out of range [" +
                        format_fixed(lo_raw) + ", " + format_fixed(hi_raw) + "]");
    return v;
  }
  // Percentage with at most two decimals, returned in basis points.
  int64_t pct_bps(const std::string& k, int64_t def_bps, int64_t lo_bps, int64_t hi_bps) {
    int64_t raw = fixed(k, def_bps * 100, lo_bps * 100, hi_bps * 100);
    if (raw % 100 != 0) throw ConfigError("'" + key(k) + "' allows at most two decimal places");
    return raw / 100;
  }
  double real(const std::string& k, double def, double lo, double hi) {
    auto n = child(k);
    double v = def;
    if (n) {
      try {
        v = n.as<double>();
      } catch (const std::exception&) {
        throw ConfigError("'" + key(k) + "' must be a number");
      }
    }
    if (!(v >= lo && v <= hi))
      throw ConfigError("'" + key(k) + "' is out of range [" + std::to_string(lo) + ", " +
                        std::to_string(hi) + "]");
    return v;
  }
  bool boolean(const std::string& k, bool def) {
    auto n = child(k);
    if (!n) return def;
    try {
      return n.as<bool>();
    } catch (const std::exception&) {
      throw ConfigError("'" + key(k) + "' must be true or false");
    }
  }
  int hhmm(const std::string& k, int def) {
    auto s = str(k, format_hhmm(def));
    int m = parse_hhmm(s);
    if (m < 0) throw ConfigError("'" + key(k) + "' must be a time HH:MM, got '" + s + "'");
    return m;
  }

 private:
  std::string where() const { return path_.empty() ? "configuration " : "'" + path_ + "' "; }
  YAML::Node node_;
  std::string path_;
  std::set<std::string> seen_;
};

AppConfig build(const YAML::Node& root) {
  AppConfig c;
  EngineConfig& e = c.engine;
  Section top(root, "");
  {
    Section app(top.child("app"), "app");
    e.timezone = app.str("timezone", "Asia/Kolkata");
    c.log_file = app.str("log_file", c.log_file);
    c.perp_symbol = app.str("perp_symbol", c.perp_symbol);
  }
  {
    Section s(top.child("session"), "session");
    e.session.open_minute = s.hhmm("open", e.session.open_minute);
    e.session.close_minute = s.hhmm("close", e.session.close_minute);
    e.session.tighten_minute = s.hhmm("eod_tighten", e.session.tighten_minute);
    e.session.flat_minute = s.hhmm("hard_flat", e.session.flat_minute);
    const auto& t = e.session;
    if (!(t.open_minute < t.tighten_minute && t.tighten_minute <= t.flat_minute &&
          t.flat_minute < t.close_minute))
      throw ConfigError("'session' times must satisfy open < eod_tighten <= hard_flat < close");
  }
  try {
    TradingCalendar probe(e.timezone, e.session);
  } catch (const std::exception& ex) {
    throw ConfigError("'app.timezone': " + std::string(ex.what()));
  }
  {
    Section r(top.child("risk"), "risk");
    RiskLimits& l = e.limits;
    l.capital = Money::from_raw(
        r.fixed("capital", l.capital.raw, kScale, int64_t{1'000'000'000'000} * kScale));
    l.per_trade_risk_bps = r.pct_bps("per_trade_risk_pct", l.per_trade_risk_bps, 1, 500);
    l.heat_bps = r.pct_bps("portfolio_heat_pct", l.heat_bps, 1, 2000);
    l.daily_loss_bps = r.pct_bps("daily_loss_pct", l.daily_loss_bps, 1, 2000);
    l.max_drawdown_bps = r.pct_bps("max_drawdown_pct", l.max_drawdown_bps, 1, 5000);
    l.max_spread_bps = r.integer("max_spread_bps", l.max_spread_bps, 1, 1000);
    l.min_bar_volume = r.integer("min_bar_volume", l.min_bar_volume, 0, int64_t{1} << 40);
    l.max_open_positions =
        static_cast<int>(r.integer("max_open_positions", l.max_open_positions, 1, 10'000));
    l.max_decisions_per_day =
        static_cast<int>(r.integer("max_decisions_per_day", l.max_decisions_per_day, 1, 100'000));
    if (l.per_trade_risk_bps > l.heat_bps)
      throw ConfigError("'risk.per_trade_risk_pct' must not exceed 'risk.portfolio_heat_pct'");
  }
  {
    Section st(top.child("strategy"), "strategy");
    c.strategy.kind = st.str("kind", c.strategy.kind);
    if (!is_strategy_kind(c.strategy.kind))
      throw ConfigError("'strategy.kind' is " + quote_bytes(c.strategy.kind) +
                        "; known kinds: " + join(strategy_kinds()));
    {
      Section x(st.child("ema_cross"), "strategy.ema_cross");
      EmaCrossParams& q = c.strategy.ema_cross;
      q.ema_fast = static_cast<int>(x.integer("ema_fast", q.ema_fast, 2, 400));
      q.ema_slow = static_cast<int>(x.integer("ema_slow", q.ema_slow, 3, 800));
      q.atr_period = static_cast<int>(x.integer("atr_period", q.atr_period, 2, 200));
      q.stop_atr = x.real("stop_atr", q.stop_atr, 0.1, 50);
      q.target_atr = x.real("target_atr", q.target_atr, 0.1, 100);
      if (q.ema_fast >= q.ema_slow)
        throw ConfigError("'strategy.ema_cross.ema_fast' must be below 'ema_slow'");
    }
    Section b(st.child("breakout"), "strategy.breakout");
    BreakoutParams& p = c.strategy.breakout;
    p.lookback = static_cast<int>(b.integer("lookback", p.lookback, 2, 200));
    p.ema_fast = static_cast<int>(b.integer("ema_fast", p.ema_fast, 2, 200));
    p.ema_slow = static_cast<int>(b.integer("ema_slow", p.ema_slow, 3, 400));
    p.atr_period = static_cast<int>(b.integer("atr_period", p.atr_period, 2, 200));
    p.volume_window = static_cast<int>(b.integer("volume_window", p.volume_window, 2, 500));
    p.stop_atr = b.real("stop_atr", p.stop_atr, 0.8, 20);
    p.target_atr = b.real("target_atr", p.target_atr, 0.1, 50);
    p.vix_calm = b.real("vix_calm", p.vix_calm, 0, 200);
    p.vix_stressed = b.real("vix_stressed", p.vix_stressed, 0, 200);
    if (p.ema_fast >= p.ema_slow)
      throw ConfigError("'strategy.breakout.ema_fast' must be below 'ema_slow'");
    if (p.vix_calm >= p.vix_stressed)
      throw ConfigError("'strategy.breakout.vix_calm' must be below 'vix_stressed'");
    Section w(b.child("weights"), "strategy.breakout.weights");
    p.weights.momentum = w.real("momentum", p.weights.momentum, 0, 1);
    p.weights.trend = w.real("trend", p.weights.trend, 0, 1);
    p.weights.liquidity = w.real("liquidity", p.weights.liquidity, 0, 1);
    p.weights.regime = w.real("regime", p.weights.regime, 0, 1);
    p.weights.reward_risk = w.real("reward_risk", p.weights.reward_risk, 0, 1);
    if (p.weights.momentum + p.weights.trend + p.weights.liquidity + p.weights.regime +
            p.weights.reward_risk <=
        0)
      throw ConfigError("'strategy.breakout.weights' must not all be zero");
  }
  {
    Section r(top.child("ranker"), "ranker");
    e.ranker.min_score = r.real("min_score", e.ranker.min_score, 0, 1);
    e.ranker.max_per_instant =
        static_cast<int>(r.integer("max_per_instant", e.ranker.max_per_instant, 1, 10'000));
  }
  {
    Section o(top.child("oms"), "oms");
    e.oms.orders_per_second =
        static_cast<int>(o.integer("orders_per_second", e.oms.orders_per_second, 1, 1'000'000));
    e.oms.orders_per_minute =
        static_cast<int>(o.integer("orders_per_minute", e.oms.orders_per_minute, 0, 60'000'000));
    e.oms.ack_timeout_ms = o.integer("ack_timeout_ms", e.oms.ack_timeout_ms, 10, 600'000);
    e.oms.max_retries = static_cast<int>(o.integer("max_retries", e.oms.max_retries, 0, 20));
    e.oms.entry_timeout_ms = o.integer("entry_timeout_ms", e.oms.entry_timeout_ms, 1000, 3'600'000);
    e.oms.reprice_entries = o.boolean("reprice_entries", e.oms.reprice_entries);
  }
  {
    Section s(top.child("eod"), "eod");
    e.eod.tighten_bps = s.integer("tighten_bps", e.eod.tighten_bps, 1, 1000);
  }
  {
    Section k(top.child("kill_switch"), "kill_switch");
    KillTriggerParams& p = e.kill_switch;
    p.ack_p95_limit_ms = k.integer("ack_p95_limit_ms", p.ack_p95_limit_ms, 1, 600'000);
    p.ack_breach_for_ms = k.integer("ack_breach_for_s", p.ack_breach_for_ms / 1000, 0, 3600) * 1000;
    p.ack_window_ms = k.integer("ack_window_s", p.ack_window_ms / 1000, 1, 3600) * 1000;
    p.ack_min_samples =
        static_cast<int>(k.integer("ack_min_samples", p.ack_min_samples, 1, 10'000));
    p.market_quality_max =
        static_cast<int>(k.integer("market_quality_max", p.market_quality_max, 0, 10'000));
    p.market_quality_window_ms =
        k.integer("market_quality_window_s", p.market_quality_window_ms / 1000, 1, 3600) * 1000;
    p.spread_blowout_bps = k.integer("spread_blowout_bps", p.spread_blowout_bps, 1, 10'000);
    p.throttle_rising_for_ms =
        k.integer("throttle_rising_for_s", p.throttle_rising_for_ms / 1000, 1, 3600) * 1000;
  }
  {
    Section v(top.child("venue"), "venue");
    Section s(v.child("sim"), "venue.sim");
    c.sim.latency_ms = s.integer("latency_ms", c.sim.latency_ms, 0, 60'000);
    c.sim.participation_bps = s.pct_bps("participation_pct", c.sim.participation_bps, 1, 10000);
    c.sim.stop_slippage_ticks =
        s.integer("stop_slippage_ticks", c.sim.stop_slippage_ticks, 0, 1000);
  }
  auto list = top.child("instruments");
  if (!list || !list.IsSequence() || list.size() == 0)
    throw ConfigError("'instruments' must be a non-empty list");
  for (size_t i = 0; i < list.size(); ++i) {
    Section s(list[i], "instruments[" + std::to_string(i) + "]");
    Instrument in;
    in.symbol = s.str("symbol", "");
    if (in.symbol.empty()) throw ConfigError("'" + s.key("symbol") + "' is required");
    in.exchange = s.str("exchange", "NFO");
    in.venue_symbol = s.str("venue_symbol", "");
    in.tradable = s.boolean("tradable", true);
    in.tick = Price::from_raw(s.fixed("tick", in.tick.raw, 1, 1000 * kScale));
    in.lot = Qty{s.integer("lot", in.lot.units, 1, 1'000'000)};
    in.freeze_qty = Qty{s.integer("freeze_qty", 0, 0, 100'000'000)};
    in.band_bps = s.pct_bps("band_pct", in.band_bps, 1, 5000);
    in.units_per_whole = s.integer("units_per_whole", 1, 1, 1'000'000'000);
    in.base_spread_ticks = s.integer("spread_ticks", 1, 1, 1000);
    in.ref_volume = s.integer("ref_volume", 0, 0, int64_t{1} << 40);
    if (in.freeze_qty.units > 0 && in.freeze_qty < in.lot)
      throw ConfigError("'" + s.key("freeze_qty") + "' is below the lot size");
    if (e.instruments.count(in.symbol))
      throw ConfigError("'" + s.key("symbol") + "' duplicates " + in.symbol);
    e.instruments[in.symbol] = in;
  }
  return c;
}

nlohmann::json canonical(const AppConfig& c) {
  const EngineConfig& e = c.engine;
  nlohmann::json j;  // nlohmann::json objects keep keys sorted: the dump is canonical
  j["app"] = {{"timezone", e.timezone}, {"log_file", c.log_file}, {"perp_symbol", c.perp_symbol}};
  j["session"] = {{"open", format_hhmm(e.session.open_minute)},
                  {"close", format_hhmm(e.session.close_minute)},
                  {"eod_tighten", format_hhmm(e.session.tighten_minute)},
                  {"hard_flat", format_hhmm(e.session.flat_minute)}};
  const RiskLimits& l = e.limits;
  j["risk"] = {{"capital", format_fixed(l.capital.raw)},
               {"per_trade_risk_bps", l.per_trade_risk_bps},
               {"portfolio_heat_bps", l.heat_bps},
               {"daily_loss_bps", l.daily_loss_bps},
               {"max_drawdown_bps", l.max_drawdown_bps},
               {"max_spread_bps", l.max_spread_bps},
               {"min_bar_volume", l.min_bar_volume},
               {"max_open_positions", l.max_open_positions},
               {"max_decisions_per_day", l.max_decisions_per_day}};
  // Only the parameters of the kind in force. The breakout's form is the one configurations had
  // before kinds existed, so their config_sha is unchanged.
  if (c.strategy.kind == EmaCrossStrategy::kName) {
    const EmaCrossParams& q = c.strategy.ema_cross;
    j["strategy"] = {{"kind", c.strategy.kind},
                     {"ema_cross",
                      {{"ema_fast", q.ema_fast},
                       {"ema_slow", q.ema_slow},
                       {"atr_period", q.atr_period},
                       {"stop_atr", q.stop_atr},
                       {"target_atr", q.target_atr}}}};
  }
  const BreakoutParams& p = c.strategy.breakout;
  if (c.strategy.kind == BreakoutStrategy::kName)
    j["strategy"]["breakout"] = {{"lookback", p.lookback},
                                 {"ema_fast", p.ema_fast},
                                 {"ema_slow", p.ema_slow},
                                 {"atr_period", p.atr_period},
                                 {"volume_window", p.volume_window},
                                 {"stop_atr", p.stop_atr},
                                 {"target_atr", p.target_atr},
                                 {"vix_calm", p.vix_calm},
                                 {"vix_stressed", p.vix_stressed},
                                 {"weights",
                                  {{"momentum", p.weights.momentum},
                                   {"trend", p.weights.trend},
                                   {"liquidity", p.weights.liquidity},
                                   {"regime", p.weights.regime},
                                   {"reward_risk", p.weights.reward_risk}}}};
  j["ranker"] = {{"min_score", e.ranker.min_score}, {"max_per_instant", e.ranker.max_per_instant}};
  j["oms"] = {{"orders_per_second", e.oms.orders_per_second},
              {"orders_per_minute", e.oms.orders_per_minute},
              {"ack_timeout_ms", e.oms.ack_timeout_ms},
              {"max_retries", e.oms.max_retries},
              {"entry_timeout_ms", e.oms.entry_timeout_ms},
              {"reprice_entries", e.oms.reprice_entries}};
  j["eod"] = {{"tighten_bps", e.eod.tighten_bps}};
  const KillTriggerParams& k = e.kill_switch;
  j["kill_switch"] = {{"ack_p95_limit_ms", k.ack_p95_limit_ms},
                      {"ack_breach_for_s", k.ack_breach_for_ms / 1000},
                      {"ack_window_s", k.ack_window_ms / 1000},
                      {"ack_min_samples", k.ack_min_samples},
                      {"market_quality_max", k.market_quality_max},
                      {"market_quality_window_s", k.market_quality_window_ms / 1000},
                      {"spread_blowout_bps", k.spread_blowout_bps},
                      {"throttle_rising_for_s", k.throttle_rising_for_ms / 1000}};
  j["venue"]["sim"] = {{"latency_ms", c.sim.latency_ms},
                       {"participation_bps", c.sim.participation_bps},
                       {"stop_slippage_ticks", c.sim.stop_slippage_ticks}};
  j["instruments"] = nlohmann::json::array();
  for (const auto& [sym, in] : e.instruments)
    j["instruments"].push_back({{"symbol", sym},
                                {"exchange", in.exchange},
                                {"venue_symbol", in.venue_symbol},
                                {"tradable", in.tradable},
                                {"tick", format_fixed(in.tick.raw)},
                                {"lot", in.lot.units},
                                {"freeze_qty", in.freeze_qty.units},
                                {"band_bps", in.band_bps},
                                {"units_per_whole", in.units_per_whole},
                                {"spread_ticks", in.base_spread_ticks},
                                {"ref_volume", in.ref_volume}});
  return j;
}

}  // namespace

namespace {

std::optional<std::string> read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// An overlay's keys replace the base's; mappings merge key by key, anything else (a list, a
// scalar) is replaced whole, so an overlay never half-edits the instrument list.
YAML::Node merged(const YAML::Node& base, const YAML::Node& over) {
  if (!base.IsMap() || !over.IsMap()) return YAML::Clone(over);
  YAML::Node out = YAML::Clone(base);
  std::set<std::string> seen;
  for (const auto& kv : over) {
    const std::string k = kv.first.as<std::string>();
    if (!seen.insert(k).second) throw ConfigError("duplicate key '" + k + "'");
    out[k] = out[k] ? merged(out[k], kv.second) : YAML::Clone(kv.second);
  }
  return out;
}

// The document of `text` with its `extends:` chain resolved: `default` is the embedded default
// configuration, anything else a file relative to the extending file's directory.
YAML::Node resolve(const std::string& text, const std::string& source, int depth) {
  // YAML is UTF-8 here; other bytes would pass yaml-cpp and then break the config's JSON form.
  if (!valid_utf8(text)) {
    size_t line = 1, start = 0;
    for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1, ++line)
      if (!valid_utf8(std::string_view(text).substr(start, nl - start))) break;
    const size_t end = text.find('\n', start);
    throw ConfigError("line " + std::to_string(line) + " is not valid UTF-8: " +
                      quote_bytes(std::string_view(text).substr(start, end - start)));
  }
  YAML::Node root = YAML::Load(text);
  if (!root || !root.IsMap() || !root["extends"]) return root;
  const YAML::Node ext = root["extends"];
  if (!ext.IsScalar() || ext.Scalar().empty())
    throw ConfigError("'extends' must name a configuration file or 'default'");
  if (depth >= 4) throw ConfigError("'extends' chains deeper than 4 files (a cycle?)");
  const std::string name = ext.Scalar();
  std::string base_text, base_source;
  if (name == "default") {
    if (source == kEmbeddedSource)
      throw ConfigError("the embedded default configuration cannot extend 'default'");
    base_text = embedded_default_config();
    base_source = kEmbeddedSource;
  } else {
    const auto dir = std::filesystem::path(source).parent_path();
    base_source = (dir / name).lexically_normal().string();
    auto text_of_base = read_text(base_source);
    if (!text_of_base) throw ConfigError("'extends': cannot open " + base_source);
    base_text = std::move(*text_of_base);
  }
  YAML::Node base;
  try {
    base = resolve(base_text, base_source, depth + 1);
  } catch (const ConfigError& e) {
    throw ConfigError("in " + base_source + " (extended): " + e.what());
  }
  root.remove("extends");
  return merged(base, root);
}

}  // namespace

Result<AppConfig> parse_config(const std::string& text, const std::string& source) {
  try {
    YAML::Node root = resolve(text, source, 0);
    if (!root || root.IsNull()) return Error{source + ": configuration is empty"};
    AppConfig c = build(root);
    c.canonical_json = canonical(c).dump();
    c.config_sha = sha256_hex(c.canonical_json);
    c.engine.config_sha = c.config_sha;
    return c;
  } catch (const ConfigError& e) {
    return Error{source + ": " + e.what()};
  } catch (const YAML::Exception& e) {
    return Error{source + ": YAML error at line " + std::to_string(e.mark.line + 1) + ": " + e.msg};
  }
}

Result<AppConfig> load_app_config(const std::string& path) {
  if (path.empty()) return parse_config(embedded_default_config(), kEmbeddedSource);
  return load_config_file(path);
}

Result<AppConfig> load_config_file(const std::string& path) {
  const auto text = read_text(path);
  if (!text) return Error{path + ": cannot open configuration file"};
  return parse_config(*text, path);
}

}  // namespace aitrapp
