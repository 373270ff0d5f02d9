#include "bot/district/district_calendar.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include <date/tz.h>

namespace bot {

DistrictCalendar::DistrictCalendar(const std::string& time_zone, const ReviewWindow& review)
    : zone_(date::locate_zone(time_zone)), review_(review) {}

date::year_month_day DistrictCalendar::local_day(TimePoint t) const {
  auto local = zone_->to_local(std::chrono::time_point_cast<std::chrono::seconds>(t));
  return date::year_month_day{date::floor<date::days>(local)};
}

std::string DistrictCalendar::iso(date::year_month_day d) { return date::format("%F", d); }

date::year_month_day DistrictCalendar::parse_iso(std::string_view s) {
  int y = 0;
  unsigned m = 0, d = 0;
  if (s.size() != 10 || std::from_chars(s.data(), s.data() + 4, y).ec != std::errc{} ||
      std::from_chars(s.data() + 5, s.data() + 7, m).ec != std::errc{} ||
      std::from_chars(s.data() + 8, s.data() + 10, d).ec != std::errc{})
    throw std::invalid_argument("not an ISO date: " + std::string(s));
  date::year_month_day out{date::year{y}, date::month{m}, date::day{d}};
  if (!out.ok()) throw std::invalid_argument("not a valid date: " + std::string(s));
  return out;
}

bool DistrictCalendar::counts(date::year_month_day d) const {
  if (review_.counting == DayCounting::calendar) return true;
  date::weekday wd{date::sys_days{d}};
  if (wd == date::Saturday || wd == date::Sunday) return false;
  return std::find(review_.holidays.begin(), review_.holidays.end(), iso(d)) == review_.holidays.end();
}

date::year_month_day DistrictCalendar::add_counted_days(date::year_month_day d, int n) const {
  date::sys_days day{d};
  while (n > 0) {
    day += date::days{1};
    if (counts(date::year_month_day{day})) --n;
  }
  return date::year_month_day{day};
}

int DistrictCalendar::counted_days_between(date::year_month_day a, date::year_month_day b) const {
  date::sys_days from{a}, to{b};
  int sign = 1;
  if (to < from) std::swap(from, to), sign = -1;
  int n = 0;
  for (auto day = from; day < to;) {
    day += date::days{1};
    if (counts(date::year_month_day{day})) ++n;
  }
  return sign * n;
}

std::string DistrictCalendar::due_date(TimePoint filed) const {
  // The filing day is day 0: "7 days to review" ends at the end of the seventh counted day after it.
  return iso(add_counted_days(local_day(filed), review_.days));
}

TimePoint DistrictCalendar::deadline(std::string_view due_iso) const {
  date::local_days next{date::sys_days{parse_iso(due_iso)}.time_since_epoch() + date::days{1}};
  return zone_->to_sys(next, date::choose::earliest);
}

int DistrictCalendar::days_left(TimePoint now, std::string_view due_iso) const {
  return counted_days_between(local_day(now), parse_iso(due_iso));
}

TimePoint DistrictCalendar::at_local(date::year_month_day d, std::string_view hh_mm) const {
  int h = 0, m = 0;
  std::from_chars(hh_mm.data(), hh_mm.data() + 2, h);
  std::from_chars(hh_mm.data() + 3, hh_mm.data() + 5, m);
  date::local_seconds local{date::local_days{date::sys_days{d}.time_since_epoch()} + std::chrono::hours{h} +
                            std::chrono::minutes{m}};
  auto info = zone_->get_info(local);
  if (info.result == date::local_info::nonexistent) return info.second.begin;  // skipped by DST
  return zone_->to_sys(local, date::choose::earliest);
}

std::string DistrictCalendar::local_hh_mm(TimePoint t) const {
  auto local = zone_->to_local(std::chrono::time_point_cast<std::chrono::minutes>(t));
  return date::format("%R", local);
}

}  // namespace bot
