#include "app/config.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace aitrapp;

namespace {
std::string read(const std::string& rel) {
  std::ifstream in(std::string(AITRAPP_SOURCE_DIR) + "/" + rel);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
std::string with(const std::string& base, const std::string& from, const std::string& to) {
  auto pos = base.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  std::string s = base;
  s.replace(pos, from.size(), to);
  return s;
}
}  // namespace

TEST(Config, EmbeddedDefaultIsConfigsAppYaml) {
  EXPECT_EQ(embedded_default_config(), read("configs/app.yaml"));
  auto c = parse_config(embedded_default_config(), "default");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c->config_sha.size(), 64u);
  EXPECT_EQ(c->engine.config_sha, c->config_sha);
  EXPECT_EQ(c->engine.timezone, "Asia/Kolkata");
  EXPECT_EQ(c->engine.session.tighten_minute, 15 * 60 + 20);
  EXPECT_EQ(c->engine.session.flat_minute, 15 * 60 + 25);
  EXPECT_EQ(c->engine.instruments.at("NIFTY_F1").lot.units, 50);
}

TEST(Config, CanaryLiveIsTheDefaultWithTheCanaryCaps) {
  auto c = load_config_file(std::string(AITRAPP_SOURCE_DIR) + "/configs/canary_live.yaml");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c->engine.limits.per_trade_risk_bps, 25);
  EXPECT_EQ(c->engine.limits.heat_bps, 100);
  EXPECT_EQ(c->engine.limits.daily_loss_bps, 100);
  auto d = parse_config(embedded_default_config(), "default");
  EXPECT_NE(c->config_sha, d->config_sha);
  // Everything but the three caps is the default's, key for key.
  auto want = nlohmann::json::parse(d->canonical_json);
  want["risk"]["per_trade_risk_bps"] = 25;
  want["risk"]["portfolio_heat_bps"] = 100;
  want["risk"]["daily_loss_bps"] = 100;
  EXPECT_EQ(nlohmann::json::parse(c->canonical_json), want);
}

TEST(Config, BitgetIsThePerpetualInUtcWithUsdtCapital) {
  auto c = load_config_file(std::string(AITRAPP_SOURCE_DIR) + "/configs/bitget.yaml");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c->engine.timezone, "UTC");
  EXPECT_EQ(c->engine.session.open_minute, 0);
  EXPECT_EQ(c->engine.session.flat_minute, 23 * 60 + 55);
  EXPECT_EQ(c->engine.limits.capital, Money::from_units(10000));
  ASSERT_EQ(c->engine.instruments.size(), 1u);
  const Instrument& btc = c->engine.instruments.at("BTCUSDT");
  EXPECT_EQ(btc.exchange, "BITGET");
  EXPECT_EQ(btc.tick, Price::from_raw(1000));
  EXPECT_EQ(btc.units_per_whole, 1000);
}

TEST(Config, ExtendsMergesMappingsAndReplacesLists) {
  const std::string dir = ::testing::TempDir() + "/extends";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/base.yaml") << read("configs/app.yaml");
  std::ofstream(dir + "/over.yaml") << "extends: base.yaml\nrisk: {max_open_positions: 1}\n"
                                       "instruments:\n  - {symbol: NIFTY_F1, lot: 50}\n";
  auto c = load_config_file(dir + "/over.yaml");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c->engine.limits.max_open_positions, 1);
  EXPECT_EQ(c->engine.limits.daily_loss_bps, 200);  // from the base
  EXPECT_EQ(c->engine.instruments.size(), 1u);      // the list replaced whole
  std::ofstream(dir + "/self.yaml") << "extends: self.yaml\n";
  auto cycle = load_config_file(dir + "/self.yaml");
  ASSERT_FALSE(cycle.ok());
  EXPECT_NE(cycle.error().find("deeper than 4"), std::string::npos) << cycle.error();
  std::ofstream(dir + "/missing.yaml") << "extends: nowhere.yaml\n";
  auto missing = load_config_file(dir + "/missing.yaml");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("nowhere.yaml"), std::string::npos) << missing.error();
  std::ofstream(dir + "/typo.yaml") << "extends: default\nrisk: {daily_loss: 1}\n";
  auto typo = load_config_file(dir + "/typo.yaml");
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.error().find("unknown key 'risk.daily_loss'"), std::string::npos) << typo.error();
  // The embedded default is the root of every chain.
  EXPECT_EQ(embedded_default_config().find("\nextends:"), std::string::npos);
}

TEST(Config, ShaIsCanonicalAndSensitive) {
  const std::string base = read("configs/app.yaml");
  auto a = parse_config(base, "a");
  // Comments and formatting do not change the effective configuration.
  auto b =
      parse_config("# a comment\n" + with(base, "capital: 1000000", "capital:   1000000.00"), "b");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->config_sha, b->config_sha);
  auto c = parse_config(with(base, "max_spread_bps: 10", "max_spread_bps: 11"), "c");
  ASSERT_TRUE(c.ok());
  EXPECT_NE(a->config_sha, c->config_sha);
}

TEST(Config, ErrorsNameTheKey) {
  const std::string base = read("configs/app.yaml");
  struct Case {
    std::string from, to, expect;
  } cases[] = {
      {"per_trade_risk_pct: 0.5", "per_trade_risk_pct: 50",
       "'risk.per_trade_risk_pct' = 50.00 is out of range"},
      {"per_trade_risk_pct: 0.5", "per_trade_risk_pct: half",
       "'risk.per_trade_risk_pct' must be a decimal number"},
      {"per_trade_risk_pct: 0.5", "per_trade_risk_pct: 0.125",
       "'risk.per_trade_risk_pct' allows at most two"},
      {"max_spread_bps: 10", "max_spread_bps: 10\n  max_sprad_bps: 3",
       "unknown key 'risk.max_sprad_bps'"},
      {"timezone: Asia/Kolkata", "timezone: Asia/Kolkatta", "'app.timezone'"},
      {"eod_tighten: \"15:20\"", "eod_tighten: \"15:27\"",
       "open < eod_tighten <= hard_flat < close"},
      {"hard_flat: \"15:25\"", "hard_flat: \"3pm\"", "'session.hard_flat' must be a time HH:MM"},
      {"lot: 50,", "lot: 0,", "'instruments[0].lot' = 0 is out of range"},
      {"ack_timeout_ms: 5000", "ack_timeout_ms: [1]", "'oms.ack_timeout_ms' must be an integer"},
      {"ema_fast: 9", "ema_fast: 30", "'strategy.breakout.ema_fast' must be below 'ema_slow'"},
      {"capital: 1000000", "capital: 1000000\n  capital: 2", "duplicate key 'risk.capital'"},
      {"capital: 1000000", "capital: [1", "YAML error at line"},
      {"strategy:\n", "strategy:\n  kind: momentum\n",
       "'strategy.kind' is 'momentum'; known kinds: breakout, ema_cross"},
      {"strategy:\n", "strategy:\n  ema_cross: {ema_fast: 20, ema_slow: 10}\n",
       "'strategy.ema_cross.ema_fast' must be below 'ema_slow'"},
  };
  for (const auto& c : cases) {
    auto r = parse_config(with(base, c.from, c.to), "app.yaml");
    ASSERT_FALSE(r.ok()) << c.to;
    EXPECT_NE(r.error().find(c.expect), std::string::npos)
        << r.error() << " / expected " << c.expect;
    EXPECT_EQ(r.error().rfind("app.yaml: ", 0), 0u) << r.error();
  }
  EXPECT_FALSE(parse_config("", "empty").ok());
  EXPECT_FALSE(parse_config("instruments: []", "none").ok());
}

// Found by the config fuzz target: a byte that is not UTF-8 passed yaml-cpp and then threw out
// of parse_config when the configuration was rendered as JSON for its SHA.
TEST(Config, BytesThatAreNotUtf8AreAnErrorNamingTheLine) {
  const std::string bad = with(read("configs/app.yaml"), "timezone: Asia/Kolkata",
                               "timezone: Asia/Kolk\xff"
                               "ata");
  auto c = parse_config(bad, "bad.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().find("bad.yaml: line 6 is not valid UTF-8: '  timezone: Asia/Kolk\\xffata"),
            std::string::npos)
      << c.error();
}

// The strategy is chosen by name; a configuration that names none is the breakout, with the same
// canonical form (and so the same config_sha) it had before kinds existed.
TEST(Config, TheStrategyIsChosenByKindAndTheDefaultKeepsItsSha) {
  const std::string base = read("configs/app.yaml");
  auto plain = parse_config(base, "plain");
  auto named = parse_config(with(base, "strategy:\n", "strategy:\n  kind: breakout\n"), "named");
  ASSERT_TRUE(plain.ok() && named.ok());
  EXPECT_EQ(plain->strategy.kind, "breakout");
  EXPECT_EQ(plain->config_sha, named->config_sha);
  EXPECT_EQ(nlohmann::json::parse(plain->canonical_json)["strategy"].size(), 1u);
  auto ema = parse_config(
      with(base, "strategy:\n", "strategy:\n  kind: ema_cross\n  ema_cross: {ema_fast: 5}\n"),
      "ema");
  ASSERT_TRUE(ema.ok()) << ema.error();
  EXPECT_EQ(ema->strategy.kind, "ema_cross");
  EXPECT_EQ(ema->strategy.ema_cross.ema_fast, 5);
  EXPECT_NE(ema->config_sha, plain->config_sha);
  const auto j = nlohmann::json::parse(ema->canonical_json)["strategy"];
  EXPECT_EQ(j["kind"], "ema_cross");
  EXPECT_EQ(j["ema_cross"]["ema_fast"], 5);
  EXPECT_FALSE(j.contains("breakout"));
  for (const auto& kind : strategy_kinds()) {
    StrategyConfig sc;
    sc.kind = kind;
    EXPECT_NE(make_strategy(sc), nullptr) << kind;
  }
  StrategyConfig unknown;
  unknown.kind = "momentum";
  EXPECT_EQ(make_strategy(unknown), nullptr);
}

// Stores keep config_sha on every row: a change to the field lists (config_fields.hpp) that
// renames, drops or re-units a field must show here. These are the hashes the configurations
// had before the lists existed, when parsing and hashing each named every field.
TEST(Config, EveryFieldKeepsItsPlaceInTheHash) {
  const auto sha = [](const std::string& rel) {
    auto c = load_config_file(std::string(AITRAPP_SOURCE_DIR) + "/" + rel);
    EXPECT_TRUE(c.ok()) << c.error();
    return c.ok() ? c->config_sha : std::string();
  };
  EXPECT_EQ(sha("configs/app.yaml"),
            "54a4621600cb05061f5e8d73786759dec4d722079e7ede8bb1585c10e7c1aaf6");
  EXPECT_EQ(sha("configs/canary_live.yaml"),
            "7b71808189bf32e77be1df9d8c7115d79c10a74351359e6074b5d7d32314f4a4");
  // The other strategy kind, a percentage, and a field in seconds.
  auto ema = parse_config(
      "extends: default\nstrategy:\n  kind: ema_cross\n  ema_cross: {ema_fast: 5}\n"
      "venue: {sim: {participation_pct: 12.5}}\nkill_switch: {ack_window_s: 30}\n",
      "ema");
  ASSERT_TRUE(ema.ok()) << ema.error();
  EXPECT_EQ(ema->config_sha, "8fe45c2d66175e16790c73b5b3e19fc47feacd94ff7ee8281b3a6604492c661d");
  EXPECT_EQ(ema->sim.participation_bps, 1250);
  EXPECT_EQ(ema->engine.kill_switch.ack_window_ms, 30'000);
}
