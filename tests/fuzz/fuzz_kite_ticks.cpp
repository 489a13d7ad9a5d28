// Fuzz target: Kite ticker frames as they arrive over the WebSocket (binary tick packets,
// heartbeats, truncated and oversized lengths, and text frames with order postbacks). Any bytes
// decode to ticks or to an error, and are an order update or not.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "venue/kite/kite_json.hpp"
#include "venue/kite/kite_ticks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace aitrapp::kite;
  const std::string_view frame(reinterpret_cast<const char*>(data), size);
  size_t seen = 0;
  auto decoded = decode_frame(frame, [&](const KiteTick& t) { seen += t.token != 0 ? 1 : 0; });
  if (decoded.ok() && decoded.value() < seen) __builtin_trap();  // more ticks than it reported
  KiteTick t;
  (void)decode_packet_into(data, size, t);
  if (auto update = order_update_of(frame); update && !update->is_object()) __builtin_trap();
  return 0;
}
