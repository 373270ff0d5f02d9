// Nightly digests, deadline warnings and escalation: the sample district (or a variant of it), an
// in-memory store, a manual clock and the bot core; what was sent is read back from the outbox.
#include <catch2/catch.hpp>

#include <date/tz.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include "bot/core/bot.hpp"
#include "bot/district/district.hpp"
#include "bot/store/audit_anchor.hpp"
#include "bot/store/store.hpp"
#include "tests/support/bot_harness.hpp"
#include "tests/support/bot_process.hpp"
#include "tests/support/temp_dir.hpp"
#include "workflows/digest.hpp"
#include "workflows/router.hpp"

namespace {

bot::TimePoint la(int y, unsigned m, unsigned d, int hour, int minute = 0) {
  auto local = date::local_days{date::year{y} / m / d} + std::chrono::hours{hour} + std::chrono::minutes{minute};
  return date::locate_zone("America/Los_Angeles")->to_sys(local, date::choose::earliest);
}

bot::TimePoint utc(int y, unsigned m, unsigned d, int hour, int minute = 0) {
  return date::sys_days{date::year{y} / m / d} + std::chrono::hours{hour} + std::chrono::minutes{minute};
}

// The sample district, loaded once for every test (shared with the other workflow tests).
const bot::District& sample() { return test_support::sample_district(); }

struct Sent {
  bot::Outbound outbound;
  std::string text;
  bool to_person(const std::string& id) const {
    return outbound.to.kind == bot::Recipient::Kind::person && outbound.to.person_id == id;
  }
  bool to_place(const std::string& id) const {
    return outbound.to.kind == bot::Recipient::Kind::place && outbound.to.place_id == id;
  }
};

std::vector<Sent> to_person(const std::vector<Sent>& sent, const std::string& id) {
  std::vector<Sent> out;
  for (const auto& s : sent)
    if (s.to_person(id)) out.push_back(s);
  return out;
}

std::vector<Sent> to_place(const std::vector<Sent>& sent, const std::string& id) {
  std::vector<Sent> out;
  for (const auto& s : sent)
    if (s.to_place(id)) out.push_back(s);
  return out;
}

// The person ids that got a direct message.
std::vector<std::string> people_told(const std::vector<Sent>& sent) {
  std::vector<std::string> out;
  for (const auto& s : sent)
    if (s.outbound.to.kind == bot::Recipient::Kind::person) out.push_back(s.outbound.to.person_id);
  std::sort(out.begin(), out.end());
  return out;
}

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

// The sample district, optionally changed (school days, another digest time), with its own bot:
// a test Process over it (db empty: a file of the Process's own).
class Town {
 public:
  explicit Town(bot::TimePoint start, std::string db = {}, const std::function<void(bot::DistrictConfig&)>& change = {})
      : district_(changed(change)),
        services_(workflows::services_of(district_)),
        process_({.db = std::move(db), .manual_start = start, .district = &district_}) {
    bot().start_up();
  }

  // A new bot over the same store, as after a restart of Hallpass; start-up runs as in Runtime::run.
  void restart() {
    process_.restart();
    bot().start_up();
  }

  bot::Store& store() { return process_.store(); }
  bot::ManualClock& clock() { return process_.manual_clock(); }
  bot::Bot& bot() { return process_.bot(); }
  const workflows::Services& services() const { return services_; }

  void handle(bot::Inbound ev) {
    ev.platform = "console";
    ev.event_id = "ev-" + std::to_string(next_event_++);
    ev.time = clock().now();
    if (ev.place.channel.empty()) ev.place = {.channel = "dm:" + ev.actor, .direct = true};
    bot().handle(ev);
  }
  void command(const std::string& person, const std::string& text) {
    handle({.actor = person, .kind = bot::InboundKind::command, .text = text});
  }
  void click(const std::string& person, const std::string& action, const std::string& value) {
    handle({.actor = person, .kind = bot::InboundKind::action, .action_id = action, .action_value = value});
  }
  void submit(const std::string& person, const std::string& form, std::map<std::string, std::string> values) {
    handle({.actor = person, .kind = bot::InboundKind::form_submission, .form_id = form, .values = std::move(values)});
  }

  // Files a request for Instagram and YouTube as `person`; returns its id.
  std::string file_request(const std::string& person) {
    command(person, "request");
    submit(person, "request.platforms",
           {{"platforms", "instagram,youtube"}, {"audience", "parents,students"}, {"students_interact", "no"}});
    submit(person, "request.objectives",
           {{"objectives.instagram", "Share weekly class projects with families"},
            {"objectives.youtube", "Post the winter concert recordings"}});
    click(person, "confirm", "");
    auto mine = store().requests_of(person);
    if (mine.empty()) throw std::runtime_error("filing a request failed");
    return mine.back().id;
  }

  // Everything written to the outbox since the last call.
  std::vector<Sent> take_sent() {
    std::vector<Sent> out;
    for (auto& e : store().outbox_entries()) {
      if (e.id <= taken_) continue;
      taken_ = e.id;
      out.push_back({e.outbound, e.outbound.message.plain_text()});
    }
    return out;
  }

  // What `hallpass digest --dry-run` computes: the night's digests as of now, written nowhere.
  std::vector<Sent> dry_run() {
    bot::Effects fx;
    auto tx = store().begin();
    workflows::Context ctx(services_, store(), fx, clock().now(), nullptr, nullptr, "");
    workflows::send_digests(ctx, bot::DistrictCalendar::iso(district_.calendar->local_day(clock().now())));
    std::vector<Sent> out;
    for (auto& o : fx.messages) out.push_back({o, o.message.plain_text()});
    return out;
  }

  std::vector<std::string> audit_actions(const std::string& subject) {
    std::vector<std::string> out;
    for (const auto& e : store().audit_of(subject)) out.push_back(e.action);
    return out;
  }

 private:
  static bot::District changed(const std::function<void(bot::DistrictConfig&)>& change) {
    bot::District d{
        .config = sample().config, .prompts = sample().prompts, .calendar = nullptr, .policy = sample().policy};
    if (change) change(d.config);
    d.calendar = std::make_unique<bot::DistrictCalendar>(d.config.time_zone, d.config.review);
    return d;
  }

  bot::District district_;
  workflows::Services services_;
  test_support::Process process_;
  std::int64_t taken_ = 0;
  int next_event_ = 1;
};

// Tue Nov 24 2026: six requests in every state, filed at 10:00 in Los Angeles.
//   R-1001 t.garcia (Lincoln)    pending at the site (principal r.alvarez, Spanish)
//   R-1002 l.morales (Roosevelt) endorsed by j.chen: pending the decision
//   R-1003 n.kim (Kennedy)       endorsed by k.brooks, information asked: waiting for n.kim
//   R-1004 b.ortiz (no site)     straight to the superintendent
//   R-1005 a.wright (Kennedy)    returned by k.brooks: closed
//   R-1006 s.patel (Lincoln)     endorsed and authorized: closed, decided this week
void file_six(Town& t) {
  t.file_request("t.garcia");
  t.file_request("l.morales");
  t.command("j.chen", "endorse R-1002");
  t.file_request("n.kim");
  t.command("k.brooks", "endorse R-1003");
  t.command("m.okafor", "more-info R-1003 Which classes will use it?");
  t.file_request("b.ortiz");
  t.file_request("a.wright");
  t.command("k.brooks", "return R-1005 Please name the team account");
  t.file_request("s.patel");
  t.command("r.alvarez", "endorse R-1006");
  t.command("m.okafor", "authorize R-1006");
}

}  // namespace

TEST_CASE("a dry run lists exactly the people something waits for, with their items", "[unit][digest]") {
  Town t(la(2026, 11, 24, 10));
  file_six(t);
  REQUIRE(t.store().request("R-1003")->state == bot::RequestState::needs_info);
  REQUIRE(t.store().request("R-1006")->state == bot::RequestState::authorized);
  t.clock().set(la(2026, 11, 24, 19));
  const auto outbox_before = t.store().outbox_entries().size();
  auto sent = t.dry_run();
  CHECK(t.store().outbox_entries().size() == outbox_before);

  CHECK(people_told(sent) == std::vector<std::string>{"d.lee", "m.okafor", "n.kim", "r.alvarez"});
  for (const auto& s : sent) CHECK(s.outbound.to.kind != bot::Recipient::Kind::reply);

  // The principal, in her language: only her site's request.
  auto rosa = to_person(sent, "r.alvarez");
  REQUIRE(rosa.size() == 1);
  CHECK(contains(rosa[0].text, "Su resumen de Hallpass"));
  CHECK(contains(rosa[0].text, "R-1001 de Teresa Garcia — Instagram, YouTube"));
  CHECK(contains(rosa[0].text, "quedan 7 días"));
  for (const char* other : {"R-1002", "R-1003", "R-1004", "R-1005"}) CHECK(!contains(rosa[0].text, other));
  // R-1006 is decided, but its audience includes students: its classroom checklist waits for her (issue 21).
  CHECK(contains(rosa[0].text, "R-1006 Lista de verificación de clase de Sam Patel"));
  CHECK(!contains(rosa[0].text, "R-1006 de Sam Patel"));

  // The superintendent: two to decide; the one waiting for information listed apart.
  for (const char* who : {"m.okafor", "d.lee"}) {
    auto digest = to_person(sent, who);
    REQUIRE(digest.size() == 1);
    const std::string& text = digest[0].text;
    INFO(text);
    CHECK(contains(text, "Waiting for you (2)"));
    CHECK(contains(text, "R-1002 from Luis Morales — Instagram, YouTube: decide it (7 days left, due Tue Dec 1)"));
    CHECK(contains(text, "R-1004 from Beatriz Ortiz"));
    CHECK(contains(text, "Waiting for the employee's answer (1)"));
    CHECK(contains(text, "R-1003 from Nora Kim"));
    CHECK(text.find("R-1003") > text.find("Waiting for the employee's answer"));
    for (const char* other : {"R-1001", "R-1005", "R-1006"}) CHECK(!contains(text, other));
  }

  // The employee whose answer is needed: only that.
  auto nora = to_person(sent, "n.kim");
  REQUIRE(nora.size() == 1);
  CHECK(contains(nora[0].text, "Your answer is needed (1)"));
  CHECK(contains(nora[0].text, "Which classes will use it?"));
  CHECK(contains(nora[0].text, "/socialmedia answer R-1003"));

  // The superintendent's place: the district's counts.
  auto summary = to_place(sent, "superintendent");
  REQUIRE(summary.size() == 1);
  const std::string& s = summary[0].text;
  INFO(s);
  CHECK(contains(s, "Pending: 4 (at the sites 1, for a decision 2, waiting for information 1)"));
  CHECK(contains(s, "Due within 2 days: 0"));
  CHECK(contains(s, "Overdue: 0"));
  CHECK(contains(s, "Decided in the last 7 days: 1"));
  // The audit log's head, kept in the chat as an anchor outside the database.
  CHECK(contains(s, "Audit log: newest entry " + bot::short_head(t.store().audit_head())));
  CHECK(sent.size() == 5);
}

TEST_CASE("a digest lists overdue items first and counts them in the summary", "[unit][digest]") {
  Town t(la(2026, 11, 10, 10));
  std::string old_one = t.file_request("b.ortiz");  // due Tue Nov 17
  t.clock().set(la(2026, 11, 29, 10));
  std::string soon = t.file_request("h.nguyen");  // no site: due Sun Dec 6
  t.clock().set(la(2026, 11, 30, 19));
  auto sent = t.dry_run();
  auto digest = to_person(sent, "m.okafor");
  REQUIRE(digest.size() == 1);
  const std::string& text = digest[0].text;
  INFO(text);
  CHECK(contains(text, old_one + " from Beatriz Ortiz — Instagram, YouTube: decide it (overdue: was due Tue Nov 17)"));
  CHECK(contains(text, soon + " from Hannah Nguyen — Instagram, YouTube: decide it (6 days left, due Sun Dec 6)"));
  CHECK(text.find(old_one) < text.find(soon));
  auto summary = to_place(sent, "superintendent");
  REQUIRE(summary.size() == 1);
  CHECK(contains(summary[0].text, "Overdue: 1"));
}

TEST_CASE("nobody receives an empty digest", "[unit][digest]") {
  Town t(la(2026, 11, 24, 10));
  // Nothing waits for anyone and nothing was decided: no message at all.
  t.clock().set(la(2026, 11, 24, 19));
  CHECK(t.bot().fire_due_timers() == 1);
  CHECK(t.take_sent().empty());
  CHECK(t.audit_actions("digest:2026-11-24") == std::vector<std::string>{"digest.sent"});

  // One request at a site: its principal only (and the summary in the superintendent's place).
  t.clock().set(la(2026, 11, 25, 9));
  t.file_request("t.garcia");
  t.take_sent();
  t.clock().set(la(2026, 11, 25, 19));
  CHECK(t.bot().fire_due_timers() == 1);
  auto sent = t.take_sent();
  CHECK(people_told(sent) == std::vector<std::string>{"r.alvarez"});
  CHECK(to_place(sent, "superintendent").size() == 1);
}

TEST_CASE("a restart at the digest's minute sends each digest once", "[unit][digest]") {
  Town t(la(2026, 11, 24, 10));
  t.file_request("t.garcia");
  t.take_sent();
  t.clock().set(la(2026, 11, 24, 19));
  CHECK(t.bot().fire_due_timers() == 1);
  auto first = t.take_sent();
  CHECK(people_told(first) == std::vector<std::string>{"r.alvarez"});

  // Hallpass restarts in the same minute: start-up and the catch-up pass send nothing again.
  t.restart();
  CHECK(t.bot().fire_due_timers() == 0);
  t.clock().set(la(2026, 11, 24, 19, 0) + std::chrono::seconds(59));
  t.restart();
  CHECK(t.bot().fire_due_timers() == 0);
  CHECK(t.take_sent().empty());
  CHECK(t.audit_actions("digest:2026-11-24") == std::vector<std::string>{"digest.sent"});

  // The next night's digest was scheduled by the first.
  t.clock().set(la(2026, 11, 25, 18, 59));
  CHECK(t.bot().fire_due_timers() == 0);
  t.clock().set(la(2026, 11, 25, 19));
  CHECK(t.bot().fire_due_timers() == 1);
  CHECK(people_told(t.take_sent()) == std::vector<std::string>{"r.alvarez"});
}

TEST_CASE("a digest missed during a restart is sent late once within the catch-up hours, else skipped",
          "[unit][digest]") {
  Town t(la(2026, 11, 24, 10));
  REQUIRE(t.services().config.digest.catch_up_hours == 6);
  t.file_request("t.garcia");
  t.take_sent();

  SECTION("stopped from 18:00 to 23:30: sent late, once") {
    t.clock().set(la(2026, 11, 24, 23, 30));
    t.restart();
    CHECK(t.bot().fire_due_timers() == 1);
    auto sent = t.take_sent();
    CHECK(people_told(sent) == std::vector<std::string>{"r.alvarez"});
    CHECK(contains(to_person(sent, "r.alvarez")[0].text, "mar 24 nov"));  // that night's digest
    t.restart();
    CHECK(t.bot().fire_due_timers() == 0);
    CHECK(t.take_sent().empty());
    auto audit = t.store().audit_of("digest:2026-11-24");
    REQUIRE(audit.size() == 1);
    CHECK(audit[0].action == "digest.sent");
    CHECK(contains(audit[0].details, "\"late_minutes\":270"));
  }

  SECTION("stopped from 18:00 to 01:30 the next day: skipped and recorded; the next night goes out") {
    t.clock().set(la(2026, 11, 25, 1, 30));
    t.restart();
    CHECK(t.bot().fire_due_timers() == 1);
    CHECK(t.take_sent().empty());
    CHECK(t.audit_actions("digest:2026-11-24") == std::vector<std::string>{"digest.skipped"});
    t.clock().set(la(2026, 11, 25, 19));
    CHECK(t.bot().fire_due_timers() == 1);
    CHECK(people_told(t.take_sent()) == std::vector<std::string>{"r.alvarez"});
  }

  SECTION("stopped for three nights: the nights past the catch-up hours are skipped, the last one is sent late") {
    t.clock().set(la(2026, 11, 24, 19));
    CHECK(t.bot().fire_due_timers() == 1);
    t.take_sent();
    // Back at 00:30 on Sat Nov 28: Nov 25 and 26 are past the catch-up hours; Nov 27 (5.5 hours late) is not.
    // The escalation (Thu Nov 26 10:00) is due as well.
    t.clock().set(la(2026, 11, 28, 0, 30));
    t.restart();
    t.bot().fire_due_timers();
    t.bot().fire_due_timers();
    auto sent = t.take_sent();
    auto rosa = to_person(sent, "r.alvarez");
    REQUIRE(rosa.size() == 1);
    CHECK(contains(rosa[0].text, "vie 27 nov"));
    auto skipped = t.store().audit_of("digest:2026-11-25");
    REQUIRE(skipped.size() == 1);
    CHECK(skipped[0].action == "digest.skipped");
    CHECK(contains(skipped[0].details, "2026-11-26"));
    CHECK(t.audit_actions("digest:2026-11-26").empty());
    CHECK(t.audit_actions("digest:2026-11-27") == std::vector<std::string>{"digest.sent"});
    CHECK(t.bot().fire_due_timers() == 0);
  }
}

TEST_CASE("the digest follows local time across the PST and PDT changes", "[unit][digest]") {
  SECTION("fall back, Sun Nov 1 2026: 19:00 PST is 03:00 UTC, 25 hours after Saturday's") {
    Town t(la(2026, 10, 31, 12));
    t.file_request("b.ortiz");
    t.take_sent();
    CHECK(t.store().next_timer() == utc(2026, 11, 1, 2));  // Sat 19:00 PDT
    t.clock().set(utc(2026, 11, 1, 2));
    CHECK(t.bot().fire_due_timers() == 1);
    CHECK(to_person(t.take_sent(), "m.okafor").size() == 1);
    CHECK(t.store().next_timer() == utc(2026, 11, 2, 3));  // Sun 19:00 PST
    t.clock().set(utc(2026, 11, 2, 2, 59));                // 18:59 PST
    CHECK(t.bot().fire_due_timers() == 0);
    t.clock().set(utc(2026, 11, 2, 3));
    CHECK(t.bot().fire_due_timers() == 1);
    CHECK(to_person(t.take_sent(), "m.okafor").size() == 1);
  }
  SECTION("spring forward, Sun Mar 14 2027: 19:00 PDT is 02:00 UTC, 23 hours after Saturday's") {
    Town t(la(2027, 3, 13, 12));
    t.file_request("b.ortiz");
    t.take_sent();
    CHECK(t.store().next_timer() == utc(2027, 3, 14, 3));  // Sat 19:00 PST
    t.clock().set(utc(2027, 3, 14, 3));
    CHECK(t.bot().fire_due_timers() == 1);
    t.take_sent();
    CHECK(t.store().next_timer() == utc(2027, 3, 15, 2));  // Sun 19:00 PDT
    t.clock().set(utc(2027, 3, 15, 2));
    CHECK(t.bot().fire_due_timers() == 1);
    CHECK(to_person(t.take_sent(), "m.okafor").size() == 1);
  }
  SECTION("a digest time skipped by the change runs at 03:00 PDT; a repeated one runs once, at the first") {
    Town spring(la(2027, 3, 12, 12), ":memory:", [](bot::DistrictConfig& c) { c.digest.time = "02:30"; });
    spring.file_request("b.ortiz");
    spring.take_sent();
    spring.clock().set(utc(2027, 3, 13, 10, 30));  // Sat 02:30 PST
    CHECK(spring.bot().fire_due_timers() == 1);
    CHECK(spring.store().next_timer() == utc(2027, 3, 14, 10));  // Sun 03:00 PDT: 02:30 does not exist
    spring.clock().set(utc(2027, 3, 14, 10));
    CHECK(spring.bot().fire_due_timers() == 1);
    spring.take_sent();

    Town fall(la(2026, 10, 31, 12), ":memory:", [](bot::DistrictConfig& c) { c.digest.time = "01:30"; });
    fall.file_request("b.ortiz");
    fall.take_sent();
    CHECK(fall.store().next_timer() == utc(2026, 11, 1, 8, 30));  // Sun 01:30 PDT, the first of the two
    fall.clock().set(utc(2026, 11, 1, 8, 30));
    CHECK(fall.bot().fire_due_timers() == 1);
    CHECK(to_person(fall.take_sent(), "m.okafor").size() == 1);
    fall.clock().set(utc(2026, 11, 1, 9, 30));  // 01:30 PST, the second: nothing
    fall.restart();
    CHECK(fall.bot().fire_due_timers() == 0);
    CHECK(fall.take_sent().empty());
    CHECK(fall.store().next_timer() == utc(2026, 11, 2, 9, 30));  // Mon 01:30 PST
  }
}

TEST_CASE("a warning goes once to whoever must act, counted days before the window closes", "[unit][digest]") {
  Town t(la(2026, 11, 24, 10));
  std::string id = t.file_request("b.ortiz");  // straight to the superintendent, due Tue Dec 1
  t.clock().set(la(2026, 11, 24, 19));
  t.bot().fire_due_timers();
  t.take_sent();

  // Two calendar days before Tue Dec 1: Sun Nov 29 in the morning.
  t.clock().set(la(2026, 11, 29, 7, 59));
  t.restart();
  t.bot().fire_due_timers();
  auto before = t.take_sent();
  for (const auto& s : before) CHECK(!contains(s.text, "Reminder"));
  t.clock().set(la(2026, 11, 29, 8));
  CHECK(t.bot().fire_due_timers() == 1);
  auto sent = t.take_sent();
  CHECK(people_told(sent) == std::vector<std::string>{"d.lee", "m.okafor"});
  CHECK(contains(to_person(sent, "m.okafor")[0].text,
                 "Reminder: " + id +
                     " from Beatriz Ortiz — Instagram, YouTube needs your response soon: "
                     "2 days left, due Tue Dec 1"));
  auto actions = t.audit_actions(id);
  CHECK(std::count(actions.begin(), actions.end(), "warned") == 1);
  t.restart();
  CHECK(t.bot().fire_due_timers() == 0);
  CHECK(t.take_sent().empty());
}

TEST_CASE("no warning for a request decided before it falls due", "[unit][digest]") {
  Town t(la(2026, 11, 24, 10));
  std::string id = t.file_request("b.ortiz");
  t.command("m.okafor", "authorize " + id);
  t.take_sent();
  t.clock().set(la(2026, 11, 29, 8));
  t.bot().fire_due_timers();
  for (const auto& s : t.take_sent()) CHECK(!contains(s.text, "Reminder"));
  auto actions = t.audit_actions(id);
  CHECK(std::find(actions.begin(), actions.end(), "warned") == actions.end());
}

TEST_CASE("school days: warnings, escalation and days left skip weekends and holidays", "[unit][digest]") {
  // Thanksgiving (Thu Nov 26, Fri Nov 27) is a holiday of the sample district.
  Town t(la(2026, 11, 24, 10),
         ":memory:", [](bot::DistrictConfig& c) { c.review.counting = bot::DayCounting::school; });
  std::string endorsed = t.file_request("l.morales");
  t.command("j.chen", "endorse " + endorsed);
  std::string waiting = t.file_request("t.garcia");
  REQUIRE(t.store().request(endorsed)->due_date == "2026-12-07");
  t.take_sent();

  // Days left count school days: Wed evening, Mon Nov 30 … Mon Dec 7 are 6.
  t.clock().set(la(2026, 11, 24, 19));
  t.bot().fire_due_timers();
  t.take_sent();
  t.clock().set(la(2026, 11, 25, 19));
  t.bot().fire_due_timers();
  auto digest = to_person(t.take_sent(), "m.okafor");
  REQUIRE(digest.size() == 1);
  CHECK(contains(digest[0].text,
                 endorsed + " from Luis Morales — Instagram, YouTube: decide it (6 days left, due Mon Dec 7)"));

  // Two school days after Tue Nov 24 is Mon Nov 30, not Thanksgiving Thursday.
  t.clock().set(la(2026, 11, 27, 12));
  t.bot().fire_due_timers();
  t.take_sent();
  auto actions = t.audit_actions(waiting);
  CHECK(std::find(actions.begin(), actions.end(), "escalated") == actions.end());
  t.clock().set(la(2026, 11, 30, 10));
  t.bot().fire_due_timers();
  auto escalated = to_place(t.take_sent(), "superintendent");
  REQUIRE(escalated.size() == 1);
  CHECK(contains(escalated[0].text, "Escalated: the principal has not acted in 2 days"));

  // Two school days before Mon Dec 7 is Thu Dec 3.
  t.clock().set(la(2026, 12, 2, 19, 30));
  t.bot().fire_due_timers();
  for (const auto& s : t.take_sent()) CHECK(!contains(s.text, "Reminder"));
  t.clock().set(la(2026, 12, 3, 8));
  t.bot().fire_due_timers();
  auto sent = t.take_sent();
  auto dan = to_person(sent, "d.lee");
  REQUIRE(dan.size() == 2);  // both requests: one to decide, one escalated to the deciders
  CHECK(contains(dan[0].text + dan[1].text, "Reminder: " + endorsed));
  CHECK(contains(dan[0].text + dan[1].text, "2 days left, due Mon Dec 7"));
  // The principal of the waiting request is warned too, in Spanish; the other principal is not.
  auto rosa = to_person(sent, "r.alvarez");
  REQUIRE(rosa.size() == 1);
  CHECK(contains(rosa[0].text, "Recordatorio: " + waiting));
  CHECK(to_person(sent, "j.chen").empty());
}

TEST_CASE("a request a principal has not acted on is escalated once, and the superintendent may decide it",
          "[unit][digest]") {
  Town t(la(2026, 11, 24, 10));
  std::string id = t.file_request("t.garcia");
  t.take_sent();
  // Before the escalation the superintendent may not decide it.
  t.command("m.okafor", "authorize " + id);
  CHECK(t.store().request(id)->state == bot::RequestState::pending_site);
  t.take_sent();

  t.clock().set(la(2026, 11, 26, 9, 59));
  t.bot().fire_due_timers();
  CHECK(to_place(t.take_sent(), "superintendent").empty());
  t.clock().set(la(2026, 11, 26, 10));
  t.restart();
  CHECK(t.bot().fire_due_timers() == 1);
  auto sent = t.take_sent();
  auto card = to_place(sent, "superintendent");
  REQUIRE(card.size() == 1);
  CHECK(card[0].outbound.thread_key == id);
  CHECK(card[0].outbound.record_key == id + "/superintendent");
  CHECK(contains(card[0].text, "Escalated: the principal has not acted in 2 days"));
  CHECK(contains(card[0].text, "[Authorize]"));
  auto site = to_place(sent, "site:lincoln");
  REQUIRE(site.size() == 1);
  CHECK(contains(site[0].text, "2 días"));  // Lincoln's principal reads Spanish
  CHECK(people_told(sent).empty());
  CHECK(t.audit_actions(id) == std::vector<std::string>{"filed", "refused:state.pending_site", "escalated"});
  t.restart();
  CHECK(t.bot().fire_due_timers() == 0);

  // Tonight's digest lists it for the deciders as well as the principal.
  t.clock().set(la(2026, 11, 26, 19));
  t.bot().fire_due_timers();
  sent = t.take_sent();
  CHECK(people_told(sent) == std::vector<std::string>{"d.lee", "m.okafor", "r.alvarez"});
  CHECK(contains(to_person(sent, "m.okafor")[0].text, "the principal has not acted in 2 days, so you may decide it"));

  // Only a decider may decide it; the principal's card and the superintendent's card are updated.
  t.command("j.chen", "authorize " + id);
  CHECK(t.store().request(id)->state == bot::RequestState::pending_site);
  t.take_sent();
  t.command("d.lee", "authorize " + id);
  auto r = t.store().request(id);
  CHECK(r->state == bot::RequestState::authorized);
  CHECK(r->decision->by == "d.lee");
  sent = t.take_sent();
  bool super_card = false, site_card = false;
  for (const auto& s : sent) {
    super_card = super_card || (s.to_place("superintendent") && s.outbound.update_key == id + "/superintendent");
    site_card = site_card || (s.to_place("site:lincoln") && s.outbound.update_key == id + "/site");
  }
  CHECK(super_card);
  CHECK(site_card);
  // Teresa gets the decision once: the letter at the top of her DM, and a line in the request's
  // thread pointing to it; then (issue 20) the form that registers the authorized account.
  auto teresa = to_person(sent, "t.garcia");
  // Since issues 21 and 20: her audience includes students, so the classroom checklist; then the
  // registry's form for the account.
  REQUIRE(teresa.size() == 4);
  CHECK(contains(teresa[2].text, "Before you use Instagram, YouTube with students (" + id + ")"));
  REQUIRE(teresa[3].outbound.message.find_form());
  CHECK(teresa[3].outbound.message.find_form()->form_id == "registry.register");
  CHECK(teresa[0].outbound.thread_key == id);
  CHECK(teresa[1].outbound.thread_key.empty());
  CHECK(contains(teresa[1].text, "Decision on your request " + id));
  CHECK(!contains(teresa[0].text, "Decision on your request"));

  // Decided: no warning later.
  t.clock().set(la(2026, 11, 29, 8));
  t.bot().fire_due_timers();
  for (const auto& s : t.take_sent()) CHECK(!contains(s.text, "Reminder"));
}

TEST_CASE("an employee is reminded nightly only while their answer is needed", "[unit][digest]") {
  Town t(la(2026, 11, 24, 10));
  std::string id = t.file_request("b.ortiz");
  t.command("m.okafor", "more-info " + id + " Which accounts will you use?");
  t.take_sent();
  t.clock().set(la(2026, 11, 24, 19));
  t.bot().fire_due_timers();
  auto sent = t.take_sent();
  auto beatriz = to_person(sent, "b.ortiz");
  REQUIRE(beatriz.size() == 1);
  CHECK(contains(beatriz[0].text, "Your answer is needed (1)"));
  CHECK(contains(beatriz[0].text, "Which accounts will you use?"));

  t.clock().set(la(2026, 11, 25, 9));
  t.command("b.ortiz", "answer " + id + " The district news account only");
  REQUIRE(t.store().request(id)->state == bot::RequestState::pending_decision);
  t.take_sent();
  t.clock().set(la(2026, 11, 25, 19));
  t.bot().fire_due_timers();
  sent = t.take_sent();
  CHECK(to_person(sent, "b.ortiz").empty());
  CHECK(people_told(sent) == std::vector<std::string>{"d.lee", "m.okafor"});
}

TEST_CASE("hallpass digest --dry-run prints each digest, to whom and where, and changes nothing",
          "[unit][digest][cli]") {
  namespace fs = std::filesystem;
  test_support::TempDir dir("digest-dry-run");  // removed with the -wal and -shm, also when a check fails
  const fs::path db = dir.file("hallpass.db");
  size_t outbox = 0;
  {
    Town t(la(2026, 11, 24, 10), db.string());
    file_six(t);
    outbox = t.store().outbox_entries().size();
  }
  const std::string cmd =
      std::string(HALLPASS_BINARY) + " digest --dry-run --at 2026-11-24T19:00 --db " + db.string() + " 2>&1";
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p);
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  int status = ::pclose(p);
  INFO(out);
  CHECK(status == 0);
  CHECK(contains(out, "Digests for 2026-11-24 as of 2026-11-24 19:00 (America/Los_Angeles)"));
  CHECK(contains(out, "=== to Rosa Alvarez (r.alvarez), direct message: web dm:r.alvarez"));
  CHECK(contains(out, "=== to Dr. Maya Okafor (m.okafor), direct message: web dm:m.okafor"));
  CHECK(contains(out, "=== to Daniel Lee (d.lee), direct message: web dm:d.lee"));
  CHECK(contains(out, "=== to Nora Kim (n.kim), direct message: web dm:n.kim"));
  CHECK(contains(out, "=== to Superintendent's office (superintendent): web #superintendent"));
  CHECK(!contains(out, "(j.chen)"));
  CHECK(!contains(out, "(t.garcia)"));
  CHECK(contains(out, "R-1002 from Luis Morales"));
  CHECK(contains(out, "4 digests, 1 summary."));
  {
    auto store = bot::open_sqlite_store(db.string());
    CHECK(store->outbox_entries().size() == outbox);
    CHECK(!store->workflow_value("digest.last_night"));
  }
}
