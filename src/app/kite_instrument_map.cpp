#include "app/kite_instrument_map.hpp"

#include <chrono>
#include <thread>

#include "venue/kite/kite_rest.hpp"

namespace aitrapp {

Result<KiteInstrumentMap> map_kite_instruments(const std::string& rest_root,
                                               const std::string& api_key,
                                               const std::string& access_token,
                                               std::map<std::string, Instrument>& instruments) {
  KiteInstrumentMap out;
  try {
    kite::KiteRest rest(rest_root, api_key, std::chrono::seconds(7));
    rest.set_access_token(access_token);
    // Kite's limits are per second and per API key, shared with anything else using the key (a
    // session already running): a 429 is waited out, a few times, instead of failing the start.
    kite::KiteReply reply = rest.call("GET", "/instruments");
    for (int retry = 0; retry < 2 && reply.rate_limited(); ++retry) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1100));
      reply = rest.call("GET", "/instruments");
    }
    if (!reply.ok())
      return Error{
          "Kite instrument master (" + rest_root + "/instruments): " + reply.describe(),
          // Worth a later start, unless the credentials are what is wrong.
          reply.retryable() && !reply.token_error() ? ErrorCode::Unavailable : ErrorCode::Invalid};
    auto rows = kite::parse_instruments_csv(reply.raw);
    if (!rows) return Error{"Kite instrument master: " + rows.error()};
    std::map<std::string, kite::InstrumentRow> by_key;
    for (auto& r : rows.value()) by_key[r.key()] = r;
    for (auto& [symbol, in] : instruments) {
      if (kite::segment_id(in.exchange, false) == 0) continue;  // not a Kite exchange
      const std::string key =
          in.exchange + ":" + (in.venue_symbol.empty() ? symbol : in.venue_symbol);
      auto it = by_key.find(key);
      if (it == by_key.end())
        return Error{"instrument " + symbol + " (" + key +
                     ") is not in Kite's instrument master; set its venue_symbol"};
      const kite::InstrumentRow& row = it->second;
      if (in.tradable && (row.tick_size != in.tick || row.lot_size != in.lot.units)) {
        out.notes.push_back(symbol + ": tick " + format_fixed(row.tick_size.raw) + " lot " +
                            std::to_string(row.lot_size) + " from Kite's instrument master");
        in.tick = row.tick_size;
        in.lot = Qty{row.lot_size};
      }
      out.rows[symbol] = row;
    }
  } catch (const std::exception& e) {
    return Error{e.what(), ErrorCode::Unavailable};
  }
  return out;
}

}  // namespace aitrapp
