#pragma once
// Bitget's part of a live session (`run --venue bitget`): the public stream's books and trades as
// market ticks (the book mirrored with its checksum; a gap or a mismatch resubscribes, a book
// older than its trades pauses entries as `bitget_book`), and with --live the BitgetVenue adapter
// fed by the private stream's order pushes and the last trade price (for the stops it holds).
// Everything else (bars, the paper venue, reconciliation, the day boundary) is LiveSession's.
// Owned by the LiveSession; the streams and the adapter run on their own threads and reach the
// session only through its LiveInbound.
#include <map>
#include <string>

#include "app/live_session.hpp"
#include "venue/bitget/bitget_auth.hpp"
#include "venue/bitget/bitget_contract.hpp"
#include "venue/bitget/bitget_venue.hpp"

namespace aitrapp {

struct BitgetLiveSettings {
  std::string rest_root, ws_base;  // ws_base + "/public", ws_base + "/private"
  bitget::Credentials credentials;
  bool live = false;
  TimeMs clock_offset_ms = 0;  // the exchange's time minus the session clock (signed logins)
  std::string margin_mode = "crossed";
  std::map<std::string, bitget::ContractRules> rules;  // engine symbol (= Bitget's) -> contract
};

// The session maker for LiveSession. `log` and `source` (the exchange clock) must outlive the
// session.
LiveSession::MakeVenue bitget_live_venue(BitgetLiveSettings settings, LogSink& log,
                                         const Clock& source);

}  // namespace aitrapp
