// Due dates and deadlines in the district's time zone, in calendar and school days.
#include <catch2/catch.hpp>

#include "bot/district/district_calendar.hpp"
#include "tests/support/bot_harness.hpp"

using test_support::la_time;

TEST_CASE("seven calendar days: filed Tue Nov 24, due Tue Dec 1, overdue from Wed Dec 2 at midnight",
          "[unit][calendar]") {
  bot::DistrictCalendar cal("America/Los_Angeles", {});
  auto filed = la_time(2026, 11, 24, 16, 30);
  CHECK(cal.due_date(filed) == "2026-12-01");
  CHECK(cal.deadline("2026-12-01") == la_time(2026, 12, 2, 0, 0));
  CHECK(cal.days_left(la_time(2026, 11, 26, 9), "2026-12-01") == 5);
  CHECK(cal.days_left(la_time(2026, 12, 1, 23, 59), "2026-12-01") == 0);
  CHECK(cal.days_left(la_time(2026, 12, 3, 9), "2026-12-01") == -2);
  // Late evening in California is already the next day in UTC: the local date counts.
  CHECK(cal.due_date(la_time(2026, 11, 24, 23, 30)) == "2026-12-01");
}

TEST_CASE("school days skip weekends and holidays", "[unit][calendar]") {
  bot::ReviewWindow review{.days = 7, .counting = bot::DayCounting::school, .holidays = {"2026-11-26", "2026-11-27"}};
  bot::DistrictCalendar cal("America/Los_Angeles", review);
  // Tue Nov 24 + 7 school days: Wed 25, (Thanksgiving Thu-Fri, weekend), Mon 30, Tue 1, Wed 2, Thu 3, Fri 4, (weekend),
  // Mon 7.
  CHECK(cal.due_date(la_time(2026, 11, 24, 10)) == "2026-12-07");
  CHECK(cal.days_left(la_time(2026, 11, 25, 10), "2026-12-07") == 6);
  CHECK(!cal.counts(bot::DistrictCalendar::parse_iso("2026-11-26")));
  CHECK(!cal.counts(bot::DistrictCalendar::parse_iso("2026-11-28")));
  CHECK(cal.counts(bot::DistrictCalendar::parse_iso("2026-11-30")));
}

TEST_CASE("deadlines and local times across daylight-saving changes", "[unit][calendar]") {
  bot::DistrictCalendar cal("America/Los_Angeles", {});
  // Filed before the fall-back change (Nov 1 2026): the deadline is still local midnight (PST).
  auto filed = la_time(2026, 10, 28, 12);
  CHECK(cal.due_date(filed) == "2026-11-04");
  auto deadline = cal.deadline("2026-11-04");
  CHECK(date::format("%F %R", deadline) == "2026-11-05 08:00");                    // UTC: PST is UTC-8
  CHECK(date::format("%F %R", cal.deadline("2026-10-30")) == "2026-10-31 07:00");  // PDT is UTC-7
  // 02:30 does not exist on Mar 14 2027: it maps to the first instant after the gap.
  auto skipped = cal.at_local(bot::DistrictCalendar::parse_iso("2027-03-14"), "02:30");
  CHECK(date::format("%F %R", skipped) == "2027-03-14 10:00");
  CHECK(bot::DistrictCalendar::iso(cal.local_day(skipped)) == "2027-03-14");
}
