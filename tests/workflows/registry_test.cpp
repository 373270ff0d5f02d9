// The registry of official accounts: registration after authorization, the password refusal, the
// lists and export, renewal, booster clubs, and authorizations that narrow, end, are suspended or revoked.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "tests/support/bot_harness.hpp"
#include "tests/support/temp_dir.hpp"
#include "workflows/registry_secrets.hpp"

using test_support::BotHarness;
using test_support::la_time;

namespace {

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

const bot::Form* form_of(const std::vector<test_support::Sent>& sent, const std::string& form_id) {
  for (auto it = sent.rbegin(); it != sent.rend(); ++it)
    if (const bot::Form* f = it->outbound.message.find_form(); f && f->form_id == form_id) return f;
  return nullptr;
}

// T. Garcia's Instagram and YouTube request, endorsed and authorized as proposed.
std::string authorized_request(BotHarness& h) {
  std::string id = h.file_request("t.garcia");
  h.click("r.alvarez", "endorse", id);
  h.click("m.okafor", "authorize", id);
  return id;
}

std::map<std::string, std::string> registration(const std::string& handle) {
  return {{"handle", handle},
          {"address", "https://www.instagram.com/" + handle.substr(1)},
          {"monitors", "Teresa Garcia, s.patel"},
          {"credentials", "yes"}};
}

}  // namespace

TEST_CASE("an authorized Instagram request leads to a registered account with its monitors", "[unit][registry]") {
  BotHarness h;
  std::string id = authorized_request(h);
  auto sent = h.take_sent();
  // The requester is asked in her DM, one platform at a time, with the clauses quoted.
  auto dm = BotHarness::to_person(sent, "t.garcia");
  const bot::Form* form = form_of(dm, "registry.register");
  REQUIRE(form);
  CHECK(form->context == id + "/instagram");
  CHECK(BotHarness::any_contains(dm, "Register your Instagram account"));
  CHECK(BotHarness::any_contains(dm, "Each site must maintain a confidential database of usernames/passwords"));
  CHECK(BotHarness::any_contains(dm, "LBUSD Code of Ethics"));

  h.submit("t.garcia", "registry.register", id + "/instagram", registration("@lincoln4th"));
  sent = h.take_sent();
  auto accounts = h.store().registered_accounts("lincoln");
  REQUIRE(accounts.size() == 1);
  const auto& a = accounts[0];
  CHECK(a.id == "A-1001");
  CHECK(a.platform == "instagram");
  CHECK(a.handle == "@lincoln4th");
  CHECK(a.owner == "t.garcia");
  CHECK(a.monitors == std::vector<std::string>{"t.garcia", "s.patel"});
  CHECK(a.credentials_confirmed_by == "t.garcia");
  CHECK(BotHarness::any_contains(BotHarness::replies_to(sent, "t.garcia"), "monitored by Teresa Garcia, Sam Patel"));
  // Her principal is told in the site's approvals place (in Spanish: Rosa Alvarez reads it).
  CHECK(BotHarness::any_contains(BotHarness::to_place(sent, "site:lincoln"), "registró"));
  // Then YouTube is asked for.
  const bot::Form* next = form_of(sent, "registry.register");
  REQUIRE(next);
  CHECK(next->context == id + "/youtube");
  CHECK(has(h.audit_actions("A-1001"), "account.registered"));

  // A missing monitor and confirmation send the form back with what was typed.
  h.submit("t.garcia", "registry.register", id + "/youtube",
           {{"handle", "Lincoln 4th grade"}, {"address", "https://youtube.com/@lincoln4th"}, {"monitors", "Nobody Here"}});
  sent = h.take_sent();
  const bot::Form* back = form_of(sent, "registry.register");
  REQUIRE(back);
  int errors = 0;
  for (const auto& in : back->inputs) {
    errors += !in.error.empty();
    if (in.key == "handle") CHECK(in.initial == "Lincoln 4th grade");
  }
  CHECK(errors == 2);
  CHECK(h.store().registered_accounts("lincoln").size() == 1);
}

TEST_CASE("a pasted password is refused with the clause and stored nowhere", "[unit][registry][password]") {
  test_support::TempDir dir("registry-password");
  const std::string db = dir.file("hallpass.db");
  const std::string secret = "Lions#Roar2026";
  {
    BotHarness h(db);
    std::string id = authorized_request(h);
    h.take_sent();
    // In a message…
    h.say("t.garcia", "the password: " + secret, "dm:t.garcia");
    auto sent = h.take_sent();
    auto reply = BotHarness::replies_to(sent, "t.garcia");
    CHECK(BotHarness::any_contains(reply, "Please do not send passwords here"));
    CHECK(BotHarness::any_contains(reply, "Each site must maintain a confidential database of usernames/passwords"));
    // …alone, pasted…
    h.say("t.garcia", secret, "dm:t.garcia");
    CHECK(BotHarness::any_contains(h.take_sent(), "Please do not send passwords here"));
    // …and in the registration form: sent back with that field emptied, nothing registered.
    auto values = registration("@lincoln4th");
    values["handle"] = secret;
    h.submit("t.garcia", "registry.register", id + "/instagram", values);
    sent = h.take_sent();
    CHECK(BotHarness::any_contains(sent, "Please do not send passwords here"));
    const bot::Form* back = form_of(sent, "registry.register");
    REQUIRE(back);
    for (const auto& in : back->inputs)
      if (in.key == "handle") CHECK(in.initial.empty());
    CHECK(h.store().registered_accounts("").empty());
    int refusals = 0;
    for (const auto& e : h.store().audit_of(""))
      if (e.action == "refused:password") ++refusals;
    for (const auto& e : h.store().audit_of(id + "/instagram"))
      if (e.action == "refused:password") ++refusals;
    CHECK(refusals == 3);
    for (const auto& e : h.store().outbox_entries()) CHECK(e.outbound.message.plain_text().find(secret) == std::string::npos);
    // Still open: the file and its write-ahead log are read below, as a person would search them.
    const std::string bytes = file_bytes(db) + file_bytes(db + "-wal");
    CHECK(!bytes.empty());
    CHECK(bytes.find(secret) == std::string::npos);
    CHECK(bytes.find("Lions#Roar") == std::string::npos);
  }
  const std::string after = file_bytes(db) + file_bytes(db + "-wal");
  CHECK(after.find(secret) == std::string::npos);
}

TEST_CASE("what looks like a password, and what does not", "[unit][registry][password]") {
  using workflows::looks_like_password;
  CHECK(looks_like_password("password: hunter22"));
  CHECK(looks_like_password("My password is Tr0ub4dor&3"));
  CHECK(looks_like_password("contraseña: leones2026"));
  CHECK(looks_like_password("Lions#Roar2026"));
  CHECK(looks_like_password("pwd=abc"));
  CHECK_FALSE(looks_like_password("my password is held by the principal"));
  CHECK_FALSE(looks_like_password("Where do I give the password?"));
  CHECK_FALSE(looks_like_password("@lincoln4th"));
  CHECK_FALSE(looks_like_password("https://www.instagram.com/lincoln4th?x=1"));
  CHECK_FALSE(looks_like_password("Can we post from 3pm-5pm?"));
  CHECK_FALSE(looks_like_password("R-1001"));
  CHECK_FALSE(looks_like_password("Share weekly class projects with families"));
}

TEST_CASE("accounts are listed by role and exported without credentials", "[unit][registry]") {
  BotHarness h;
  std::string id = authorized_request(h);
  h.submit("t.garcia", "registry.register", id + "/instagram", registration("@lincoln4th"));
  // James Chen adds an account of Roosevelt opened before Hallpass.
  h.command("j.chen", "accounts add");
  h.submit("j.chen", "registry.add", "",
           {{"platform", "facebook"},
            {"handle", "Roosevelt Science Club"},
            {"address", "https://facebook.com/rooseveltscience"},
            {"owner", "l.morales"},
            {"monitors", "lmorales@sierravista.example.org"},
            {"credentials", "yes"}});
  REQUIRE(h.store().registered_accounts("roosevelt").size() == 1);
  h.take_sent();

  h.command("r.alvarez", "accounts");  // Lincoln's principal: Lincoln's only
  auto principal = h.take_sent();
  CHECK(BotHarness::any_contains(principal, "@lincoln4th"));
  CHECK_FALSE(BotHarness::any_contains(principal, "Roosevelt Science Club"));
  h.command("d.lee", "accounts");  // the superintendent's office: all
  auto office = h.take_sent();
  CHECK(BotHarness::any_contains(office, "@lincoln4th"));
  CHECK(BotHarness::any_contains(office, "Roosevelt Science Club"));
  h.command("l.morales", "accounts");  // an employee: their own
  auto own = h.take_sent();
  CHECK(BotHarness::any_contains(own, "Roosevelt Science Club"));
  CHECK_FALSE(BotHarness::any_contains(own, "@lincoln4th"));

  h.command("m.okafor", "accounts export");
  auto sent = h.take_sent();
  REQUIRE(sent.size() == 1);
  const std::string& text = sent[0].text;
  CHECK(text.find("without usernames or passwords") != std::string::npos);  // the clause quoted
  const std::string header =
      "account,site,platform,name_or_handle,address,owner,monitors,kind,group,registered_on,"
      "held_at_site_confirmed_by,school_year_confirmed";
  CHECK(text.find(header) != std::string::npos);
  CHECK(text.find("A-1001,Lincoln Elementary School,Instagram,@lincoln4th") != std::string::npos);
  for (std::string_view column : {"password", "username", "credential"}) CHECK(header.find(column) == std::string::npos);
  CHECK(has(h.audit_actions("registry"), "registry.exported"));
  // A teacher cannot export.
  h.command("s.patel", "accounts export");
  CHECK(BotHarness::any_contains(h.take_sent(), "The export is for principals"));
}

TEST_CASE("a revoked authorization is no longer in force, and both people are told", "[unit][registry][authorization]") {
  BotHarness h;
  std::string id = authorized_request(h);
  h.take_sent();
  // Without an explanation: refused with the clause on suspending or terminating user rights.
  h.command("d.lee", "revoke " + id);
  auto sent = h.take_sent();
  CHECK(BotHarness::any_contains(sent, "The District may suspend or terminate user rights"));
  CHECK(h.store().authorization_terms(id) == std::nullopt);
  // A teacher cannot revoke.
  h.command("s.patel", "revoke " + id + " because no");
  CHECK(BotHarness::any_contains(h.take_sent(), "Only the superintendent"));

  h.command("d.lee", "revoke " + id + " because the page posted student names");
  sent = h.take_sent();
  auto terms = h.store().authorization_terms(id);
  REQUIRE(terms);
  CHECK(terms->state == "revoked");
  CHECK(BotHarness::any_contains(BotHarness::to_person(sent, "t.garcia"), "revoked your authorization " + id));
  CHECK(BotHarness::any_contains(BotHarness::to_person(sent, "t.garcia"), "the page posted student names"));
  CHECK(BotHarness::any_contains(BotHarness::to_person(sent, "r.alvarez"), "revocó la autorización"));
  CHECK(has(h.audit_actions(id), "authorization.revoked"));

  h.command("t.garcia", "status");
  sent = h.take_sent();
  REQUIRE(sent.size() == 1);
  const std::string& status = sent[0].text;
  CHECK(status.find("You are authorized for: Nothing yet.") != std::string::npos);
  CHECK(status.find("Revoked by Daniel Lee") != std::string::npos);
  // Its accounts cannot be registered any more.
  h.submit("t.garcia", "registry.register", id + "/instagram", registration("@lincoln4th"));
  CHECK(BotHarness::any_contains(h.take_sent(), "is not in force"));
}

TEST_CASE("suspend and reinstate", "[unit][registry][authorization]") {
  BotHarness h;
  std::string id = authorized_request(h);
  h.take_sent();
  h.command("m.okafor", "suspend " + id + " because comments were left unmoderated");
  CHECK(h.store().authorization_terms(id)->state == "suspended");
  auto sent = h.take_sent();
  CHECK(BotHarness::any_contains(BotHarness::to_person(sent, "t.garcia"), "suspended your authorization"));
  h.command("m.okafor", "reinstate " + id);
  CHECK(h.store().authorization_terms(id)->state == "active");
  CHECK(BotHarness::any_contains(BotHarness::to_person(h.take_sent(), "t.garcia"), "reinstated your authorization"));
}

TEST_CASE("a modified authorization narrows the audience and ends; its end is in the owner's digest",
          "[unit][registry][authorization]") {
  BotHarness h;
  std::string id = h.file_request("t.garcia");
  h.click("r.alvarez", "endorse", id);
  h.take_sent();
  h.click("m.okafor", "modify", id);
  auto sent = h.take_sent();
  const bot::Form* form = form_of(sent, "decision.modify");
  REQUIRE(form);
  std::vector<std::string> keys;
  for (const auto& in : form->inputs) keys.push_back(in.key);
  CHECK(has(keys, "audience"));
  CHECK(has(keys, "end_date"));
  CHECK(keys.back() == "explanation");
  std::map<std::string, std::string> values = {{"keep", "instagram"},
                                               {"audience", "parents"},
                                               {"end_date", "2026-11-01"},
                                               {"conditions", "Comments turned off"},
                                               {"explanation", "Instagram only, for families"}};
  h.submit("m.okafor", "decision.modify", id, values);  // an end date in the past is sent back
  CHECK(h.store().request(id)->state == bot::RequestState::pending_decision);
  sent = h.take_sent();
  REQUIRE(form_of(sent, "decision.modify"));
  values["end_date"] = "2026-12-04";
  h.submit("m.okafor", "decision.modify", id, values);
  CHECK(h.store().request(id)->state == bot::RequestState::authorized_modified);
  auto terms = h.store().authorization_terms(id);
  REQUIRE(terms);
  CHECK(terms->audience == std::vector<std::string>{"parents"});
  CHECK(terms->end_date == "2026-12-04");
  h.take_sent();

  h.command("t.garcia", "status");
  const std::string status = h.take_sent().at(0).text;
  CHECK(status.find("Audience: Parents") != std::string::npos);
  CHECK(status.find("Comments turned off") != std::string::npos);
  CHECK(status.find("Ends: Fri Dec 4") != std::string::npos);
  CHECK(status.find("In force") != std::string::npos);

  // That night's digest tells her it ends within 14 days.
  h.bot().start_up();
  h.clock().set(la_time(2026, 11, 24, 19));
  h.bot().fire_due_timers();
  auto digest = BotHarness::to_person(h.take_sent(), "t.garcia");
  CHECK(BotHarness::any_contains(digest, "Your authorization " + id + " (Instagram) ends"));

  // After the end date it is no longer in force.
  h.clock().set(la_time(2026, 12, 5, 10));
  h.command("t.garcia", "status");
  const std::string later = h.take_sent().at(0).text;
  CHECK(later.find("You are authorized for: Nothing yet.") != std::string::npos);
  CHECK(later.find("Ended on Fri Dec 4") != std::string::npos);
}
