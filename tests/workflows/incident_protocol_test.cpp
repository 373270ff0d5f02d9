// Issue 22: the incident categories the policies name (a hacked or misused official account,
// impersonation, retaliation), Human Resources on abuse reports, the district's own complaint
// protocol with its letters and words, notes, written statements and the evidence record on the
// steps, and the private retaliation check-in after a report is closed.
#include <catch2/catch.hpp>

#include <algorithm>
#include <iostream>
#include <set>

#include "app/adapter_registry.hpp"
#include "bot/district/config_loader.hpp"
#include "tests/support/bot_harness.hpp"
#include "tests/support/config_files.hpp"
#include "tests/support/platform_rules.hpp"
#include "workflows/incident_routing.hpp"

using test_support::BotHarness;
using test_support::Sent;

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::map<std::string, std::string> values_for(const std::string& category) {
  return {{"category", category},
          {"what", "Posts on the school's account that nobody at school wrote"},
          {"platform", "Instagram"},
          {"link", "https://instagram.example/p/xyz"},
          {"account", "@lincoln_elementary"},
          {"when", "tonight at 9"},
          {"involved", "unknown"},
          {"against_administrator", "no"},
          {"site", "lincoln"}};
}

std::string file_report(BotHarness& h, const std::string& person, std::map<std::string, std::string> values) {
  h.command(person, "report");
  h.take_sent();
  h.submit(person, "incident.report", "", std::move(values));
  auto mine = h.store().incidents_reported_by(person);
  if (mine.empty()) throw std::runtime_error("filing an incident report failed");
  return mine.back().id;
}

std::set<std::string> recipients(const std::vector<Sent>& sent) {
  std::set<std::string> out;
  for (const auto& s : sent)
    if (s.outbound.to.kind == bot::Recipient::Kind::person) out.insert(s.outbound.to.person_id);
  return out;
}

std::vector<std::string> actions(BotHarness& h, const std::string& id) { return h.audit_actions(id); }

// The sample district with the Standard School District's protocol (AR 1114 §IV a–k).
const bot::District& ar1114_district() {
  static const bot::District d = [] {
    auto file =
        test_support::sample_config_variant("ar1114", "protocol: lausd-bul-5688.2", "protocol: standard-sd-ar-1114");
    auto loaded = app::load_district(file, std::cerr);
    if (!loaded) throw std::runtime_error("the AR 1114 variant does not load");
    return std::move(*loaded);
  }();
  return d;
}

}  // namespace

TEST_CASE("incidents 22: a hacked official account reaches the superintendent's office with the first steps",
          "[unit][incident][incident22]") {
  BotHarness h;
  std::string id = file_report(h, "t.garcia", values_for("hacked_account"));
  auto inc = h.store().incident(id);
  REQUIRE(inc);
  CHECK(inc->account == "@lincoln_elementary");
  // The site's principal, the notify list (IT), then the superintendent and designee.
  CHECK(inc->investigators == std::vector<std::string>{"r.alvarez", "h.nguyen", "m.okafor", "d.lee"});
  auto sent = h.take_sent();
  auto super = BotHarness::to_person(sent, "m.okafor");
  REQUIRE(super.size() == 1);
  const std::string& card = super[0].text;
  CHECK(contains(card, "A hacked or misused official District account"));
  CHECK(contains(card, "@lincoln_elementary"));
  CHECK(contains(card, "have the password changed"));
  CHECK(contains(card, "take the post down"));
  CHECK(contains(card, "keep a record"));
  // The reporter is told the first steps before anything else, with the rule quoted.
  auto receipt = BotHarness::to_person(sent, "t.garcia").at(0).text;
  CHECK(contains(receipt, "change the account's password"));
  CHECK(contains(receipt, "take the post down"));
  CHECK(contains(receipt, "keep a record"));
  CHECK(contains(receipt, "report any security problem or misuse to the Superintendent or designee"));
  CHECK(receipt.find("change the account's password") < receipt.find("is filed"));

  // Without the account's handle or address the report is not filed.
  auto missing = values_for("hacked_account");
  missing["account"] = "";
  h.command("s.patel", "report");
  h.take_sent();
  h.submit("s.patel", "incident.report", "", missing);
  auto again = h.take_sent();
  REQUIRE(again.size() == 1);
  const bot::Form* form = again[0].outbound.message.find_form();
  REQUIRE(form);
  for (const auto& in : form->inputs)
    if (in.key == "account") CHECK(contains(in.error, "handle or address"));
  CHECK(h.store().incidents_reported_by("s.patel").empty());
}

TEST_CASE("incidents 22: a hacked registered account's report reaches the monitors the registry names",
          "[unit][incident][incident22][registry]") {
  BotHarness h;
  bot::OfficialAccount account;
  account.id = h.store().next_account_id();
  account.kind = "official";
  account.platform = "instagram";
  account.handle = "@Lincoln_Elementary";
  account.address = "https://instagram.com/lincoln_elementary";
  account.site = "lincoln";
  account.owner = "t.garcia";
  account.monitors = {"s.patel"};
  h.store().save_account(account);
  CHECK(workflows::registered_account_monitors(h.store(), "lincoln_elementary") ==
        std::vector<std::string>{"s.patel", "t.garcia"});
  CHECK(workflows::registered_account_monitors(h.store(), "@someone_else").empty());

  std::string id = file_report(h, "t.garcia", values_for("hacked_account"));  // names @lincoln_elementary
  const auto inc = h.store().incident(id);
  REQUIRE(inc);
  CHECK(std::find(inc->investigators.begin(), inc->investigators.end(), "s.patel") != inc->investigators.end());
  CHECK(recipients(h.take_sent()).contains("s.patel"));
}

TEST_CASE("incidents 22: impersonation and retaliation reports route as configured; abuse reaches HR",
          "[unit][incident][incident22]") {
  BotHarness h;
  std::string fake = file_report(h, "t.garcia", values_for("impersonation"));
  CHECK(h.store().incident(fake)->investigators == std::vector<std::string>{"r.alvarez", "b.ortiz"});
  CHECK(recipients(h.take_sent()) == std::set<std::string>{"t.garcia", "r.alvarez", "b.ortiz"});

  std::string retaliation = file_report(h, "t.garcia", values_for("retaliation"));
  CHECK(h.store().incident(retaliation)->investigators == std::vector<std::string>{"r.alvarez", "d.lee"});
  auto sent = h.take_sent();
  CHECK(BotHarness::any_contains(BotHarness::to_person(sent, "t.garcia"), "does not tolerate retaliation"));

  std::string abuse = file_report(h, "t.garcia", values_for("child_abuse"));
  CHECK(h.store().incident(abuse)->investigators == std::vector<std::string>{"r.alvarez", "d.lee", "g.ramos"});
  auto hr = BotHarness::to_person(h.take_sent(), "g.ramos");
  REQUIRE(hr.size() == 1);
  CHECK(contains(hr[0].text, "Suspected child abuse or neglect"));
}

TEST_CASE("incidents 22: the LAUSD protocol's steps carry their letters and the bulletin's words",
          "[unit][incident][incident22]") {
  BotHarness h;
  std::string id = file_report(h, "t.garcia", values_for("harassment"));
  h.take_sent();
  h.command("r.alvarez", "report step L " + id);
  REQUIRE(h.store().incident(id)->step("no_retaliation"));
  h.command("r.alvarez", "report show " + id);
  auto card = BotHarness::replies_to(h.take_sent(), "r.alvarez").back().text;
  CHECK(contains(card, "LAUSD BUL-5688.2 §V"));
  CHECK(contains(card, "K. If appropriate, complete the Incident System Tracking Accountability Report (iSTAR)."));
  CHECK(contains(card, "L. Information about allegations of misconduct or investigations should be handled"));
}

TEST_CASE("incidents 22: in an AR 1114 district the steps carry AR 1114's letters and words",
          "[unit][incident][incident22]") {
  const bot::District& district = ar1114_district();
  REQUIRE(district.config.incident_protocol.id == "standard-sd-ar-1114");
  BotHarness h({}, test_support::la_time(2026, 11, 24, 10), &district);
  std::string id = file_report(h, "t.garcia", values_for("threat"));  // Rosa Alvarez and Daniel Lee
  h.take_sent();
  // Step k is AR 1114's no-retaliation step (in LAUSD's list, K is the iSTAR report).
  h.command("r.alvarez", "report step k " + id);
  auto inc = h.store().incident(id);
  REQUIRE(inc);
  REQUIRE(inc->steps.size() == 1);
  CHECK(inc->steps[0].step == "no_retaliation");
  auto audit = h.store().audit_of(id);
  CHECK(contains(audit.back().details, "\"letter\":\"k\""));
  CHECK(contains(audit.back().details, "\"protocol\":\"standard-sd-ar-1114\""));
  // LAUSD's tracking report is no step of AR 1114.
  h.command("d.lee", "report step tracking_report " + id);
  auto replies = BotHarness::replies_to(h.take_sent(), "d.lee");
  CHECK(BotHarness::any_contains(replies, "\"tracking_report\" is not a step of the complaint protocol"));
  h.command("d.lee", "report show " + id);
  auto card = BotHarness::replies_to(h.take_sent(), "d.lee").at(0).text;
  CHECK(contains(card, "Complaint protocol (1 of 11 recorded) — Standard SD AR 1114 §IV"));
  CHECK(contains(card, "k. The District will not tolerate retaliation against anyone for filing a complaint"));
  CHECK(contains(card, "h. Implement disciplinary action, counseling, and/or other support services as needed."));
  CHECK_FALSE(contains(card, "iSTAR"));
}

TEST_CASE("incidents 22: a district's own protocol and its typos are checked with file and line",
          "[unit][incident][incident22][config]") {
  auto own = test_support::sample_config_variant(
      "own-protocol", "protocol: lausd-bul-5688.2",
      "protocol: own\n  protocol_steps:\n    - { id: safety, letter: \"1\", text: \"Make everyone safe.\" }\n"
      "    - { id: report_to_board, letter: \"2\", text: \"Tell the board.\" }");
  auto loaded = bot::load_district_config(own, test_support::platform_rules());
  REQUIRE(loaded.config);
  const auto& p = loaded.config->incident_protocol;
  REQUIRE(p.steps.size() == 2);
  CHECK(p.steps[1].id == "report_to_board");
  CHECK(p.step("2") == &p.steps[1]);

  auto typo = test_support::sample_config_variant("typo-protocol", "protocol: lausd-bul-5688.2",
                                                  "protocol: standard-sd-ar1114");
  auto bad = bot::load_district_config(typo, test_support::platform_rules());
  REQUIRE_FALSE(bad.config);
  bool named = false;
  for (const auto& e : bad.errors)
    named = named || (e.line == test_support::line_of(typo, "protocol: standard-sd-ar1114") &&
                      contains(e.message, "Did you mean 'standard-sd-ar-1114'"));
  CHECK(named);
}

TEST_CASE("incidents 22: notes, written statements and the evidence record sit on their steps",
          "[unit][incident][incident22]") {
  BotHarness h;
  std::string id = file_report(h, "t.garcia", values_for("threat"));  // Rosa Alvarez and Daniel Lee
  h.take_sent();
  h.command("r.alvarez", "report note " + id + " C Called the teacher's union rep, meeting Friday");
  h.command("r.alvarez", "report statement " + id);
  auto form_sent = h.take_sent();
  REQUIRE_FALSE(form_sent.empty());
  const bot::Form* form = form_sent.back().outbound.message.find_form();
  REQUIRE(form);
  CHECK(form->form_id == "incident.statement");
  h.submit("r.alvarez", "incident.statement", id,
           {{"who", "Sam Patel, teacher (witness)"},
            {"given", "Nov 25, 3 pm"},
            {"text", "I saw the post on Monday night."},
            {"step", "statements"}});
  // Evidence that depicts a minor is refused and nothing is recorded.
  h.submit("d.lee", "incident.evidence", id,
           {{"text", "screenshots"},
            {"given", "cabinet"},
            {"who", "Rosa Alvarez"},
            {"permission", "r.alvarez"},
            {"minor", "yes"}});
  h.submit("r.alvarez", "incident.evidence", id,
           {{"text", "3 printed screenshots of the posts"},
            {"given", "locked cabinet, principal's office"},
            {"who", "Rosa Alvarez"},
            {"permission", "r.alvarez"},
            {"minor", "no"}});
  auto inc = h.store().incident(id);
  REQUIRE(inc);
  REQUIRE(inc->notes.size() == 3);
  CHECK(inc->notes[0].kind == "note");
  CHECK(inc->notes[0].step == "investigate");
  CHECK(inc->notes[1].kind == "statement");
  CHECK(inc->notes[1].who == "Sam Patel, teacher (witness)");
  CHECK(inc->notes[1].given == "Nov 25, 3 pm");
  CHECK(inc->notes[2].kind == "evidence");
  CHECK(inc->notes[2].step == "document");
  CHECK(inc->notes[2].permission == "r.alvarez");
  auto replies = BotHarness::replies_to(h.take_sent(), "d.lee");
  CHECK(BotHarness::any_contains(replies, "Nothing was recorded"));
  auto acts = actions(h, id);
  CHECK(std::count(acts.begin(), acts.end(), "refused:evidence_depicts_minor") == 1);
  CHECK(std::count(acts.begin(), acts.end(), "statement_recorded") == 1);
  // The audit keeps fingerprints, never the words.
  for (const auto& a : h.store().audit_of(id)) CHECK_FALSE(contains(a.details, "Monday night"));

  h.command("d.lee", "report show " + id);
  auto card = BotHarness::replies_to(h.take_sent(), "d.lee").at(0).text;
  CHECK(contains(card, "Called the teacher's union rep, meeting Friday — Rosa Alvarez"));
  CHECK(contains(card, "Written statement by Sam Patel, teacher (witness), given Nov 25, 3 pm"));
  CHECK(contains(card, "Stored at locked cabinet, principal's office, kept by Rosa Alvarez"));
  // The reporter may add nothing to the record.
  h.command("t.garcia", "report note " + id + " C my own note");
  CHECK(h.store().incident(id)->notes.size() == 3);
}

TEST_CASE("incidents 22: the reporter is checked in with privately and can open a retaliation report",
          "[unit][incident][incident22]") {
  BotHarness h;
  std::string id = file_report(h, "t.garcia", values_for("harassment"));
  h.command("r.alvarez", "report close " + id + " Post removed; conference held");
  h.take_sent();
  const int days = test_support::sample_district().config.retaliation_check_in_days;
  REQUIRE(days == 14);
  h.clock().advance(std::chrono::days(days) - std::chrono::minutes(1));
  CHECK(h.bot().fire_due_timers() == 0);
  h.clock().advance(std::chrono::minutes(2));
  CHECK(h.bot().fire_due_timers() == 1);
  auto sent = h.take_sent();
  CHECK(recipients(sent) == std::set<std::string>{"t.garcia"});
  auto check_in = BotHarness::to_person(sent, "t.garcia");
  REQUIRE(check_in.size() == 1);
  CHECK(contains(check_in[0].text, "Has anyone retaliated against you since?"));
  bool button = false;
  for (const auto& b : check_in[0].outbound.message.blocks)
    for (const auto& btn : b.buttons)
      if (btn.action_id == "incident_retaliation" && btn.label == "I have experienced retaliation" && btn.value == id)
        button = true;
  CHECK(button);

  // Nobody else can use it.
  h.click("s.patel", "incident_retaliation", id);
  CHECK(h.take_sent().at(0).outbound.message.find_form() == nullptr);

  h.click("t.garcia", "incident_retaliation", id);
  auto form_sent = h.take_sent();
  REQUIRE(form_sent.size() == 1);
  const bot::Form* form = form_sent[0].outbound.message.find_form();
  REQUIRE(form);
  CHECK(form->context == id);
  CHECK(form->inputs.at(0).initial == "retaliation");
  auto values = values_for("retaliation");
  values["what"] = "Since the report, my schedule was changed twice without reason.";
  h.submit("t.garcia", "incident.report", id, values);
  auto mine = h.store().incidents_reported_by("t.garcia");
  REQUIRE(mine.size() == 2);
  CHECK(mine.back().category == "retaliation");
  CHECK(mine.back().related == id);
  CHECK(mine.back().investigators == std::vector<std::string>{"r.alvarez", "d.lee"});
  // Fired once: no second check-in.
  h.clock().advance(std::chrono::days(30));
  CHECK(h.bot().fire_due_timers() == 0);
}
