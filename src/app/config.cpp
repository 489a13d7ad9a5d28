#include "app/config.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

#include "app/config_fields.hpp"
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

// Reads the fields of one YAML mapping into AppConfig, each field's current value its default.
class ReadFields {
 public:
  explicit ReadFields(Section& s) : s_(s) {}
  void text(const char* k, std::string& v) { v = s_.str(k, v); }
  void boolean(const char* k, bool& v) { v = s_.boolean(k, v); }
  void hhmm(const char* k, int& minute) { minute = s_.hhmm(k, minute); }
  template <class I>
  void integer(const char* k, I& v, int64_t lo, int64_t hi) {
    v = static_cast<I>(s_.integer(k, v, lo, hi));
  }
  void real(const char* k, double& v, double lo, double hi) { v = s_.real(k, v, lo, hi); }
  void fixed(const char* k, int64_t& raw, int64_t lo, int64_t hi) {
    raw = s_.fixed(k, raw, lo, hi);
  }
  void pct(const char* k, const char*, int64_t& bps, int64_t lo, int64_t hi) {
    bps = s_.pct_bps(k, bps, lo, hi);
  }
  void seconds(const char* k, TimeMs& ms, int64_t lo, int64_t hi) {
    ms = s_.integer(k, ms / 1000, lo, hi) * 1000;
  }
  template <class Fn>
  void section(const char* k, Fn&& fn) {
    Section child(s_.child(k), s_.key(k));
    ReadFields r(child);
    fn(r);
  }
  void require(bool ok, const std::string& message) {
    if (!ok) throw ConfigError(message);
  }

 private:
  Section& s_;
};

// Writes the same fields into the canonical JSON, in the hash's units.
class WriteFields {
 public:
  explicit WriteFields(nlohmann::json& j) : j_(j) {}
  void text(const char* k, const std::string& v) { j_[k] = v; }
  void boolean(const char* k, bool v) { j_[k] = v; }
  void hhmm(const char* k, int minute) { j_[k] = format_hhmm(minute); }
  template <class I>
  void integer(const char* k, I v, int64_t, int64_t) {
    j_[k] = v;
  }
  void real(const char* k, double v, double, double) { j_[k] = v; }
  void fixed(const char* k, int64_t raw, int64_t, int64_t) { j_[k] = format_fixed(raw); }
  void pct(const char*, const char* canonical_key, int64_t bps, int64_t, int64_t) {
    j_[canonical_key] = bps;
  }
  void seconds(const char* k, TimeMs ms, int64_t, int64_t) { j_[k] = ms / 1000; }
  template <class Fn>
  void section(const char* k, Fn&& fn) {
    WriteFields w(j_[k]);
    fn(w);
  }
  void require(bool, const std::string&) {}

 private:
  nlohmann::json& j_;
};

// Reads the section `key` of `parent` with a field list.
template <class List, class T>
void read_section(Section& parent, const char* key, List&& list, T& target) {
  Section s(parent.child(key), parent.key(key));
  ReadFields f(s);
  list(f, target);
}

AppConfig build(const YAML::Node& root) {
  namespace cf = config_fields;
  AppConfig c;
  EngineConfig& e = c.engine;
  Section top(root, "");
  read_section(top, "app", cf::app<ReadFields>, c);
  read_section(top, "session", cf::session<ReadFields>, e.session);
  try {
    TradingCalendar probe(e.timezone, e.session);
  } catch (const std::exception& ex) {
    throw ConfigError("'app.timezone': " + std::string(ex.what()));
  }
  read_section(top, "risk", cf::risk<ReadFields>, e.limits);
  {
    Section st(top.child("strategy"), "strategy");
    c.strategy.kind = st.str("kind", c.strategy.kind);
    if (!is_strategy_kind(c.strategy.kind))
      throw ConfigError("'strategy.kind' is " + quote_bytes(c.strategy.kind) +
                        "; known kinds: " + join(strategy_kinds()));
    read_section(st, "ema_cross", cf::ema_cross<ReadFields>, c.strategy.ema_cross);
    read_section(st, "breakout", cf::breakout<ReadFields>, c.strategy.breakout);
  }
  read_section(top, "ranker", cf::ranker<ReadFields>, e.ranker);
  read_section(top, "oms", cf::oms<ReadFields>, e.oms);
  read_section(top, "eod", cf::eod<ReadFields>, e.eod);
  read_section(top, "kill_switch", cf::kill_switch<ReadFields>, e.kill_switch);
  {
    Section v(top.child("venue"), top.key("venue"));
    ReadFields f(v);
    cf::venue(f, c, true);
  }
  auto list = top.child("instruments");
  if (!list || !list.IsSequence() || list.size() == 0)
    throw ConfigError("'instruments' must be a non-empty list");
  for (size_t i = 0; i < list.size(); ++i) {
    Section s(list[i], "instruments[" + std::to_string(i) + "]");
    Instrument in;
    in.exchange = "NFO";  // the default venue of the NSE derivatives this began with
    ReadFields f(s);
    cf::instrument(f, in);
    if (in.symbol.empty()) throw ConfigError("'" + s.key("symbol") + "' is required");
    if (in.freeze_qty.units > 0 && in.freeze_qty < in.lot)
      throw ConfigError("'" + s.key("freeze_qty") + "' is below the lot size");
    if (e.instruments.count(in.symbol))
      throw ConfigError("'" + s.key("symbol") + "' duplicates " + in.symbol);
    e.instruments[in.symbol] = in;
  }
  return c;
}

nlohmann::json canonical(const AppConfig& config) {
  namespace cf = config_fields;
  AppConfig c = config;  // the field lists take references; the writer only reads them
  EngineConfig& e = c.engine;
  nlohmann::json j;  // nlohmann::json objects keep keys sorted: the dump is canonical
  WriteFields top(j);
  top.section("app", [&](WriteFields& f) { cf::app(f, c); });
  top.section("session", [&](WriteFields& f) { cf::session(f, e.session); });
  top.section("risk", [&](WriteFields& f) { cf::risk(f, e.limits); });
  // Only the parameters of the kind in force. The breakout's form is the one configurations had
  // before kinds existed (no "kind" key), so their config_sha is unchanged.
  top.section("strategy", [&](WriteFields& f) {
    if (c.strategy.kind == EmaCrossStrategy::kName) {
      f.text("kind", c.strategy.kind);
      f.section("ema_cross", [&](WriteFields& g) { cf::ema_cross(g, c.strategy.ema_cross); });
    }
    if (c.strategy.kind == BreakoutStrategy::kName)
      f.section("breakout", [&](WriteFields& g) { cf::breakout(g, c.strategy.breakout); });
  });
  top.section("ranker", [&](WriteFields& f) { cf::ranker(f, e.ranker); });
  top.section("oms", [&](WriteFields& f) { cf::oms(f, e.oms); });
  top.section("eod", [&](WriteFields& f) { cf::eod(f, e.eod); });
  top.section("kill_switch", [&](WriteFields& f) { cf::kill_switch(f, e.kill_switch); });
  // A Bitget configuration: every tradable instrument is a Bitget contract.
  bool on_bitget = true;
  for (const auto& [_, in] : e.instruments)
    on_bitget = on_bitget && (!in.tradable || in.exchange == "BITGET");
  top.section("venue", [&](WriteFields& f) { cf::venue(f, c, on_bitget); });
  j["instruments"] = nlohmann::json::array();
  for (auto& [sym, in] : e.instruments) {
    nlohmann::json row;
    WriteFields f(row);
    cf::instrument(f, in);
    j["instruments"].push_back(std::move(row));
  }
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
