// The authorization request through its whole timeline, with a manual clock and an in-memory store.
#include <catch2/catch.hpp>

#include <algorithm>

#include "tests/support/bot_harness.hpp"

using test_support::BotHarness;
using test_support::la_time;

namespace {
bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}
}  // namespace

TEST_CASE("a teacher's request is filed, routed to her principal and due in seven days", "[unit][request]") {
  BotHarness h;
  std::string id = h.file_request("t.garcia");
  CHECK(id == "R-1001");
  auto r = h.store().request(id);
  REQUIRE(r);
  CHECK(r->state == bot::RequestState::pending_site);
  CHECK(r->site == "lincoln");
  CHECK(r->due_date == "2026-12-01");
  REQUIRE(r->plans.size() == 2);
  CHECK(r->plans[0].platform == "instagram");
  CHECK(r->plans[0].objectives == "Share weekly class projects with families");

  auto sent = h.take_sent();
  auto card = BotHarness::to_place(sent, "site:lincoln");
  REQUIRE(card.size() == 1);
  CHECK(card[0].outbound.thread_key == id);
  // The approvals channel of Lincoln speaks the language of its principal, Rosa Alvarez: Spanish.
  CHECK(card[0].text.find("quedan 7 días, vence el") != std::string::npos);
  CHECK(card[0].text.find("[Respaldar]") != std::string::npos);
  auto dm = BotHarness::to_person(sent, "t.garcia");
  CHECK(BotHarness::any_contains(dm, "Request R-1001 is filed"));
  CHECK(BotHarness::any_contains(dm, "Rosa Alvarez"));
  CHECK(BotHarness::any_contains(dm, "Tue Dec 1"));
  CHECK(h.audit_actions(id) == std::vector<std::string>{"filed"});
}

TEST_CASE("the request form refuses missing answers and keeps what was typed", "[unit][request]") {
  BotHarness h;
  h.command("t.garcia", "request Instagram: class news");
  h.take_sent();
  h.submit("t.garcia", "request.platforms", "", {{"platforms", ""}, {"audience", ""}, {"students_interact", "maybe"}});
  auto sent = h.take_sent();
  REQUIRE(sent.size() == 1);
  const bot::Form* form = sent[0].outbound.message.find_form();
  REQUIRE(form);
  CHECK(form->form_id == "request.platforms");
  int errors = 0;
  for (const auto& in : form->inputs) errors += !in.error.empty();
  CHECK(errors == 3);
  CHECK(h.store().requests_of("t.garcia").empty());
}

TEST_CASE("text after the command pre-fills platforms and objectives", "[unit][request]") {
  BotHarness h;
  h.command("t.garcia", "request Insta: share class projects; YouTube");
  auto sent = h.take_sent();
  const bot::Form* form = sent.at(0).outbound.message.find_form();
  REQUIRE(form);
  CHECK(form->inputs.at(0).initial == "instagram,youtube");
  auto draft = h.store().draft("t.garcia");
  REQUIRE(draft);
  CHECK(draft->plans.at(0).objectives == "share class projects");
}

TEST_CASE("principals and central-office staff go straight to the superintendent", "[unit][request]") {
  BotHarness h;
  std::string principal_request = h.file_request("j.chen");
  std::string central_request = h.file_request("b.ortiz");
  for (const auto& id : {principal_request, central_request}) {
    auto r = h.store().request(id);
    CHECK(r->state == bot::RequestState::pending_decision);
    CHECK(r->site.empty());
  }
  auto sent = h.take_sent();
  CHECK(BotHarness::to_place(sent, "superintendent").size() == 2);
  CHECK(BotHarness::to_place(sent, "site:roosevelt").empty());
}

TEST_CASE("only a principal of the site endorses, never the requester", "[unit][request][refusal]") {
  BotHarness h;
  std::string id = h.file_request("t.garcia");
  h.take_sent();

  h.click("s.patel", "endorse", id);   // a teacher at the same site
  h.click("j.chen", "endorse", id);    // a principal of another site
  h.click("m.okafor", "endorse", id);  // the superintendent is not the site's principal
  auto sent = h.take_sent();
  CHECK(BotHarness::any_contains(BotHarness::replies_to(sent, "s.patel"),
                                 "Only a principal of Lincoln Elementary School"));
  CHECK(BotHarness::any_contains(BotHarness::replies_to(sent, "j.chen"),
                                 "Only a principal of Lincoln Elementary School"));
  CHECK(h.store().request(id)->state == bot::RequestState::pending_site);
  auto actions = h.audit_actions(id);
  CHECK(std::count(actions.begin(), actions.end(), "refused:not_principal") == 3);

  // A principal's own request cannot be endorsed by herself, nor decided by anyone acting on it as requester.
  std::string own = h.file_request("m.okafor");
  h.take_sent();
  h.click("m.okafor", "authorize", own);
  CHECK(BotHarness::any_contains(BotHarness::replies_to(h.take_sent(), "m.okafor"), "your own request"));
  CHECK(has(h.audit_actions(own), "refused:own_request"));
  CHECK(h.store().request(own)->state == bot::RequestState::pending_decision);
}

TEST_CASE("endorsement moves the request to the superintendent and updates the site card", "[unit][request]") {
  BotHarness h;
  std::string id = h.file_request("t.garcia");
  h.take_sent();
  h.clock().set(la_time(2026, 11, 25, 9));
  h.click("r.alvarez", "endorse", id);
  auto r = h.store().request(id);
  CHECK(r->state == bot::RequestState::pending_decision);
  CHECK(r->endorsed_by == "r.alvarez");
  auto sent = h.take_sent();
  auto site = BotHarness::to_place(sent, "site:lincoln");
  REQUIRE(site.size() == 2);
  CHECK(site[0].outbound.update_key == id + "/site");
  CHECK(site[0].text.find("[Endorse]") == std::string::npos);  // the card lost its buttons
  auto sup = BotHarness::to_place(sent, "superintendent");
  REQUIRE(sup.size() == 1);
  CHECK(sup[0].text.find("[Authorize]") != std::string::npos);
  CHECK(sup[0].text.find("6 days left, due Tue Dec 1") != std::string::npos);
  CHECK(BotHarness::any_contains(BotHarness::to_person(sent, "t.garcia"), "endorsed by Rosa Alvarez"));
}

TEST_CASE("the superintendent cannot reject or modify without a written explanation", "[unit][request][refusal]") {
  BotHarness h;
  std::string id = h.file_request("t.garcia");
  h.click("r.alvarez", "endorse", id);
  h.take_sent();

  h.command("m.okafor", "reject " + id);
  h.command("m.okafor", "modify " + id + " keep instagram");
  h.submit("m.okafor", "decision.reject", id, {{"explanation", "  "}});
  auto sent = BotHarness::replies_to(h.take_sent(), "m.okafor");
  int quoting = 0;
  for (const auto& s : sent)
    for (const auto& b : s.outbound.message.blocks)
      if (b.kind == bot::BlockKind::quote && b.text.find("shall provide a brief explanation") != std::string::npos &&
          b.citation.find("item 4") != std::string::npos)
        ++quoting;
  CHECK(quoting == 3);
  CHECK(h.store().request(id)->state == bot::RequestState::pending_decision);
  auto actions = h.audit_actions(id);
  CHECK(std::count(actions.begin(), actions.end(), "refused:missing_explanation") == 3);
}

TEST_CASE("each of the four responses is recorded and sent as a written decision", "[unit][request]") {
  SECTION("authorize as proposed") {
    BotHarness h;
    std::string id = h.file_request("t.garcia");
    h.click("r.alvarez", "endorse", id);
    h.take_sent();
    h.click("m.okafor", "authorize", id);
    auto r = h.store().request(id);
    CHECK(r->state == bot::RequestState::authorized);
    CHECK(r->decision->authorized == r->plans);
    CHECK(BotHarness::any_contains(BotHarness::to_person(h.take_sent(), "t.garcia"),
                                   "authorized your request as proposed"));
  }
  SECTION("reject in its entirety, with an explanation") {
    BotHarness h;
    std::string id = h.file_request("t.garcia");
    h.click("r.alvarez", "endorse", id);
    h.take_sent();
    h.command("d.lee", "reject " + id + " Class news belongs on the school website");
    auto r = h.store().request(id);
    CHECK(r->state == bot::RequestState::rejected);
    CHECK(r->decision->by == "d.lee");
    CHECK(r->decision->explanation == "Class news belongs on the school website");
    CHECK(r->decision->authorized.empty());
    auto dm = BotHarness::to_person(h.take_sent(), "t.garcia");
    CHECK(BotHarness::any_contains(dm, "rejected your request"));
    CHECK(BotHarness::any_contains(dm, "Class news belongs on the school website"));
  }
  SECTION("request additional information, answered in the thread") {
    BotHarness h;
    std::string id = h.file_request("t.garcia");
    h.click("r.alvarez", "endorse", id);
    h.command("m.okafor", "info " + id + " Who will moderate comments?");
    CHECK(h.store().request(id)->state == bot::RequestState::needs_info);
    auto sent = h.take_sent();
    CHECK(BotHarness::any_contains(BotHarness::to_person(sent, "t.garcia"), "Who will moderate comments?"));
    // Someone else's message in the thread is not an answer.
    h.say("s.patel", "I can help", "dm:s.patel", id);
    CHECK(h.store().request(id)->state == bot::RequestState::needs_info);
    // The employee answers in her request's thread (the console's dm:t.garcia/R-1001).
    h.store().put_message_ref("console", "dm:t.garcia", id, id);
    h.say("t.garcia", "I will, every school day", "dm:t.garcia", id);
    auto r = h.store().request(id);
    CHECK(r->state == bot::RequestState::pending_decision);
    CHECK(r->info_answer == "I will, every school day");
    CHECK(BotHarness::any_contains(BotHarness::to_place(h.take_sent(), "superintendent"), "I will, every school day"));
  }
  SECTION("authorize an amended, more limited version") {
    BotHarness h;
    std::string id = h.file_request("t.garcia");
    h.click("r.alvarez", "endorse", id);
    h.take_sent();
    h.submit("m.okafor", "decision.modify", id,
             {{"keep", "instagram"},
              {"objectives.instagram", "Weekly class projects, no student faces"},
              {"conditions", "Comments turned off"},
              {"explanation", "Video of students needs media releases"}});
    auto r = h.store().request(id);
    CHECK(r->state == bot::RequestState::authorized_modified);
    REQUIRE(r->decision->authorized.size() == 1);
    CHECK(r->decision->authorized[0].platform == "instagram");
    CHECK(r->decision->authorized[0].objectives == "Weekly class projects, no student faces");
    CHECK(r->decision->conditions == "Comments turned off");
    h.take_sent();
    h.command("t.garcia", "status");
    auto status = BotHarness::replies_to(h.take_sent(), "t.garcia");
    REQUIRE(status.size() == 1);
    const auto& authorized_field = status[0].outbound.message.blocks.at(1).fields.at(0);
    CHECK(authorized_field.value.find("Instagram") != std::string::npos);
    CHECK(authorized_field.value.find("YouTube") == std::string::npos);
  }
}

TEST_CASE("a request is decided once; unknown requests are named", "[unit][request][refusal]") {
  BotHarness h;
  std::string id = h.file_request("t.garcia");
  h.click("r.alvarez", "endorse", id);
  h.click("m.okafor", "authorize", id);
  h.take_sent();
  h.command("d.lee", "reject " + id + " changed my mind");
  h.click("t.garcia", "withdraw", id);
  h.command("m.okafor", "authorize R-9999");
  auto sent = h.take_sent();
  CHECK(BotHarness::any_contains(BotHarness::replies_to(sent, "d.lee"), "already decided"));
  CHECK(BotHarness::any_contains(BotHarness::replies_to(sent, "m.okafor"), "can't find request R-9999"));
  CHECK(h.store().request(id)->state == bot::RequestState::authorized);
  CHECK(h.store().request(id)->decision->by == "m.okafor");
  CHECK(has(h.audit_actions("R-9999"), "refused:unknown_request"));
}

TEST_CASE("a principal returns a request with a note; the employee can start again from it", "[unit][request]") {
  BotHarness h;
  std::string id = h.file_request("t.garcia");
  h.take_sent();
  h.click("r.alvarez", "return", id);
  auto form = h.take_sent();
  REQUIRE(form.size() == 1);
  REQUIRE(form[0].outbound.message.find_form());
  CHECK(form[0].outbound.message.find_form()->form_id == "decision.return");
  h.submit("r.alvarez", "decision.return", id, {{"note", "Use the school's account instead of a new one"}});
  CHECK(h.store().request(id)->state == bot::RequestState::returned);
  auto sent = h.take_sent();
  CHECK(BotHarness::any_contains(BotHarness::to_person(sent, "t.garcia"), "Use the school's account instead"));
  h.click("t.garcia", "request_again", id);
  auto draft = h.store().draft("t.garcia");
  REQUIRE(draft);
  CHECK(draft->based_on == id);
  CHECK(draft->plans.size() == 2);
}

TEST_CASE("an undecided request is overdue on day 8 and the people concerned are told once",
          "[unit][request][timeline]") {
  BotHarness h;
  std::string id = h.file_request("t.garcia");
  h.click("r.alvarez", "endorse", id);
  h.take_sent();

  // Sun Nov 29, two days before: the deadline warning (docs/digests.md) fires, not the overdue notice.
  h.clock().set(la_time(2026, 11, 29, 9));
  CHECK(h.bot().fire_due_timers() == 1);
  CHECK(!h.store().request(id)->overdue_notified);
  h.take_sent();

  // Day 7 (Tue Dec 1, the due date): not overdue yet.
  h.clock().set(la_time(2026, 12, 1, 23, 59));
  CHECK(h.bot().fire_due_timers() == 0);
  CHECK(!h.store().request(id)->overdue_notified);

  // Day 8 starts at midnight in Los Angeles.
  h.clock().set(la_time(2026, 12, 2, 0, 1));
  CHECK(h.bot().fire_due_timers() == 1);
  auto sent = h.take_sent();
  CHECK(BotHarness::to_person(sent, "t.garcia").size() == 1);
  CHECK(BotHarness::to_person(sent, "m.okafor").size() == 1);
  CHECK(BotHarness::to_person(sent, "d.lee").size() == 1);
  CHECK(BotHarness::to_person(sent, "r.alvarez").empty());  // she acted; it waits for the superintendent
  CHECK(BotHarness::any_contains(BotHarness::to_person(sent, "t.garcia"), "overdue"));
  CHECK(h.store().request(id)->overdue_notified);

  // A restart and another pass tell nobody again.
  h.restart();
  h.clock().set(la_time(2026, 12, 3, 9));
  CHECK(h.bot().fire_due_timers() == 0);
  CHECK(h.take_sent().empty());

  // It can still be decided late, and the approvers' cards show the window had passed.
  h.click("m.okafor", "authorize", id);
  CHECK(h.store().request(id)->state == bot::RequestState::authorized);
}

TEST_CASE("a decided request never becomes overdue", "[unit][request][timeline]") {
  BotHarness h;
  std::string id = h.file_request("t.garcia");
  h.click("r.alvarez", "endorse", id);
  h.click("m.okafor", "authorize", id);
  h.take_sent();
  h.clock().set(la_time(2026, 12, 9, 9));
  h.bot().fire_due_timers();
  CHECK(h.take_sent().empty());
}

TEST_CASE("withdrawal by the requester closes the request and tells the approvers", "[unit][request]") {
  BotHarness h;
  std::string id = h.file_request("t.garcia");
  h.take_sent();
  h.click("s.patel", "withdraw", id);
  CHECK(h.store().request(id)->state == bot::RequestState::pending_site);
  h.command("t.garcia", "withdraw " + id);
  CHECK(h.store().request(id)->state == bot::RequestState::withdrawn);
  auto sent = h.take_sent();
  CHECK(BotHarness::any_contains(BotHarness::to_place(sent, "site:lincoln"), "retiró esta solicitud"));
  h.click("r.alvarez", "endorse", id);
  // Rosa Alvarez reads Spanish: the refusal comes in her language.
  auto refusal = BotHarness::replies_to(h.take_sent(), "r.alvarez");
  REQUIRE(refusal.size() == 1);
  CHECK(refusal[0].text == test_support::sample_district().prompts.text("es", "refusal.state.withdrawn", {{"id", id}}));
  CHECK(has(h.audit_actions(id), "refused:state.withdrawn"));
}

TEST_CASE("the queue shows approvers what waits for them, and the help explains commands", "[unit][request]") {
  BotHarness h;
  std::string a = h.file_request("t.garcia");
  std::string b = h.file_request("b.ortiz");
  h.take_sent();
  h.command("r.alvarez", "queue");
  h.command("m.okafor", "queue");
  h.command("s.patel", "queue");
  h.command("s.patel", "help");
  h.command("s.patel", "frobnicate");
  auto sent = h.take_sent();
  auto rosa = BotHarness::replies_to(sent, "r.alvarez");
  CHECK(BotHarness::any_contains(rosa, a));
  CHECK(!BotHarness::any_contains(rosa, b));
  auto maya = BotHarness::replies_to(sent, "m.okafor");
  CHECK(BotHarness::any_contains(maya, b));
  CHECK(!BotHarness::any_contains(maya, a));
  auto sam = BotHarness::replies_to(sent, "s.patel");
  REQUIRE(sam.size() == 3);
  CHECK(sam[0].text.find("don't approve requests") != std::string::npos);
  CHECK(sam[1].text.find("/socialmedia request") != std::string::npos);
  CHECK(sam[2].text.find("I don't know \"frobnicate\"") != std::string::npos);
}

TEST_CASE("people outside the directory are told so and nothing is recorded for them", "[unit][request][refusal]") {
  BotHarness h;
  h.command("stranger", "request");
  auto sent = h.take_sent();
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].text.find("not in the District's Hallpass directory") != std::string::npos);
  CHECK(!h.store().draft("stranger"));
}

TEST_CASE("the same event delivered twice is handled once", "[unit][request]") {
  BotHarness h;
  std::string id = h.file_request("t.garcia");
  h.take_sent();
  bot::Inbound ev{.platform = "console",
                  .event_id = "dup-1",
                  .actor = "r.alvarez",
                  .kind = bot::InboundKind::action,
                  .action_id = "endorse",
                  .action_value = id};
  ev.place = {.channel = "#lincoln-approvals"};
  CHECK(!h.handle(ev).duplicate);
  auto first = h.take_sent().size();
  CHECK(h.handle(ev).duplicate);
  CHECK(h.take_sent().empty());
  CHECK(first > 0);
}

TEST_CASE("a workflow that fails half-way leaves nothing half-done", "[unit][request][store]") {
  BotHarness h;
  std::string id = h.file_request("t.garcia");
  h.take_sent();
  // Corrupt the due date so that the endorsement fails after it changed the request's state.
  auto r = *h.store().request(id);
  r.due_date = "not-a-date";
  {
    auto tx = h.store().begin();
    h.store().save_request(r);
    tx->commit();
  }
  auto result = h.click("r.alvarez", "endorse", id);
  CHECK(result.accepted);
  auto after = h.store().request(id);
  CHECK(after->state == bot::RequestState::pending_site);
  CHECK(after->endorsed_by.empty());
  CHECK(!has(h.audit_actions(id), "endorsed"));
  auto sent = h.take_sent();
  REQUIRE(sent.size() == 1);  // only the apology, no half of the endorsement's messages
  CHECK(sent[0].text == test_support::sample_district().prompts.text("es", "core.failed"));
  CHECK(sent[0].text != test_support::sample_district().prompts.text("en", "core.failed"));
}

TEST_CASE("each approvals channel reads the language of the people who act in it", "[unit][request]") {
  BotHarness h;
  // Lincoln's principal, Rosa Alvarez, reads Spanish; Roosevelt's reads English (though the
  // teacher who files there reads Spanish); the superintendent and her designee read English.
  const std::string lincoln = h.file_request("t.garcia");
  const std::string roosevelt = h.file_request("l.morales");  // himself a Spanish reader
  auto sent = h.take_sent();
  auto lincoln_card = BotHarness::to_place(sent, "site:lincoln");
  auto roosevelt_card = BotHarness::to_place(sent, "site:roosevelt");
  REQUIRE(lincoln_card.size() == 1);
  REQUIRE(roosevelt_card.size() == 1);
  CHECK(lincoln_card[0].text.find("[Respaldar]") != std::string::npos);
  CHECK(roosevelt_card[0].text.find("[Endorse]") != std::string::npos);
  CHECK(roosevelt_card[0].text.find("[Respaldar]") == std::string::npos);
  // Endorsed in Lincoln: the note there is Spanish, the card in #superintendent English.
  h.click("r.alvarez", "endorse", lincoln);
  sent = h.take_sent();
  CHECK(BotHarness::any_contains(BotHarness::to_place(sent, "site:lincoln"), "respaldó esta solicitud"));
  auto superintendent = BotHarness::to_place(sent, "superintendent");
  REQUIRE_FALSE(superintendent.empty());
  CHECK(BotHarness::any_contains(superintendent, "[Authorize]"));
}
