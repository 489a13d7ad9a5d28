#pragma once
// Kite's part of a live session (`run --venue kite`): the WebSocket ticker's packets as market
// ticks, and with --live the KiteVenue adapter as the execution port, its order updates, token
// state, positions and circuit limits handed to the session. Everything else (bars, the paper
// venue, reconciliation, the day boundary) is LiveSession's.
// Owned by the LiveSession; the ticker and the adapter run on their own threads and reach the
// session only through its LiveInbound.
#include <map>
#include <memory>
#include <string>

#include "app/live_session.hpp"
#include "venue/kite/kite_instruments.hpp"
#include "venue/kite/kite_ticker.hpp"
#include "venue/kite/kite_venue.hpp"

namespace aitrapp {

struct KiteLiveSettings {
  std::string rest_root, ws_url;
  std::string api_key, access_token;
  std::string token_file;  // re-read for a fresh access token (TokenException, ticker reconnect)
  bool live = false;
  std::map<std::string, kite::InstrumentRow> rows;  // engine symbol -> Kite instrument
};

// The session maker for LiveSession: Kite's LiveVenue over `settings`. `log` and `source` (the
// exchange clock, for log lines from the ticker's thread) must outlive the session.
LiveSession::MakeVenue kite_live_venue(KiteLiveSettings settings, const AppConfig& cfg,
                                       LogSink& log, const Clock& source);

}  // namespace aitrapp
