#include "core/instrument.hpp"

namespace aitrapp {

Price round_to_tick(Price p, Price tick, Rounding r) {
  int64_t t = tick.raw;
  int64_t q = p.raw / t;
  int64_t rem = p.raw % t;
  if (rem == 0) return p;
  if (rem < 0) {  // C++ truncates toward zero; normalize to floor
    q -= 1;
  }
  int64_t floor = q * t;
  return Price::from_raw(r == Rounding::Down ? floor : floor + t);
}

bool is_on_tick(Price p, Price tick) {
  return p.raw % tick.raw == 0;
}

Price band_low(Price reference, int64_t band_bps) {
  return Price::from_raw(reference.raw - mul_div(reference.raw, band_bps, 10'000));
}
Price band_high(Price reference, int64_t band_bps) {
  return Price::from_raw(reference.raw + mul_div(reference.raw, band_bps, 10'000));
}
bool within_band(Price p, Price reference, int64_t band_bps) {
  return p >= band_low(reference, band_bps) && p <= band_high(reference, band_bps);
}

Qty round_to_lots(Qty q, Qty lot) {
  if (lot.units <= 0 || q.units <= 0) return Qty{0};
  return Qty{(q.units / lot.units) * lot.units};
}

Result<Bracket> quantize_bracket(const Instrument& inst, Side side, Bracket p, Price last) {
  const bool buy = side == Side::Buy;
  Bracket q;
  q.entry = round_to_tick(p.entry, inst.tick, buy ? Rounding::Down : Rounding::Up);
  q.stop = round_to_tick(p.stop, inst.tick, buy ? Rounding::Up : Rounding::Down);
  q.target = round_to_tick(p.target, inst.tick, buy ? Rounding::Down : Rounding::Up);
  if (q.entry.raw <= 0 || q.stop.raw <= 0 || q.target.raw <= 0) {
    return Error{"non-positive price after quantization for " + inst.symbol};
  }
  if (buy ? !(q.stop < q.entry && q.target > q.entry) : !(q.stop > q.entry && q.target < q.entry)) {
    return Error{"stop/target on the wrong side of entry after rounding to tick for " +
                 inst.symbol};
  }
  for (Price leg : {q.entry, q.stop, q.target}) {
    if (!within_band(leg, last, inst.band_bps)) {
      return Error{"price " + to_string(leg) + " outside band of " + to_string(last) + " for " +
                   inst.symbol};
    }
  }
  return q;
}

}  // namespace aitrapp
