#pragma once
// Application configuration: YAML in, validated (unknown keys, wrong types and out-of-range
// values are errors naming the key), with config_sha = SHA-256 of the canonical JSON of the
// effective configuration (defaults applied, keys sorted).
#include <string>

#include "core/result.hpp"
#include "engine/engine.hpp"
#include "venue/sim/sim_venue.hpp"

namespace aitrapp {

struct AppConfig {
  EngineConfig engine;
  SimVenueParams sim;
  std::string log_file = "logs/aitrapp.log";
  std::string perp_symbol = "BTCUSDT";  // instrument of symbol-less perpetual bar files
  std::string canonical_json;
  std::string config_sha;
};

Result<AppConfig> load_config_file(const std::string& path);
Result<AppConfig> parse_config(const std::string& yaml_text, const std::string& source_name);
// The configuration compiled into the binary (identical to configs/app.yaml).
const std::string& embedded_default_config();

}  // namespace aitrapp
