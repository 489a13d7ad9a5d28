// The Bitget simulator's funding: settlements at the contract's interval on the exchange clock
// (00:00, 08:00 and 16:00 UTC for 8 h), charged on each position's value at the mark price, booked
// in the account statement; the current rate, the next settlement time and the settled history.
// The replayed bars carry no funding, so the rate is 0.01 % per interval unless the control API
// sets another; a positive rate makes longs pay shorts.
#include <cstdlib>
#include <tuple>

#include "venue/bitget_sim/bitget_exchange.hpp"

namespace aitrapp::bitget {

using nlohmann::json;

namespace {

constexpr int64_t kPpm = 1'000'000;
constexpr int64_t kMaxRatePpm = 3000;  // +-0.3 %: the bounds current-fund-rate reports

}  // namespace

std::string BitgetExchange::ppm_text(int64_t ppm) {
  const int64_t a = std::llabs(ppm);
  std::string frac = std::to_string(a % kPpm);
  frac.insert(0, 6 - frac.size(), '0');
  return (ppm < 0 ? "-" : "") + std::to_string(a / kPpm) + "." + frac;
}

std::optional<int64_t> BitgetExchange::parse_ppm(std::string_view text) {
  if (text.empty()) return std::nullopt;
  const bool negative = text[0] == '-';
  if (negative) text.remove_prefix(1);
  int64_t whole = 0, frac = 0;
  int places = -1;  // -1: before the point
  for (const char c : text) {
    if (c == '.' && places < 0) {
      places = 0;
    } else if (c >= '0' && c <= '9') {
      if (places < 0) {
        if (whole > 1'000'000) return std::nullopt;
        whole = whole * 10 + (c - '0');
      } else if (++places > 6) {
        return std::nullopt;
      } else {
        frac = frac * 10 + (c - '0');
      }
    } else {
      return std::nullopt;
    }
  }
  if (text.front() == '.' || text.back() == '.') return std::nullopt;
  for (int i = std::max(places, 0); i < 6; ++i) frac *= 10;
  const int64_t v = whole * kPpm + frac;
  return negative ? -v : v;
}

void BitgetExchange::settle_due(TimeMs now) {
  for (auto& [_, m] : markets_) {
    const TimeMs interval = m.rules.fund_interval_hours * 3'600'000LL;
    while (m.next_funding <= now) {
      settle(m, m.next_funding);
      m.next_funding += interval;
    }
  }
}

void BitgetExchange::settle(Market& m, TimeMs at) {
  ++funding_settlements_;
  m.funding_history.emplace_back(at, m.funding_rate_ppm);
  const auto* p = account_book_.position(m.rules.symbol);
  if (!p || p->net.units == 0 || !m.quoted) return;
  const Money value =
      notional(m.mark(), Qty{std::llabs(p->net.units)}, m.instrument.units_per_whole);
  const Money charge = Money::from_raw(mul_div(value.raw, m.funding_rate_ppm, kPpm));
  const Money received = p->net.units > 0 ? -charge : charge;
  account_book_.funding(m.rules.symbol, received, at);
  account_changed_ = true;
  book_bill(m.rules.symbol, "contract_settle_fee", received, Money{});
}

void BitgetExchange::book_bill(const std::string& symbol, const std::string& type, Money amount,
                               Money fee) {
  bills_.push_back({std::to_string(1'300'000'000'000'000'000 + static_cast<int64_t>(++next_bill_)),
                    symbol, type, amount, fee, account_book_.cash(), clock_.now()});
}

json BitgetExchange::settle_funding_now() {
  json settled = json::array();
  for (auto& [symbol, m] : markets_) {
    const Money before = account_book_.funding_total();
    settle(m, clock_.now());
    settled.push_back({{"symbol", symbol},
                       {"fundingRate", ppm_text(m.funding_rate_ppm)},
                       {"amount", to_string(account_book_.funding_total() - before)}});
  }
  return {{"settled", settled}, {"time", clock_.now()}};
}

Result<json> BitgetExchange::set_funding_rate(const std::string& symbol, int64_t ppm) {
  auto found = market_named(symbol);
  if (const auto* e = std::get_if<ApiError>(&found)) return Error{e->msg};
  if (std::llabs(ppm) > kMaxRatePpm)
    return Error{"rate " + ppm_text(ppm) + " is outside +-" + ppm_text(kMaxRatePpm)};
  Market& m = *std::get<Market*>(found);
  m.funding_rate_ppm = ppm;
  return json{{"symbol", m.rules.symbol},
              {"fundingRate", ppm_text(ppm)},
              {"nextFundingTime", m.next_funding}};
}

net::HttpResponse BitgetExchange::current_funding_rate(const Params& p) {
  auto found = market_of(p);
  if (const auto* e = std::get_if<ApiError>(&found)) return fail(*e);
  const Market& m = *std::get<Market*>(found);
  return ok(json::array({{{"symbol", m.rules.symbol},
                          {"fundingRate", ppm_text(m.funding_rate_ppm)},
                          {"fundingRateInterval", std::to_string(m.rules.fund_interval_hours)},
                          {"nextUpdate", std::to_string(m.next_funding)},
                          {"minFundingRate", ppm_text(-kMaxRatePpm)},
                          {"maxFundingRate", ppm_text(kMaxRatePpm)}}}));
}

net::HttpResponse BitgetExchange::funding_time(const Params& p) {
  auto found = market_of(p);
  if (const auto* e = std::get_if<ApiError>(&found)) return fail(*e);
  const Market& m = *std::get<Market*>(found);
  return ok(json::array({{{"symbol", m.rules.symbol},
                          {"nextFundingTime", std::to_string(m.next_funding)},
                          {"ratePeriod", std::to_string(m.rules.fund_interval_hours)}}}));
}

// The settled rates, newest first, paged by pageSize (1-100, default 20) and pageNo (from 1).
net::HttpResponse BitgetExchange::funding_history(const Params& p) {
  auto found = market_of(p);
  if (const auto* e = std::get_if<ApiError>(&found)) return fail(*e);
  const Market& m = *std::get<Market*>(found);
  int64_t size = 20, page = 1;
  for (const auto& [name, into, hi] :
       {std::tuple<const char*, int64_t*, int64_t>{"pageSize", &size, 100},
        {"pageNo", &page, 1'000'000}})
    if (p.has(name)) {
      const auto v = p.whole(name, 1, hi);
      if (const auto* e = std::get_if<ApiError>(&v)) return fail(*e);
      *into = std::get<int64_t>(v);
    }
  json rows = json::array();
  const int64_t skip = (page - 1) * size;
  int64_t seen = 0;
  for (auto it = m.funding_history.rbegin();
       it != m.funding_history.rend() && static_cast<int64_t>(rows.size()) < size; ++it)
    if (seen++ >= skip)
      rows.push_back({{"symbol", m.rules.symbol},
                      {"fundingRate", ppm_text(it->second)},
                      {"fundingTime", std::to_string(it->first)}});
  return ok(rows);
}

}  // namespace aitrapp::bitget
