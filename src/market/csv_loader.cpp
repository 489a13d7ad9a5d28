#include "market/csv_loader.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/text.hpp"

namespace aitrapp {
namespace {

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : line) {
    if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  out.push_back(cur);
  return out;
}

bool parse_int(const std::string& s, int64_t& out) {
  if (s.empty() || s.size() > 18) return false;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

// Parses the four prices of a row and checks the bar is consistent.
std::string parse_ohlc(const std::vector<std::string>& f, size_t first, Bar& b) {
  static const char* names[] = {"open", "high", "low", "close"};
  Price* dst[] = {&b.open, &b.high, &b.low, &b.close};
  for (int i = 0; i < 4; ++i) {
    auto v = parse_fixed(f[first + i]);
    if (!v) return std::string("bad ") + names[i] + " " + quote_bytes(f[first + i]);
    if (*v <= 0)
      return std::string(names[i]) + " must be positive, got " + quote_bytes(f[first + i]);
    *dst[i] = Price::from_raw(*v);
  }
  if (b.high < std::max({b.open, b.close, b.low}) || b.low > std::min({b.open, b.close, b.high}))
    return "inconsistent bar: high/low do not bound open/close";
  return {};
}

// "2021-12-31 23:01:00.000000" (UTC) -> epoch ms.
bool parse_utc_timestamp(const std::string& s, TimeMs& out) {
  int y, mo, d, h, mi, sec;
  char tail[32] = {0};
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d %2d:%2d:%2d%31s", &y, &mo, &d, &h, &mi, &sec, tail) < 6)
    return false;
  if (tail[0] != 0 && tail[0] != '.') return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59) return false;
  // days_from_civil (Howard Hinnant's algorithm), avoiding the process TZ entirely.
  y -= mo <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const int64_t days = int64_t(era) * 146097 + int64_t(doe) - 719468;
  out = ((days * 24 + h) * 60 + mi) * kMinuteMs + sec * kSecondMs;
  return true;
}

}  // namespace

Result<LoadedFile> load_bar_file(const std::string& path, const TradingCalendar& cal,
                                 const std::string& perp_symbol) {
  std::ifstream in(path);
  if (!in) return Error{path + ": cannot open file"};
  return load_bars(in, path, cal, perp_symbol);
}

Result<LoadedFile> load_bars(std::istream& in, const std::string& path, const TradingCalendar& cal,
                             const std::string& perp_symbol) {
  LoadedFile file{path, BarFormat::Nse, {}};
  std::string line;
  int lineno = 0;
  auto fail = [&](const std::string& msg) {
    return Error{path + ":" + std::to_string(lineno) + ": " + msg};
  };
  if (!std::getline(in, line)) return Error{path + ": empty file, expected a header line"};
  lineno = 1;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line == "symbol,date,time,open,high,low,close,volume,oi") {
    file.format = BarFormat::Nse;
  } else if (line == "timestamp,open,high,low,close,volume") {
    file.format = BarFormat::BtcPerp;
  } else {
    return fail("unrecognized header " + quote_bytes(line, 80) +
                " (expected 'symbol,date,time,open,high,low,close,volume,oi' or "
                "'timestamp,open,high,low,close,volume')");
  }
  const size_t want = file.format == BarFormat::Nse ? 9 : 6;
  int64_t first_ymd = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) return fail("empty line");
    auto f = split(line);
    if (f.size() != want)
      return fail("expected " + std::to_string(want) + " fields, got " + std::to_string(f.size()));
    Bar b;
    b.source_line = lineno;
    if (file.format == BarFormat::Nse) {
      b.symbol = f[0];
      if (b.symbol.empty()) return fail("empty symbol");
      int64_t ymd = 0;
      if (f[1].size() != 8 || !parse_int(f[1], ymd))
        return fail("bad date " + quote_bytes(f[1]) + " (YYYYMMDD)");
      int minute = parse_hhmm(f[2]);
      if (minute < 0 || minute >= 24 * 60)
        return fail("bad time " + quote_bytes(f[2]) + " (HH:MM)");
      try {
        b.start = cal.local_to_utc(static_cast<int>(ymd), minute);
      } catch (const std::exception& e) {
        return fail("bad date " + quote_bytes(f[1]));
      }
      if (auto err = parse_ohlc(f, 3, b); !err.empty()) return fail(err);
      int64_t vol = 0;
      if (!parse_int(f[7], vol)) return fail("bad volume " + quote_bytes(f[7]));
      b.volume_raw = vol * kScale;
      if (!parse_int(f[8], b.oi)) return fail("bad oi " + quote_bytes(f[8]));
      if (!file.bars.empty() && file.bars.front().symbol != b.symbol)
        return fail("symbol " + quote_bytes(b.symbol) + " differs from " +
                    quote_bytes(file.bars.front().symbol) + " earlier in the file");
      if (!file.bars.empty() && ymd != first_ymd)
        return fail("date " + f[1] + " differs from " + std::to_string(first_ymd) +
                    " earlier in the file (a file holds one trading day)");
      first_ymd = ymd;
    } else {
      b.symbol = perp_symbol;
      if (!parse_utc_timestamp(f[0], b.start)) return fail("bad timestamp " + quote_bytes(f[0]));
      if (auto err = parse_ohlc(f, 1, b); !err.empty()) return fail(err);
      auto vol = parse_fixed_truncating(f[5]);
      if (!vol || *vol < 0) return fail("bad volume " + quote_bytes(f[5]));
      b.volume_raw = *vol;
    }
    if (!file.bars.empty() && b.start <= file.bars.back().start)
      return fail("time does not increase (line " + std::to_string(file.bars.back().source_line) +
                  " is not earlier)");
    file.bars.push_back(std::move(b));
  }
  if (file.bars.empty()) return Error{path + ": no data rows"};
  return file;
}

Result<std::vector<LoadedFile>> load_bar_paths(const std::vector<std::string>& paths,
                                               const TradingCalendar& cal,
                                               const std::string& perp_symbol) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (const auto& e : fs::directory_iterator(p, ec))
        if (e.is_regular_file() && e.path().extension() == ".csv")
          found.push_back(e.path().string());
      // A directory of day directories (data/nse): the .csv files one level down.
      if (found.empty())
        for (const auto& day : fs::directory_iterator(p, ec))
          if (day.is_directory())
            for (const auto& e : fs::directory_iterator(day.path(), ec))
              if (e.is_regular_file() && e.path().extension() == ".csv")
                found.push_back(e.path().string());
      if (found.empty())
        return Error{p + ": directory holds no .csv files (nor do its subdirectories)"};
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(p, ec)) {
      files.push_back(p);
    } else {
      return Error{p + ": no such file or directory"};
    }
  }
  std::vector<LoadedFile> out;
  for (const auto& f : files) {
    auto r = load_bar_file(f, cal, perp_symbol);
    if (!r) return Error{r.error()};
    out.push_back(std::move(r.value()));
  }
  return out;
}

}  // namespace aitrapp
