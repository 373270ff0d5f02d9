// The nightly digest at district scale: 10,000 people with 100,000 open requests in a temporary
// SQLite file. Times loading the open requests, computing every digest (the dry run), and the
// real night (the digest timer fired through the bot core: digests written to the outbox and
// committed), and reports the peak memory. Run: build/bench/digest_bench [people] [items]
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

#include "bot/core/bot.hpp"
#include "bot/district/district.hpp"
#include "bot/district/district_calendar.hpp"
#include "bot/district/prompts.hpp"
#include "bot/store/store.hpp"
#include "tests/support/bot_process.hpp"
#include "workflows/digest.hpp"
#include "workflows/router.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

long peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;  // kilobytes on Linux
}

// One principal per site of 10 staff; the rest employees; a superintendent and one designee.
bot::DistrictConfig make_config(int people) {
  bot::DistrictConfig c;
  c.name = "Bench Unified";
  c.superintendent = "sup";
  c.designees = {"designee"};
  c.superintendent_place = {
      .id = "superintendent", .name = "Superintendent's office", .addresses = {{"web", "#superintendent"}}};
  c.people.push_back(
      {.id = "sup", .name = "Superintendent", .roles = {bot::Role::superintendent}, .handles = {{"web", "sup"}}});
  c.people.push_back({.id = "designee",
                      .name = "Designee",
                      .language = "es",
                      .roles = {bot::Role::designee},
                      .handles = {{"web", "designee"}}});
  const int sites = people / 10;
  for (int s = 0; s < sites; ++s) {
    std::string site = "s" + std::to_string(s), principal = "p" + std::to_string(s);
    c.sites.push_back({.id = site,
                       .name = "School " + std::to_string(s),
                       .principals = {principal},
                       .approvals = {.id = "site:" + site,
                                     .name = "School " + std::to_string(s) + " approvals",
                                     .addresses = {{"web", "#" + site}}}});
    c.people.push_back({.id = principal,
                        .name = "Principal " + std::to_string(s),
                        .language = s % 3 == 0 ? "es" : "en",
                        .roles = {bot::Role::principal},
                        .site = site,
                        .handles = {{"web", principal}}});
  }
  for (int e = 0; e < people - sites; ++e)
    c.people.push_back({.id = "e" + std::to_string(e),
                        .name = "Employee " + std::to_string(e),
                        .language = e % 4 == 0 ? "es" : "en",
                        .roles = {bot::Role::employee},
                        .site = "s" + std::to_string(e % sites),
                        .handles = {{"web", "e" + std::to_string(e)}}});
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  const int people = argc > 1 ? std::stoi(argv[1]) : 10'000;
  const int items = argc > 2 ? std::stoi(argv[2]) : 100'000;
  const int sites = people / 10, employees = people - sites;
  bot::District district{.config = make_config(people),
                         .prompts = bot::Prompts::load(bot::hallpass_home() / "prompts"),
                         .calendar = nullptr,
                         .policy = nullptr};
  district.calendar = std::make_unique<bot::DistrictCalendar>(district.config.time_zone, district.config.review);
  const bot::DistrictConfig& config = district.config;
  const bot::DistrictCalendar& calendar = *district.calendar;
  const workflows::Services services = workflows::services_of(district);
  const bot::TimePoint night_at = calendar.at_local(bot::DistrictCalendar::parse_iso("2026-12-01"), "19:00");

  // 60% at the sites, 25% waiting for a decision, 15% waiting for the employee's answer; filed over
  // the last ten days, so some are overdue. Every employee has at least one answer to give when
  // there are enough items, so everybody gets a digest.
  auto t0 = Clock::now();
  // The district over a SQLite file of its own (removed at the end), wired as `hallpass run`, on a
  // clock that stands at the night's digest time.
  test_support::Process process({.manual_start = night_at, .district = &district});
  bot::Store* store = &process.store();
  {
    auto tx = store->begin();
    int info_count = 0;
    for (int i = 0; i < items; ++i) {
      bot::Request r;
      r.id = "R-" + std::to_string(100'001 + i);
      int kind = (i / std::max(sites, 1)) % 20;  // each run of `sites` requests covers every site
      r.state = kind < 12   ? bot::RequestState::pending_site
                : kind < 17 ? bot::RequestState::pending_decision
                            : bot::RequestState::needs_info;
      int requester = r.state == bot::RequestState::needs_info ? info_count++ % employees : i % employees;
      r.requester = "e" + std::to_string(requester);
      r.site = "s" + std::to_string(requester % sites);
      r.plans = {{"instagram", "Class news for families"}, {"youtube", "Concert recordings"}};
      r.audience = {"parents"};
      r.filed_at = night_at - std::chrono::hours(24 * (i % 10) + 3);
      r.routed_at = r.filed_at;
      r.due_date = calendar.due_date(r.filed_at);
      if (r.state == bot::RequestState::needs_info) r.info_question = "Which classes will use it?";
      if (r.state != bot::RequestState::pending_site) r.endorsed_by = "p" + std::to_string(requester % sites);
      store->save_request(r);
    }
    tx->commit();
  }
  std::printf("setup: %d people (%d sites), %d open requests written in %.2f s\n",
              static_cast<int>(config.people.size()), sites, items, seconds_since(t0));

  auto t1 = Clock::now();
  size_t loaded = store->open_requests().size();
  std::printf("open_requests(): %zu rows in %.2f s\n", loaded, seconds_since(t1));

  // The dry run: every digest computed and rendered, nothing written.
  size_t messages = 0, bytes = 0;
  auto t2 = Clock::now();
  {
    bot::Effects fx;
    auto tx = store->begin();
    workflows::Context ctx(services, *store, fx, night_at, nullptr, nullptr, "");
    int n = workflows::send_digests(ctx, "2026-12-01");
    messages = fx.messages.size();
    for (const auto& o : fx.messages)
      for (const auto& b : o.message.blocks) bytes += b.text.size();
    std::printf("dry run: %d digests + %zu summary, %.1f MB of text, in %.2f s\n", n, messages - n, bytes / 1e6,
                seconds_since(t2));
  }

  // The real night: the digest timer fires through the bot core and the outbox is written.
  bot::Bot& bot = process.bot();
  {
    auto tx = store->begin();
    store->schedule({"digest", "2026-12-01", night_at});
    tx->commit();
  }
  auto t3 = Clock::now();
  int fired = bot.fire_due_timers();
  double fire_s = seconds_since(t3);
  size_t outbox = store->outbox_entries().size();
  std::printf("fired %d digest timer: %zu outbox entries written and committed in %.2f s\n", fired, outbox, fire_s);
  std::printf("peak memory (ru_maxrss): %ld MB\n", peak_rss_mb());

  return outbox == messages ? 0 : 1;
}
