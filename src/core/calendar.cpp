#include "core/calendar.hpp"

#include <date/tz.h>

#include <cstdio>
#include <stdexcept>

namespace aitrapp {

using std::chrono::milliseconds;

const char* to_string(SessionPhase p) {
  switch (p) {
    case SessionPhase::Closed:
      return "CLOSED";
    case SessionPhase::Open:
      return "OPEN";
    case SessionPhase::Tighten:
      return "TIGHTEN";
    case SessionPhase::Flat:
      return "FLAT";
  }
  return "?";
}

int parse_hhmm(const std::string& s) {
  int h = 0, m = 0;
  char extra = 0;
  if (s.size() != 5 || s[2] != ':' || std::sscanf(s.c_str(), "%2d:%2d%c", &h, &m, &extra) != 2)
    return -1;
  if (h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0)) return -1;
  return h * 60 + m;
}

std::string format_hhmm(int minute) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minute / 60, minute % 60);
  return buf;
}

TradingCalendar::TradingCalendar(const std::string& timezone, SessionTimes times)
    : tz_name_(timezone), times_(times) {
  try {
    zone_ = date::locate_zone(timezone);
  } catch (const std::exception&) {
    throw std::runtime_error("unknown time zone '" + timezone + "'");
  }
}

namespace {
date::local_time<milliseconds> to_local(const date::time_zone* z, TimeMs t) {
  return z->to_local(date::sys_time<milliseconds>{milliseconds{t}});
}
}  // namespace

int TradingCalendar::local_minute(TimeMs t) const {
  auto lt = to_local(zone_, t);
  auto day = date::floor<date::days>(lt);
  return static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(lt - day).count());
}

int TradingCalendar::local_yyyymmdd(TimeMs t) const {
  date::year_month_day ymd{date::floor<date::days>(to_local(zone_, t))};
  return int(ymd.year()) * 10000 + int(unsigned(ymd.month())) * 100 + int(unsigned(ymd.day()));
}

std::string TradingCalendar::local_date(TimeMs t) const {
  return date::format("%F", date::floor<date::days>(to_local(zone_, t)));
}

std::string TradingCalendar::local_time_string(TimeMs t) const {
  date::zoned_time<milliseconds> zt{zone_, date::sys_time<milliseconds>{milliseconds{t}}};
  return date::format("%FT%T%Ez", zt);
}

TimeMs TradingCalendar::local_to_utc(int yyyymmdd, int minute_of_day, int64_t extra_ms) const {
  date::year_month_day ymd{date::year{yyyymmdd / 10000},
                           date::month(unsigned(yyyymmdd / 100 % 100)),
                           date::day(unsigned(yyyymmdd % 100))};
  if (!ymd.ok()) throw std::runtime_error("invalid date " + std::to_string(yyyymmdd));
  date::local_time<milliseconds> lt =
      date::local_days{ymd} + std::chrono::minutes{minute_of_day} + milliseconds{extra_ms};
  auto sys = zone_->to_sys(lt, date::choose::earliest);
  return sys.time_since_epoch().count();
}

SessionPhase TradingCalendar::phase(TimeMs t) const {
  int m = local_minute(t);
  if (m < times_.open_minute || m >= times_.close_minute) return SessionPhase::Closed;
  if (m >= times_.flat_minute) return SessionPhase::Flat;
  if (m >= times_.tighten_minute) return SessionPhase::Tighten;
  return SessionPhase::Open;
}

bool TradingCalendar::in_session(TimeMs t) const {
  return phase(t) != SessionPhase::Closed;
}

}  // namespace aitrapp
