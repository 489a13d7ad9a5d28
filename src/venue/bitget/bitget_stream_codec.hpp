#pragma once
// The adapter's reading of Bitget's stream pushes (docs/bitget-protocol.md, "WebSocket"): a
// books push into levels, the order book mirrored from a snapshot and its updates with the seq
// and checksum checks that say when to resubscribe, and an orders push into what the engine
// needs (state, cumulative fill, the last fill). Every reader names the field that is missing
// or malformed. Pure functions are thread-safe; a BookMirror is one caller's.
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/decimal.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "core/types.hpp"
#include "venue/bitget/bitget_contract.hpp"
#include "venue/bitget/bitget_ws.hpp"

namespace aitrapp::bitget {

// A push's envelope: {"action","arg":{instType,channel,instId},"data":[...]}; nullopt for the
// other frames (events, pong).
struct Push {
  std::string action, channel, inst_id;
  const nlohmann::json* data = nullptr;  // into the parsed frame
};
std::optional<Push> push_of(const nlohmann::json& frame);

struct BookPush {
  bool snapshot = true;
  std::vector<BookLevel> bids, asks;  // strings as sent; a size "0" removes the level
  std::optional<int32_t> checksum;
  int64_t seq = 0, pseq = 0;
  TimeMs ts = 0;
};
Result<BookPush> parse_book_push(const Push& p);

// The book a client keeps from the books channel. apply() refuses an update that does not
// follow the last seq, or whose checksum does not match the book it makes (the book is then
// stale: resubscribe for a fresh snapshot).
class BookMirror {
 public:
  Result<void> apply(const BookPush& p);
  bool empty() const { return bids_.empty() || asks_.empty(); }
  std::optional<Price> best_bid() const;
  std::optional<Price> best_ask() const;
  // The top `n` levels each side, best first.
  std::vector<BookLevel> bids(size_t n = 25) const;
  std::vector<BookLevel> asks(size_t n = 25) const;

 private:
  std::map<int64_t, BookLevel> bids_, asks_;  // by raw price
  int64_t seq_ = -1;
};

// One order change from the orders channel, in engine units.
struct OrderPush {
  std::string order_id, client_oid, symbol, status;  // live, partially_filled, filled, canceled
  Side side = Side::Buy;
  Qty size, filled;  // filled: the order's total (accBaseVolume)
  Price price;
  std::string cancel_reason;
  // Set when the push reports a fill: its id, size, price, fee paid (negative: a rebate) and
  // whether it was the maker side.
  std::string trade_id;
  Qty fill_qty;
  Price fill_price;
  Money fill_fee;
  bool maker = false;
  TimeMs time = 0;
};
Result<std::vector<OrderPush>> parse_order_push(const Push& p, const ContractRules& rules);

}  // namespace aitrapp::bitget
