#include "venue/bitget/bitget_stream_codec.hpp"

#include <algorithm>

namespace aitrapp::bitget {

using nlohmann::json;

namespace {

const std::string* text(const json& j, const char* name) {
  const auto it = j.find(name);
  return it != j.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
}

std::string text_or_empty(const json& j, const char* name) {
  const std::string* s = text(j, name);
  return s ? *s : std::string();
}

// A number sent as a string or as a JSON number (seq, checksum and ts have been seen as both).
std::optional<int64_t> whole(const json& j, const char* name) {
  const auto it = j.find(name);
  if (it == j.end()) return std::nullopt;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_string()) {
    const std::string& s = it->get_ref<const std::string&>();
    if (s.empty() || s.size() > 19) return std::nullopt;
    size_t i = s[0] == '-' ? 1 : 0;
    if (i == s.size() || !std::all_of(s.begin() + static_cast<ptrdiff_t>(i), s.end(),
                                      [](char c) { return c >= '0' && c <= '9'; }))
      return std::nullopt;
    return std::stoll(s);
  }
  return std::nullopt;
}

Result<std::vector<BookLevel>> levels(const json& d, const char* side) {
  const auto it = d.find(side);
  if (it == d.end() || !it->is_array())
    return Error{std::string("books push has no '") + side + "' list"};
  std::vector<BookLevel> out;
  out.reserve(it->size());
  for (const json& l : *it) {
    if (!l.is_array() || l.size() < 2 || !l[0].is_string() || !l[1].is_string())
      return Error{std::string("books push: a '") + side + "' level is not [price, size]"};
    out.push_back({l[0].get<std::string>(), l[1].get<std::string>()});
  }
  return out;
}

}  // namespace

std::optional<Push> push_of(const json& frame) {
  if (!frame.is_object()) return std::nullopt;
  const auto arg = frame.find("arg");
  const auto data = frame.find("data");
  if (arg == frame.end() || !arg->is_object() || data == frame.end() || !data->is_array())
    return std::nullopt;
  Push p;
  p.action = text_or_empty(frame, "action");
  p.channel = text_or_empty(*arg, "channel");
  p.inst_id = text_or_empty(*arg, "instId");
  if (p.inst_id.empty()) p.inst_id = text_or_empty(*arg, "coin");
  p.data = &*data;
  return p;
}

Result<BookPush> parse_book_push(const Push& p) {
  if (!p.data || p.data->empty() || !(*p.data)[0].is_object())
    return Error{"books push has no data object"};
  const json& d = (*p.data)[0];
  BookPush b;
  b.snapshot = p.action != "update";
  auto bids = levels(d, "bids");
  if (!bids) return Error{bids.error()};
  auto asks = levels(d, "asks");
  if (!asks) return Error{asks.error()};
  b.bids = std::move(bids.value());
  b.asks = std::move(asks.value());
  if (d.contains("checksum")) {
    const auto c = whole(d, "checksum");
    if (!c) return Error{"books push: 'checksum' is not an integer"};
    b.checksum = static_cast<int32_t>(*c);
  }
  b.seq = whole(d, "seq").value_or(0);
  b.pseq = whole(d, "pseq").value_or(0);
  b.ts = whole(d, "ts").value_or(0);
  return b;
}

Result<void> BookMirror::apply(const BookPush& p) {
  if (p.snapshot) {
    bids_.clear();
    asks_.clear();
  } else if (seq_ >= 0 && p.pseq != seq_) {
    return Error{"books update pseq " + std::to_string(p.pseq) + " does not follow seq " +
                 std::to_string(seq_) + ": resubscribe"};
  }
  for (auto [side, book] : {std::pair{&p.bids, &bids_}, std::pair{&p.asks, &asks_}})
    for (const BookLevel& l : *side) {
      const auto raw = parse_fixed(l.price);
      if (!raw) return Error{"books push: price '" + l.price + "' is not a decimal"};
      const auto size = parse_fixed_truncating(l.size);
      if (!size || *size < 0) return Error{"books push: size '" + l.size + "' is not a decimal"};
      if (*size == 0)
        book->erase(*raw);
      else
        (*book)[*raw] = l;
    }
  seq_ = p.seq;
  if (p.checksum) {
    const int32_t mine = book_checksum(bids(), asks());
    if (mine != *p.checksum) {
      seq_ = -1;
      return Error{"books checksum " + std::to_string(*p.checksum) + " does not match the book (" +
                   std::to_string(mine) + "): resubscribe"};
    }
  }
  return {};
}

std::optional<Price> BookMirror::best_bid() const {
  if (bids_.empty()) return std::nullopt;
  return Price::from_raw(bids_.rbegin()->first);
}

std::optional<Price> BookMirror::best_ask() const {
  if (asks_.empty()) return std::nullopt;
  return Price::from_raw(asks_.begin()->first);
}

std::vector<BookLevel> BookMirror::bids(size_t n) const {
  std::vector<BookLevel> out;
  for (auto it = bids_.rbegin(); it != bids_.rend() && out.size() < n; ++it)
    out.push_back(it->second);
  return out;
}

std::vector<BookLevel> BookMirror::asks(size_t n) const {
  std::vector<BookLevel> out;
  for (auto it = asks_.begin(); it != asks_.end() && out.size() < n; ++it)
    out.push_back(it->second);
  return out;
}

Result<std::vector<OrderPush>> parse_order_push(const Push& p, const ContractRules& rules) {
  if (!p.data) return Error{"orders push has no data"};
  std::vector<OrderPush> out;
  for (const json& o : *p.data) {
    if (!o.is_object()) return Error{"orders push: an element is not an object"};
    OrderPush u;
    for (auto [name, into] : {std::pair<const char*, std::string*>{"orderId", &u.order_id},
                              {"clientOid", &u.client_oid},
                              {"status", &u.status}}) {
      const std::string* v = text(o, name);
      if (!v || v->empty()) return Error{std::string("orders push has no '") + name + "'"};
      *into = *v;
    }
    u.symbol = text_or_empty(o, "instId");
    const std::string side = text_or_empty(o, "side");
    if (side != "buy" && side != "sell")
      return Error{"orders push " + u.order_id + ": side '" + side + "'"};
    u.side = side == "buy" ? Side::Buy : Side::Sell;
    auto size = [&](const char* name, Qty& into, bool required) -> Result<void> {
      const std::string* v = text(o, name);
      if (!v || v->empty()) {
        if (required) return Error{"orders push " + u.order_id + " has no '" + name + "'"};
        return {};
      }
      const auto q = parse_size(rules, *v);
      if (!q) return Error{"orders push " + u.order_id + ": " + name + " '" + *v + "'"};
      into = *q;
      return {};
    };
    if (auto r = size("size", u.size, true); !r) return Error{r.error()};
    if (auto r = size("accBaseVolume", u.filled, true); !r) return Error{r.error()};
    u.price = Price::from_raw(parse_fixed(text_or_empty(o, "price")).value_or(0));
    u.cancel_reason = text_or_empty(o, "cancelReason");
    u.time = whole(o, "uTime").value_or(0);
    u.trade_id = text_or_empty(o, "tradeId");
    if (!u.trade_id.empty()) {
      if (auto r = size("baseVolume", u.fill_qty, true); !r) return Error{r.error()};
      const auto price = parse_fixed(text_or_empty(o, "fillPrice"));
      if (!price || *price <= 0) return Error{"orders push " + u.order_id + ": fillPrice"};
      u.fill_price = Price::from_raw(*price);
      // Bitget writes the fee as a negative amount paid: the engine books it as paid.
      u.fill_fee =
          Money::from_raw(-parse_fixed_truncating(text_or_empty(o, "fillFee")).value_or(0));
      u.maker = text_or_empty(o, "tradeScope") == "M" || text_or_empty(o, "tradeScope") == "maker";
      u.time = whole(o, "fillTime").value_or(u.time);
    }
    out.push_back(std::move(u));
  }
  return out;
}

}  // namespace aitrapp::bitget
