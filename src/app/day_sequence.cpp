#include "app/day_sequence.hpp"

#include <stdexcept>

namespace aitrapp {

DaySequence::DaySequence(const AppConfig& cfg, std::vector<DayData> days, Store& store,
                         VenueJournal& venue_journal, LogSink& log)
    : cfg_(cfg), days_(std::move(days)), store_(store), venue_journal_(venue_journal), log_(log) {
  if (days_.empty()) throw std::invalid_argument("DaySequence needs at least one day");
  open_day(0);
}

void DaySequence::open_day(size_t i) {
  if (day_) conflicting_before_ += day_->conflicting_places();
  current_ = i;
  // The finished day is kept until the next step: the tick its last step returned points into it.
  finished_ = std::move(day_);
  day_ = std::make_unique<DayReplay>(cfg_, std::move(days_[i]), store_, venue_journal_, log_);
}

std::vector<std::string> DaySequence::start() {
  auto broken = day_->start();
  if (broken.empty()) roll_over();
  return broken;
}

void DaySequence::roll_over() {
  while (day_->idle() && current_ + 1 < days_.size()) {
    open_day(current_ + 1);
    stop_if_broken(day_->day_string(), day_->start());
  }
}

bool DaySequence::idle() const {
  return day_->idle() && current_ + 1 >= days_.size();
}

TimeMs DaySequence::next_time() const {
  return day_->next_time();
}

const Tick* DaySequence::step() {
  finished_.reset();
  const Tick* t = day_->step();
  roll_over();
  return t;
}

void DaySequence::advance_to(TimeMs t) {
  day_->advance_to(t);
}

int64_t DaySequence::conflicting_places() const {
  return conflicting_before_ + day_->conflicting_places();
}

}  // namespace aitrapp
