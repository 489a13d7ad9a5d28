#pragma once
// Kite Connect v3 WebSocket ticker binary format (docs/kite-protocol.md 6): big-endian frames of
// length-prefixed packets whose length names their kind (8 ltp, 28/32 index, 44 quote, 184 full).
// Used by the ticker client (decode) and the venue simulator (encode). Pure; thread-safe.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/decimal.hpp"
#include "core/result.hpp"

namespace aitrapp::kite {

enum class TickMode { Ltp, Quote, Full };
const char* to_string(TickMode m);
Result<TickMode> parse_tick_mode(std::string_view s);

inline constexpr uint32_t kSegmentIndices = 9;
inline uint32_t segment_of(uint32_t token) {
  return token & 0xFF;
}
// Wire prices are integers: paise (divisor 100) except currency segments (CDS 1e7, BCD 1e4).
int64_t price_divisor(uint32_t token);

struct DepthLevel {
  int64_t qty = 0;
  Price price;
  int32_t orders = 0;
  bool operator==(const DepthLevel&) const = default;
};

// One decoded packet. Fields beyond the packet's mode stay zero. Index packets carry no
// quantities; their OHLC and `change` come from the index layout.
struct KiteTick {
  uint32_t token = 0;
  TickMode mode = TickMode::Ltp;
  bool tradable = true;
  Price last;
  int64_t last_qty = 0;
  Price average;
  int64_t volume = 0, buy_qty = 0, sell_qty = 0;
  Price open, high, low, close;
  Price change;  // index packets only
  int64_t last_trade_time = 0, oi = 0, oi_day_high = 0, oi_day_low = 0, exchange_time = 0;
  std::array<DepthLevel, 5> bids{}, asks{};
  bool operator==(const KiteTick&) const = default;
};

inline constexpr size_t kLtpPacket = 8, kIndexQuotePacket = 28, kIndexFullPacket = 32,
                        kQuotePacket = 44, kFullPacket = 184;

// Decodes one packet body (without its length prefix). Error names the unexpected length.
Result<KiteTick> decode_packet(const uint8_t* p, size_t len);
// Same, into `out` without allocating: the hot path of the ticker. False on an unknown length.
bool decode_packet_into(const uint8_t* p, size_t len, KiteTick& out);

// Walks a binary frame and calls `on_tick` per packet. A frame shorter than 2 bytes is a
// heartbeat (returns 0 packets). A truncated frame is an error naming the offset.
template <class F>
Result<size_t> decode_frame(std::string_view frame, F&& on_tick);

// Appends `t` as a packet of `mode` (with its 2-byte length) to `out`.
void append_packet(std::string& out, const KiteTick& t, TickMode mode);
// Wraps packets already appended with their lengths into a frame: count + packets.
std::string make_frame(size_t packet_count, std::string_view packets);

// ---- implementation of the template

namespace detail {
inline uint16_t be16(const uint8_t* p) {
  return static_cast<uint16_t>((p[0] << 8) | p[1]);
}
}  // namespace detail

template <class F>
Result<size_t> decode_frame(std::string_view frame, F&& on_tick) {
  const auto* p = reinterpret_cast<const uint8_t*>(frame.data());
  const size_t n = frame.size();
  if (n < 2) return size_t{0};
  const size_t count = detail::be16(p);
  size_t off = 2;
  KiteTick t;
  for (size_t i = 0; i < count; ++i) {
    if (off + 2 > n)
      return Error{"ticker frame truncated at byte " + std::to_string(off) + " (packet " +
                   std::to_string(i + 1) + " of " + std::to_string(count) + ")"};
    const size_t len = detail::be16(p + off);
    off += 2;
    if (off + len > n)
      return Error{"ticker packet " + std::to_string(i + 1) + " claims " + std::to_string(len) +
                   " bytes but the frame has " + std::to_string(n - off) + " left"};
    if (!decode_packet_into(p + off, len, t))
      return Error{"ticker packet " + std::to_string(i + 1) + " has unknown length " +
                   std::to_string(len)};
    on_tick(t);
    off += len;
  }
  return count;
}

}  // namespace aitrapp::kite
