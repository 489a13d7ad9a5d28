// What the Bitget simulator's WebSocket streams publish: public books (books incremental with
// seq, pseq and checksum; books1, books5 and books15 as snapshots of the five-level book), ticker,
// trade and candle1m after each tick; private orders, fill, positions (the full set) and account
// after each change. The server (bitget_sim_server) owns the connections and subscriptions.
#include <algorithm>
#include <array>
#include <cstdlib>
#include <map>

#include "venue/bitget_sim/bitget_exchange.hpp"

namespace aitrapp::bitget {

using nlohmann::json;

namespace {

constexpr std::array<const char*, 7> kPublic = {"books",  "books1", "books5",  "books15",
                                                "ticker", "trade",  "candle1m"};
constexpr std::array<const char*, 4> kPrivate = {"orders", "fill", "positions", "account"};

std::vector<BookLevel> levels_of(const json& side) {
  std::vector<BookLevel> out;
  for (const auto& l : side) out.push_back({l[0].get<std::string>(), l[1].get<std::string>()});
  return out;
}

json levels_json(const std::vector<BookLevel>& levels, size_t n = SIZE_MAX) {
  json out = json::array();
  for (size_t i = 0; i < levels.size() && i < n; ++i)
    out.push_back({levels[i].price, levels[i].size});
  return out;
}

// The levels of `now` that differ from `before`, and those gone with size "0", in book order.
json deltas(const std::vector<BookLevel>& before, const std::vector<BookLevel>& now) {
  std::map<std::string, std::string> was;
  for (const auto& l : before) was[l.price] = l.size;
  json out = json::array();
  for (const auto& l : now) {
    const auto it = was.find(l.price);
    if (it == was.end() || it->second != l.size) out.push_back({l.price, l.size});
    if (it != was.end()) was.erase(it);
  }
  for (const auto& [price, _] : was) out.push_back({price, "0"});
  return out;
}

json book_data(const std::vector<BookLevel>& bids, const std::vector<BookLevel>& asks, json b,
               json a, TimeMs ts, int64_t seq, int64_t pseq) {
  return json::array({{{"asks", std::move(a)},
                       {"bids", std::move(b)},
                       {"checksum", book_checksum(bids, asks)},
                       {"seq", seq},
                       {"pseq", pseq},
                       {"ts", std::to_string(ts)}}});
}

}  // namespace

std::string BitgetExchange::WsPush::frame(const json& arg, TimeMs ts) const {
  return json{{"action", action}, {"arg", arg}, {"data", data}, {"ts", ts}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
}

json BitgetExchange::WsPush::plain_arg() const {
  return {{"instType", kUsdtFutures},
          {"channel", channel},
          {"instId", symbol.empty() ? "default" : symbol}};
}

bool BitgetExchange::is_public_channel(const std::string& c) {
  return std::find(kPublic.begin(), kPublic.end(), c) != kPublic.end();
}

bool BitgetExchange::is_private_channel(const std::string& c) {
  return std::find(kPrivate.begin(), kPrivate.end(), c) != kPrivate.end();
}

std::optional<WsError> BitgetExchange::check_ws_login(const json& arg) const {
  return check_login(account_, arg, clock_.now());
}

// After a tick of `m`: each public channel's push, and the books update against what the books
// channel published last.
void BitgetExchange::push_market(Market& m) {
  const json depth = depth_json(m, kBookLevels);
  std::vector<BookLevel> bids = levels_of(depth["bids"]), asks = levels_of(depth["asks"]);
  const TimeMs ts = m.last.time;
  json db = deltas(m.ws_bids, bids), da = deltas(m.ws_asks, asks);
  if (!db.empty() || !da.empty()) {
    const int64_t pseq = m.book_seq++;
    pushes_.push_back({"books", m.rules.symbol, "update",
                       book_data(bids, asks, std::move(db), std::move(da), ts, m.book_seq, pseq)});
  }
  m.ws_bids = std::move(bids);
  m.ws_asks = std::move(asks);
  for (const auto& [channel, n] :
       {std::pair<const char*, size_t>{"books1", 1}, {"books5", 5}, {"books15", 15}}) {
    std::vector<BookLevel> b(m.ws_bids.begin(), m.ws_bids.begin() + std::min(n, m.ws_bids.size()));
    std::vector<BookLevel> a(m.ws_asks.begin(), m.ws_asks.begin() + std::min(n, m.ws_asks.size()));
    pushes_.push_back({channel, m.rules.symbol, "snapshot",
                       book_data(b, a, levels_json(b), levels_json(a), ts, m.book_seq, 0)});
  }
  json t = ticker_json(m);
  t["instId"] = m.rules.symbol;
  t["nextFundingTime"] = std::to_string(m.next_funding);
  pushes_.push_back({"ticker", m.rules.symbol, "snapshot", json::array({t})});
  if (m.last.volume > 0) {
    const Qty size{m.last.volume * m.instrument.units_per_whole};
    const bool up = m.prev_last.raw == 0 || m.last.last >= m.prev_last;
    pushes_.push_back(
        {"trade", m.rules.symbol, "update",
         json::array({{{"ts", std::to_string(ts)},
                       {"price", format_price(m.rules, m.last.last)},
                       {"size", format_size(m.rules, size)},
                       {"side", up ? "buy" : "sell"},
                       {"tradeId", std::to_string(1'400'000'000'000'000'000 + ++m.trades)}}})});
  }
  m.prev_last = m.last.last;
  if (!m.candles.empty()) {
    const auto& c = m.candles.back();
    const Qty base{c.volume * m.instrument.units_per_whole};
    const std::string quote = to_string(notional(c.close, base, m.instrument.units_per_whole));
    pushes_.push_back(
        {"candle1m", m.rules.symbol, "update",
         json::array({json::array({std::to_string(c.start), format_price(m.rules, c.open),
                                   format_price(m.rules, c.high), format_price(m.rules, c.low),
                                   format_price(m.rules, c.close), format_size(m.rules, base),
                                   quote, quote})})});
  }
}

// An order's push: its state now, and on a fill the fill's own fields (baseVolume is the fill's
// size there, accBaseVolume the order's filled total). reduceOnly is lower case on the stream.
void BitgetExchange::push_order(const Order& o, const Fill* fill) {
  const Market& m = markets_.at(o.symbol);
  json j = order_json(o, "status");
  j["instId"] = o.symbol;
  j["reduceOnly"] = o.reduce_only ? "yes" : "no";
  j["accBaseVolume"] = format_size(m.rules, o.filled);
  j["notionalUsd"] =
      to_string(notional(o.market ? m.mark() : o.price, o.size, m.instrument.units_per_whole));
  j["pnl"] = to_string(o.profit);
  j["feeDetail"] = json::array({{{"feeCoin", "USDT"}, {"fee", to_string(-o.fee)}}});
  j["stpMode"] = "none";
  if (fill) {
    j["tradeId"] = fill->trade_id;
    j["fillPrice"] = format_price(m.rules, fill->price);
    j["baseVolume"] = format_size(m.rules, fill->qty);
    j["fillTime"] = std::to_string(fill->time);
    j["fillFee"] = to_string(-fill->fee);
    j["fillFeeCoin"] = "USDT";
    j["tradeScope"] = fill->maker ? "M" : "T";
    j["fillNotionalUsd"] =
        to_string(notional(fill->price, fill->qty, m.instrument.units_per_whole));
    json f = fill_json(*fill);
    f["clientOid"] = o.client_oid;
    f["uTime"] = f["cTime"];
    pushes_.push_back({"fill", "", "snapshot", json::array({std::move(f)})});
  }
  pushes_.push_back({"orders", "", "snapshot", json::array({std::move(j)})});
  account_changed_ = true;
}

json BitgetExchange::ws_position_json(const Market& m, const PerpAccount::Position& p) const {
  json j = position_json(m, p);
  j["instId"] = j["symbol"];
  j["posId"] = std::to_string(1'500'000'000'000'000'000 +
                              std::distance(markets_.begin(), markets_.find(m.rules.symbol)));
  j["frozen"] = j["locked"];
  j["marginRate"] = j["marginRatio"];
  const Money margin = Money::from_raw(
      notional(p.avg, Qty{std::llabs(p.net.units)}, m.instrument.units_per_whole).raw / m.leverage);
  const Money upl = unrealized(p, m.mark(), m.instrument.units_per_whole);
  j["unrealizedPLR"] = margin.raw > 0 ? format_fixed(mul_div(upl.raw, kScale, margin.raw)) : "0";
  return j;
}

json BitgetExchange::ws_positions() const {
  json list = json::array();
  for (const auto& [symbol, p] : account_book_.positions())
    if (p.net.units != 0) list.push_back(ws_position_json(markets_.at(symbol), p));
  return list;
}

json BitgetExchange::ws_account() const {
  const json a = account_json();
  return json::array({{{"marginCoin", "USDT"},
                       {"frozen", a["locked"]},
                       {"available", a["available"]},
                       {"maxOpenPosAvailable", a["crossedMaxAvailable"]},
                       {"maxTransferOut", a["maxTransferOut"]},
                       {"equity", a["accountEquity"]},
                       {"usdtEquity", a["usdtEquity"]},
                       {"crossedRiskRate", a["crossedRiskRate"]},
                       {"unrealizedPL", a["unrealizedPL"]},
                       {"assetsMode", "single"}}});
}

std::vector<BitgetExchange::WsPush> BitgetExchange::take_pushes() {
  if (account_changed_) {
    pushes_.push_back({"positions", "", "snapshot", ws_positions()});
    pushes_.push_back({"account", "", "snapshot", ws_account()});
    account_changed_ = false;
  }
  return std::exchange(pushes_, {});
}

std::variant<std::optional<BitgetExchange::WsPush>, WsError> BitgetExchange::subscribe(
    const std::string& channel, const std::string& inst_id) {
  if (is_private_channel(channel)) {
    if (channel == "positions") return WsPush{"positions", "", "snapshot", ws_positions()};
    if (channel == "account") return WsPush{"account", "", "snapshot", ws_account()};
    return std::optional<WsPush>{};  // orders and fills start with the next change
  }
  if (!is_public_channel(channel))
    return WsError{kWsChannelUnknown, "channel " + channel + " does not exist"};
  const auto it = markets_.find(upper(inst_id));
  if (it == markets_.end())
    return WsError{kWsParameterError, "instId " + inst_id + " is not a USDT-FUTURES contract"};
  const Market& m = it->second;
  if (!m.quoted) return std::optional<WsPush>{};
  const TimeMs ts = m.last.time;
  if (channel == "books")
    return WsPush{"books", m.rules.symbol, "snapshot",
                  book_data(m.ws_bids, m.ws_asks, levels_json(m.ws_bids), levels_json(m.ws_asks),
                            ts, m.book_seq, 0)};
  if (channel == "ticker") {
    json t = ticker_json(m);
    t["instId"] = m.rules.symbol;
    t["nextFundingTime"] = std::to_string(m.next_funding);
    return WsPush{"ticker", m.rules.symbol, "snapshot", json::array({t})};
  }
  return std::optional<WsPush>{};  // the snapshots and updates of the others come with the tick
}

}  // namespace aitrapp::bitget
