// The registry of official accounts: registration after authorization, the password refusal, the
// lists and export, renewal, booster clubs, and authorizations that narrow, end, are suspended or revoked.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "bot/model/secret_text.hpp"
#include "tests/support/bot_harness.hpp"
#include "tests/support/temp_dir.hpp"

using test_support::BotHarness;
using test_support::la_time;

namespace {

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

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
  h.submit(
      "t.garcia", "registry.register", id + "/youtube",
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
    for (const auto& e : h.store().outbox_entries())
      CHECK(e.outbound.message.plain_text().find(secret) == std::string::npos);
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
  using bot::looks_like_password;
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
  for (std::string_view column : {"password", "username", "credential"})
    CHECK(header.find(column) == std::string::npos);
  CHECK(has(h.audit_actions("registry"), "registry.exported"));
  // A teacher cannot export.
  h.command("s.patel", "accounts export");
  CHECK(BotHarness::any_contains(h.take_sent(), "The export is for principals"));
}

TEST_CASE("a revoked authorization is no longer in force, and both people are told",
          "[unit][registry][authorization]") {
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

TEST_CASE("on the renewal date the owner is asked; unconfirmed accounts reach the principal, then the superintendent",
          "[unit][registry][renewal]") {
  BotHarness h;
  std::string id = authorized_request(h);
  h.submit("t.garcia", "registry.register", id + "/instagram", registration("@lincoln4th"));
  CHECK(h.store().account("A-1001")->confirmed_year == "2026–27");
  h.bot().start_up();
  h.take_sent();

  // The sample district's renewal date is Aug 15: the owner is asked that morning.
  h.clock().set(la_time(2027, 8, 15, 8, 5));
  h.bot().fire_due_timers();
  h.bot().fire_due_timers();
  auto sent = h.take_sent();
  auto ask = BotHarness::to_person(sent, "t.garcia");
  REQUIRE(BotHarness::any_contains(ask, "Official account renewal, school year 2027–28"));
  CHECK(BotHarness::any_contains(ask, "[Still active]  [New monitor]  [It was closed]"));
  CHECK(h.store().account("A-1001")->renewal_asked == "2027–28");
  CHECK(has(h.audit_actions("A-1001"), "account.renewal_asked"));

  // Not that night's digest of the principal: the next night's.
  h.clock().set(la_time(2027, 8, 15, 19));
  h.bot().fire_due_timers();
  CHECK_FALSE(BotHarness::any_contains(BotHarness::to_person(h.take_sent(), "r.alvarez"), "@lincoln4th"));
  h.clock().set(la_time(2027, 8, 16, 19));
  h.bot().fire_due_timers();
  sent = h.take_sent();
  auto digest = BotHarness::to_person(sent, "r.alvarez");
  CHECK(BotHarness::any_contains(digest,
                                 "Instagram @lincoln4th (A-1001) de Teresa Garcia no está confirmada para 2027–28"));
  CHECK_FALSE(BotHarness::any_contains(BotHarness::to_place(sent, "superintendent"), "@lincoln4th"));
  // A week after the ask: in the superintendent's summary as well.
  h.clock().set(la_time(2027, 8, 22, 19));
  h.bot().fire_due_timers();
  h.bot().fire_due_timers();
  sent = h.take_sent();
  CHECK(BotHarness::any_contains(BotHarness::to_place(sent, "superintendent"), "Official accounts not confirmed"));
  CHECK(BotHarness::any_contains(BotHarness::to_place(sent, "superintendent"), "@lincoln4th"));

  // "It was closed": the account leaves the registry with the date and who closed it.
  h.click("t.garcia", "account_closed", "A-1001");
  auto a = h.store().account("A-1001");
  CHECK(a->state == bot::AccountState::closed);
  CHECK(a->closed_by == "t.garcia");
  CHECK(h.store().registered_accounts("lincoln").empty());
  sent = h.take_sent();
  CHECK(BotHarness::any_contains(BotHarness::replies_to(sent, "t.garcia"),
                                 "left the registry on Sun Aug 22 (Teresa Garcia)"));
  CHECK(BotHarness::any_contains(BotHarness::to_place(sent, "site:lincoln"), "salió del registro"));
  CHECK(has(h.audit_actions("A-1001"), "account.closed"));
}

TEST_CASE("a renewal answered: still active, or a new monitor", "[unit][registry][renewal]") {
  BotHarness h;
  std::string id = authorized_request(h);
  h.submit("t.garcia", "registry.register", id + "/instagram", registration("@lincoln4th"));
  h.submit("t.garcia", "registry.register", id + "/youtube", registration("@lincoln4thvideo"));
  h.bot().start_up();
  h.clock().set(la_time(2027, 8, 15, 8, 5));
  h.bot().fire_due_timers();
  h.bot().fire_due_timers();
  h.take_sent();
  h.command("t.garcia", "account_active A-1001");  // typed, as on a platform without buttons
  CHECK(h.store().account("A-1001")->confirmed_year == "2027–28");
  CHECK(h.store().account("A-1001")->renewal_asked.empty());
  h.click("t.garcia", "account_monitor", "A-1002");
  REQUIRE(form_of(h.take_sent(), "registry.monitor"));
  h.submit("t.garcia", "registry.monitor", "A-1002", {{"monitors", "Sam Patel"}});
  auto b = h.store().account("A-1002");
  CHECK(b->monitors == std::vector<std::string>{"s.patel"});
  CHECK(b->confirmed_year == "2027–28");
  // Someone else's account cannot be answered for.
  h.click("n.kim", "account_active", "A-1002");
  CHECK(BotHarness::any_contains(h.take_sent(), "Only the owner, a monitor"));
}

TEST_CASE("a booster club's account is registered by its sponsor and acknowledged by the principal",
          "[unit][registry][booster]") {
  BotHarness h;
  h.command("s.patel", "booster");
  auto sent = h.take_sent();
  REQUIRE(form_of(sent, "registry.booster"));
  CHECK(BotHarness::any_contains(sent, "cannot use the school's name, logo, and/or mascot"));
  CHECK(BotHarness::any_contains(sent,
                                 "The Superintendent or designee shall approve content from outside organizations"));

  std::map<std::string, std::string> values = {{"group", "Eagles Football Boosters"},
                                               {"site", "lincoln"},
                                               {"platform", "facebook"},
                                               {"handle", "Lincoln Eagles Boosters"},
                                               {"address", "https://facebook.com/eaglesboosters"},
                                               {"monitors", "Sam Patel"},
                                               {"rules", "yes"},
                                               {"credentials", "yes"}};
  h.submit("s.patel", "registry.booster", "", values);  // the school's name: sent back
  sent = h.take_sent();
  CHECK(BotHarness::any_contains(sent, "cannot use the school's name, logo or mascot"));
  CHECK(h.store().registered_accounts("lincoln").empty());

  values["handle"] = "Eagles Football Boosters";
  h.submit("s.patel", "registry.booster", "", values);
  auto accounts = h.store().registered_accounts("lincoln");
  REQUIRE(accounts.size() == 1);
  CHECK(accounts[0].kind == "booster");
  CHECK(accounts[0].state == bot::AccountState::pending_ack);
  sent = h.take_sent();
  auto card = BotHarness::to_place(sent, "site:lincoln");
  REQUIRE(card.size() == 1);
  CHECK(card[0].text.find("[Reconocer]") != std::string::npos);

  h.command("r.alvarez", "accounts export");  // not approved yet: not exported
  CHECK_FALSE(BotHarness::any_contains(h.take_sent(), "A-1001,"));
  h.click("t.garcia", "booster_ack", "A-1001");  // not a principal
  CHECK(h.store().account("A-1001")->state == bot::AccountState::pending_ack);
  h.click("r.alvarez", "booster_ack", "A-1001");
  auto a = h.store().account("A-1001");
  CHECK(a->state == bot::AccountState::active);
  CHECK(a->acknowledged_by == "r.alvarez");
  sent = h.take_sent();
  auto updated = BotHarness::to_place(sent, "site:lincoln");
  REQUIRE(updated.size() == 1);
  CHECK(updated[0].outbound.update_key == "booster/A-1001");
  CHECK(BotHarness::any_contains(BotHarness::to_person(sent, "s.patel"), "Rosa Alvarez acknowledged"));
  CHECK(has(h.audit_actions("A-1001"), "account.booster_registered"));
  CHECK(has(h.audit_actions("A-1001"), "account.acknowledged"));
  h.command("r.alvarez", "accounts export");
  CHECK(BotHarness::any_contains(h.take_sent(), "A-1001,Lincoln Elementary School,Facebook,Eagles Football Boosters"));
}
