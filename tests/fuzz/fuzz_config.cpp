// Fuzz target: the YAML configuration. Any text is a configuration or an error naming what is
// wrong; nothing else escapes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "app/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto cfg = aitrapp::parse_config(text, "fuzz.yaml");
  if (!cfg.ok() && cfg.error().empty()) __builtin_trap();
  return 0;
}
