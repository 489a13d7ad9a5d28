#include "venue/kite/kite_ticks.hpp"

namespace aitrapp::kite {

namespace {

int32_t rd32(const uint8_t* p) {
  return static_cast<int32_t>((static_cast<uint32_t>(p[0]) << 24) |
                              (static_cast<uint32_t>(p[1]) << 16) |
                              (static_cast<uint32_t>(p[2]) << 8) | static_cast<uint32_t>(p[3]));
}
int16_t rd16(const uint8_t* p) {
  return static_cast<int16_t>(detail::be16(p));
}
void wr32(std::string& out, int64_t v) {
  const auto u = static_cast<uint32_t>(static_cast<int32_t>(v));
  out.push_back(static_cast<char>(u >> 24));
  out.push_back(static_cast<char>(u >> 16));
  out.push_back(static_cast<char>(u >> 8));
  out.push_back(static_cast<char>(u));
}
void wr16(std::string& out, int64_t v) {
  const auto u = static_cast<uint16_t>(v);
  out.push_back(static_cast<char>(u >> 8));
  out.push_back(static_cast<char>(u));
}

// Wire integer -> Price (4 decimals). Divisor 100 is exact; 1e7 (CDS) truncates past 4 digits.
Price wire_price(int32_t v, int64_t divisor) {
  return Price::from_raw(mul_div(v, kScale, divisor));
}
int64_t to_wire(Price p, int64_t divisor) {
  if (divisor == 100) return p.raw / (kScale / 100);
  return mul_div(p.raw, divisor, kScale);
}

}  // namespace

const char* to_string(TickMode m) {
  switch (m) {
    case TickMode::Ltp:
      return "ltp";
    case TickMode::Quote:
      return "quote";
    case TickMode::Full:
      return "full";
  }
  return "?";
}

Result<TickMode> parse_tick_mode(std::string_view s) {
  if (s == "ltp") return TickMode::Ltp;
  if (s == "quote") return TickMode::Quote;
  if (s == "full") return TickMode::Full;
  return Error{"unknown ticker mode '" + std::string(s) + "' (ltp, quote or full)"};
}

int64_t price_divisor(uint32_t token) {
  switch (segment_of(token)) {
    case 3:
      return 10'000'000;
    case 6:
      return 10'000;
    default:
      return 100;
  }
}

bool decode_packet_into(const uint8_t* p, size_t len, KiteTick& t) {
  if (len != kLtpPacket && len != kIndexQuotePacket && len != kIndexFullPacket &&
      len != kQuotePacket && len != kFullPacket)
    return false;
  // A full packet sets every field; the shorter ones start from a cleared tick.
  if (len != kFullPacket) t = KiteTick{};
  t.token = static_cast<uint32_t>(rd32(p));
  const int64_t div = price_divisor(t.token);
  // The common case (paise) is one multiply per price; the branch is taken once per packet.
  const auto price = [div, exact = div == 100](const uint8_t* at) {
    return exact ? Price::from_raw(static_cast<int64_t>(rd32(at)) * (kScale / 100))
                 : wire_price(rd32(at), div);
  };
  t.last = price(p + 4);
  t.tradable = segment_of(t.token) != kSegmentIndices;
  if (len == kLtpPacket) {
    t.mode = TickMode::Ltp;
    return true;
  }
  if (len == kIndexQuotePacket || len == kIndexFullPacket) {
    t.tradable = false;
    t.mode = len == kIndexFullPacket ? TickMode::Full : TickMode::Quote;
    t.high = price(p + 8);
    t.low = price(p + 12);
    t.open = price(p + 16);
    t.close = price(p + 20);
    t.change = price(p + 24);
    if (len == kIndexFullPacket) t.exchange_time = rd32(p + 28);
    return true;
  }
  t.mode = len == kFullPacket ? TickMode::Full : TickMode::Quote;
  t.last_qty = rd32(p + 8);
  t.average = price(p + 12);
  t.volume = rd32(p + 16);
  t.buy_qty = rd32(p + 20);
  t.sell_qty = rd32(p + 24);
  t.open = price(p + 28);
  t.high = price(p + 32);
  t.low = price(p + 36);
  t.close = price(p + 40);
  if (len == kQuotePacket) return true;
  t.change = Price{};
  t.last_trade_time = rd32(p + 44);
  t.oi = rd32(p + 48);
  t.oi_day_high = rd32(p + 52);
  t.oi_day_low = rd32(p + 56);
  t.exchange_time = rd32(p + 60);
  for (size_t i = 0; i < 5; ++i) {
    const uint8_t* bid = p + 64 + 12 * i;
    const uint8_t* ask = bid + 60;
    t.bids[i] = {rd32(bid), price(bid + 4), rd16(bid + 8)};
    t.asks[i] = {rd32(ask), price(ask + 4), rd16(ask + 8)};
  }
  return true;
}

Result<KiteTick> decode_packet(const uint8_t* p, size_t len) {
  KiteTick t;
  if (!decode_packet_into(p, len, t))
    return Error{"ticker packet of unknown length " + std::to_string(len) +
                 " (expected 8, 28, 32, 44 or 184)"};
  return t;
}

void append_packet(std::string& out, const KiteTick& t, TickMode mode) {
  const int64_t div = price_divisor(t.token);
  const bool index = segment_of(t.token) == kSegmentIndices;
  size_t len = kLtpPacket;
  if (mode == TickMode::Quote) len = index ? kIndexQuotePacket : kQuotePacket;
  if (mode == TickMode::Full) len = index ? kIndexFullPacket : kFullPacket;
  out.reserve(out.size() + 2 + len);
  wr16(out, static_cast<int64_t>(len));
  wr32(out, t.token);
  wr32(out, to_wire(t.last, div));
  if (mode == TickMode::Ltp) return;
  if (index) {
    for (Price p : {t.high, t.low, t.open, t.close, t.change}) wr32(out, to_wire(p, div));
    if (mode == TickMode::Full) wr32(out, t.exchange_time);
    return;
  }
  wr32(out, t.last_qty);
  wr32(out, to_wire(t.average, div));
  wr32(out, t.volume);
  wr32(out, t.buy_qty);
  wr32(out, t.sell_qty);
  for (Price p : {t.open, t.high, t.low, t.close}) wr32(out, to_wire(p, div));
  if (mode == TickMode::Quote) return;
  for (int64_t v : {t.last_trade_time, t.oi, t.oi_day_high, t.oi_day_low, t.exchange_time})
    wr32(out, v);
  for (const auto* side : {&t.bids, &t.asks})
    for (const DepthLevel& l : *side) {
      wr32(out, l.qty);
      wr32(out, to_wire(l.price, div));
      wr16(out, l.orders);
      wr16(out, 0);
    }
}

std::string make_frame(size_t packet_count, std::string_view packets) {
  std::string f;
  f.reserve(2 + packets.size());
  wr16(f, static_cast<int64_t>(packet_count));
  f.append(packets);
  return f;
}

}  // namespace aitrapp::kite
