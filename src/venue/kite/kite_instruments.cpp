#include "venue/kite/kite_instruments.hpp"

#include <charconv>
#include <sstream>

namespace aitrapp::kite {

namespace {

std::vector<std::string_view> split_csv_line(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    const size_t comma = line.find(',', start);
    out.push_back(line.substr(start, comma == std::string_view::npos ? comma : comma - start));
    if (comma == std::string_view::npos) return out;
    start = comma + 1;
  }
}

std::string price_text(Price p) {
  return p.raw == 0 ? "0" : format_fixed(p.raw);
}

}  // namespace

uint32_t segment_id(std::string_view exchange, bool index) {
  if (index) return 9;
  static const std::pair<std::string_view, uint32_t> ids[] = {
      {"NSE", 1}, {"NFO", 2}, {"CDS", 3}, {"BSE", 4}, {"BFO", 5}, {"BCD", 6}, {"MCX", 7}};
  for (const auto& [name, id] : ids)
    if (name == exchange) return id;
  return 0;
}

std::vector<InstrumentRow> rows_for(const std::map<std::string, Instrument>& instruments) {
  // Kite's tokens for the indices the default configuration reads (third-party instrument packs).
  static const std::map<std::string, uint32_t> index_tokens = {
      {"NIFTY 50", 256265}, {"NIFTY BANK", 260105}, {"INDIA VIX", 264969}};
  std::vector<InstrumentRow> rows;
  uint32_t next_exchange_token = 35001;
  for (const auto& [symbol, in] : instruments) {
    if (segment_id(in.exchange, false) == 0) continue;  // not a Kite exchange (e.g. BITGET)
    InstrumentRow r;
    r.tradingsymbol = in.venue_symbol.empty() ? symbol : in.venue_symbol;
    r.exchange = in.exchange;
    r.tick_size = in.tick;
    r.lot_size = in.lot.units;
    const uint32_t seg = segment_id(in.exchange, !in.tradable);
    if (!in.tradable) {
      auto it = index_tokens.find(r.tradingsymbol);
      r.exchange_token = it != index_tokens.end() ? it->second >> 8 : next_exchange_token++;
      r.segment = "INDICES";
      r.instrument_type = "EQ";
      r.name = r.tradingsymbol;
    } else {
      r.exchange_token = next_exchange_token++;
      r.segment = in.exchange == "NFO" ? "NFO-FUT" : in.exchange;
      r.instrument_type = in.exchange == "NFO" ? "FUT" : "EQ";
      r.name = symbol.substr(0, symbol.find('_'));
    }
    r.instrument_token = r.exchange_token * 256 + seg;
    rows.push_back(std::move(r));
  }
  return rows;
}

std::string write_instruments_csv(const std::vector<InstrumentRow>& rows) {
  std::ostringstream o;
  o << kInstrumentsHeader << "\n";
  for (const auto& r : rows)
    o << r.instrument_token << ',' << r.exchange_token << ',' << r.tradingsymbol << ',' << r.name
      << ',' << price_text(r.last_price) << ',' << r.expiry << ','
      << (r.strike.raw == 0 ? std::string("0.0") : format_fixed(r.strike.raw)) << ','
      << format_fixed(r.tick_size.raw) << ',' << r.lot_size << ',' << r.instrument_type << ','
      << r.segment << ',' << r.exchange << "\n";
  return o.str();
}

Result<std::vector<InstrumentRow>> parse_instruments_csv(std::string_view csv) {
  std::vector<InstrumentRow> rows;
  size_t line_no = 0;
  while (!csv.empty()) {
    const size_t nl = csv.find('\n');
    std::string_view line = csv.substr(0, nl);
    csv = nl == std::string_view::npos ? std::string_view{} : csv.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    const auto at = [&](const std::string& what) {
      return Error{"instruments line " + std::to_string(line_no) + ": " + what};
    };
    if (line_no == 1) {
      if (line != kInstrumentsHeader) return at("unexpected header '" + std::string(line) + "'");
      continue;
    }
    const auto f = split_csv_line(line);
    if (f.size() != 12) return at("expected 12 columns, found " + std::to_string(f.size()));
    InstrumentRow r;
    const auto number = [](std::string_view s, auto& out) {
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
      return ec == std::errc() && p == s.data() + s.size();
    };
    const auto price = [](std::string_view s, Price& out) {
      if (s.empty()) return true;
      auto v = parse_fixed_truncating(s);
      if (!v) return false;
      out = Price::from_raw(*v);
      return true;
    };
    if (!number(f[0], r.instrument_token))
      return at("instrument_token '" + std::string(f[0]) + "' is not a number");
    if (!number(f[1], r.exchange_token))
      return at("exchange_token '" + std::string(f[1]) + "' is not a number");
    r.tradingsymbol = f[2];
    r.name = f[3];
    if (!price(f[4], r.last_price)) return at("last_price '" + std::string(f[4]) + "'");
    r.expiry = f[5];
    if (!price(f[6], r.strike)) return at("strike '" + std::string(f[6]) + "'");
    if (!price(f[7], r.tick_size) || r.tick_size.raw <= 0)
      return at("tick_size '" + std::string(f[7]) + "' is not a positive price");
    if (!number(f[8], r.lot_size) || r.lot_size <= 0)
      return at("lot_size '" + std::string(f[8]) + "' is not a positive integer");
    r.instrument_type = f[9];
    r.segment = f[10];
    r.exchange = f[11];
    rows.push_back(std::move(r));
  }
  if (line_no == 0) return Error{"instruments CSV is empty"};
  return rows;
}

}  // namespace aitrapp::kite
