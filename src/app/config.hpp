#pragma once
// Application configuration: YAML in, validated (unknown keys, wrong types and out-of-range
// values are errors naming the key), with config_sha = SHA-256 of the canonical JSON of the
// effective configuration (defaults applied, keys sorted).
#include <string>

#include "core/result.hpp"
#include "engine/engine.hpp"
#include "strategy/registry.hpp"
#include "venue/sim/sim_venue.hpp"

namespace aitrapp {

// The Bitget account's settings the adapter applies (and checks) before trading LIVE.
struct BitgetAccountSettings {
  int leverage = 10;
  std::string margin_mode = "crossed";         // or isolated
  std::string position_mode = "one_way_mode";  // the engine nets one position per contract
};

struct AppConfig {
  EngineConfig engine;
  StrategyConfig strategy;
  SimVenueParams sim;
  BitgetAccountSettings bitget;
  std::string log_file = "logs/aitrapp.log";
  std::string perp_symbol = "BTCUSDT";  // instrument of symbol-less perpetual bar files
  std::string canonical_json;
  std::string config_sha;

  // The snapshot every later record of a session refers to by `config_sha`: written once, before
  // anything is decided under it.
  WriteBatch snapshot() const {
    return WriteBatch{{ConfigSnapshotRecord{config_sha, canonical_json}}};
  }
};

// A configuration may start from another with `extends: FILE` (relative to its own directory) or
// `extends: default` (the embedded default) and give only the keys it changes: mappings merge
// key by key, lists and scalars are replaced whole.
Result<AppConfig> load_config_file(const std::string& path);
Result<AppConfig> parse_config(const std::string& yaml_text, const std::string& source_name);
// The configuration file, or the embedded default when `config_path` is empty.
Result<AppConfig> load_app_config(const std::string& config_path);
// The configuration compiled into the binary (identical to configs/app.yaml), and the name
// errors give it.
const std::string& embedded_default_config();
inline constexpr const char* kEmbeddedSource = "embedded default configuration (configs/app.yaml)";

}  // namespace aitrapp
