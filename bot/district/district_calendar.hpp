#pragma once
// Dates as the district counts them: local days in its time zone, calendar or school days
// (weekends and configured holidays skipped), the review window's due date and its deadline.
#include <string>
#include <string_view>

#include <date/date.h>

#include "bot/district/config.hpp"
#include "bot/model/clock.hpp"

namespace date {
class time_zone;
}

namespace bot {

class DistrictCalendar {
 public:
  // Throws std::runtime_error for an unknown time zone (the config loader checks it first).
  DistrictCalendar(const std::string& time_zone, const ReviewWindow& review);

  date::year_month_day local_day(TimePoint t) const;
  static std::string iso(date::year_month_day d);
  static date::year_month_day parse_iso(std::string_view iso);  // "2026-12-01"

  bool counts(date::year_month_day d) const;  // a day the review window counts
  // The day `n` counted days after `d` (n ≥ 0).
  date::year_month_day add_counted_days(date::year_month_day d, int n) const;
  // Counted days from a to b (negative when b is before a).
  int counted_days_between(date::year_month_day a, date::year_month_day b) const;

  // The local date the review window ends for a request filed at `filed`.
  std::string due_date(TimePoint filed) const;
  // The instant the window has passed: the start of the local day after the due date.
  TimePoint deadline(std::string_view due_iso) const;
  // Counted days from today to the due date: 0 on the due date, negative once overdue.
  int days_left(TimePoint now, std::string_view due_iso) const;
  // The instant of a local wall-clock time ("19:00") on a local day; a time skipped by a
  // daylight-saving change maps to the first instant after it, a repeated time to the first.
  TimePoint at_local(date::year_month_day d, std::string_view hh_mm) const;
  // The local wall-clock time of an instant, "HH:MM" (seconds dropped).
  std::string local_hh_mm(TimePoint t) const;

  int review_days() const { return review_.days; }

 private:
  const date::time_zone* zone_;
  ReviewWindow review_;
};

}  // namespace bot
