#pragma once
// Trading calendar: session, EOD tighten and hard-flat times in the exchange's time zone, read
// from configuration and resolved through the system tz database, never the process TZ.
// Immutable after construction; thread-safe.
#include <string>

#include "core/time.hpp"

namespace date {
class time_zone;
}

namespace aitrapp {

struct SessionTimes {
  int open_minute = 9 * 60 + 15;  // minutes after local midnight
  int close_minute = 15 * 60 + 30;
  int tighten_minute = 15 * 60 + 20;  // EOD: REDUCING from here (exits only, stops tightened)
  int flat_minute = 15 * 60 + 25;     // EOD: everything closed from here
};

enum class SessionPhase { Closed, Open, Tighten, Flat };
const char* to_string(SessionPhase p);

// "HH:MM" -> minutes after midnight; -1 if malformed.
int parse_hhmm(const std::string& s);
std::string format_hhmm(int minute_of_day);

class TradingCalendar {
 public:
  // Throws std::runtime_error naming the zone if it is not in the tz database.
  TradingCalendar(const std::string& timezone, SessionTimes times);

  const std::string& timezone() const { return tz_name_; }
  const SessionTimes& times() const { return times_; }

  // Local wall-clock minute of the day and seconds within it, for an instant.
  int local_minute(TimeMs t) const;
  std::string local_date(TimeMs t) const;         // YYYY-MM-DD
  std::string local_time_string(TimeMs t) const;  // YYYY-MM-DDTHH:MM:SS.mmm+hh:mm
  // The instant of a local date (YYYYMMDD as int) plus minutes and milliseconds after midnight.
  TimeMs local_to_utc(int yyyymmdd, int minute_of_day, int64_t extra_ms = 0) const;
  SessionPhase phase(TimeMs t) const;
  bool in_session(TimeMs t) const;
  TimeMs tighten_at(int yyyymmdd) const { return local_to_utc(yyyymmdd, times_.tighten_minute); }
  TimeMs flat_at(int yyyymmdd) const { return local_to_utc(yyyymmdd, times_.flat_minute); }
  // YYYYMMDD of the local date of t.
  int local_yyyymmdd(TimeMs t) const;

 private:
  std::string tz_name_;
  const date::time_zone* zone_;
  SessionTimes times_;
};

}  // namespace aitrapp
