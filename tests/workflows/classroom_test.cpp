// Issue 21: classroom use with its checklist and parent letter, consent for student media, the
// daily moderation reminder, the policy's acknowledgement, and associated persons. Played as the
// people would: commands, button presses and forms from the console, messages read from the outbox.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "app/adapter_registry.hpp"
#include "bot/district/config_loader.hpp"
#include "tests/support/bot_harness.hpp"
#include "tests/support/config_files.hpp"
#include "tests/support/platform_rules.hpp"
#include "tests/support/temp_dir.hpp"

using test_support::BotHarness;
using test_support::la_time;

namespace {

const std::string kPictures = "Post pictures of my class projects and let students comment on them";

// A class account: Instagram, for students and parents, students interacting.
std::string file_class_request(BotHarness& h, const std::string& person, const std::string& objectives = kPictures,
                               const std::string& interact = "yes", const std::string& audience = "students,parents") {
  h.command(person, "request");
  h.submit(person, "request.platforms", "",
           {{"platforms", "instagram"}, {"audience", audience}, {"students_interact", interact}});
  h.submit(person, "request.objectives", "", {{"objectives.instagram", objectives}});
  h.click(person, "confirm", "");
  auto mine = h.store().requests_of(person);
  REQUIRE(!mine.empty());
  return mine.back().id;
}

std::string authorized_class_request(BotHarness& h, const std::string& teacher = "t.garcia",
                                     const std::string& principal = "r.alvarez",
                                     const std::string& objectives = kPictures) {
  std::string id = file_class_request(h, teacher, objectives);
  h.click(principal, "endorse", id);
  h.click("m.okafor", "authorize", id);
  REQUIRE(h.store().request(id)->state == bot::RequestState::authorized);
  return id;
}

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

std::string all_text(const std::vector<test_support::Sent>& sent) {
  std::string out;
  for (const auto& s : sent) out += s.text + "\n";
  return out;
}

// The sample district with its classroom settings changed.
bot::District district_with(const std::function<void(bot::ClassroomSettings&)>& change) {
  auto d = app::load_district(bot::sample_config_path(), std::cerr);
  if (!d) throw std::runtime_error("the sample district does not load");
  change(d->config.classroom);
  return std::move(*d);
}

}  // namespace

TEST_CASE("an authorized class request carries the policy's conditions and a checklist the principal confirms",
          "[unit][classroom]") {
  BotHarness h;
  std::string id = file_class_request(h, "t.garcia");
  h.click("r.alvarez", "endorse", id);
  // Before deciding, the superintendent's card says the consent clauses apply.
  auto cards = BotHarness::to_place(h.take_sent(), "superintendent");
  REQUIRE(!cards.empty());
  CHECK(contains(cards.back().text, "Consent for student media"));

  h.click("m.okafor", "authorize", id);
  auto sent = h.take_sent();
  const std::string teresa = all_text(BotHarness::to_person(sent, "t.garcia"));
  // The decision letter quotes the conditions, verbatim, with citations.
  CHECK(contains(teresa, "Conditions of classroom use"));
  CHECK(contains(teresa, "The site administrator and parents must be notified of all classroom social media use."));
  CHECK(contains(teresa, "the site administrator or designee shall have administrative access"));
  CHECK(contains(teresa, "Prior to communicating with students through social media, the employee must provide"));
  CHECK(contains(teresa, "the comments must be moderated and monitored daily"));
  CHECK(contains(teresa, "LAUSD BUL-5688.2, §II"));
  // … and the consent clauses, for "pictures of my class".
  CHECK(
      contains(teresa, "without the written, informed consent of the child's parent/legal guardian and the principal"));
  CHECK(contains(teresa, "Photographs of groups of students, such as at a school event, may be published"));
  // The checklist, each item quoted, waiting for the principal where she confirms.
  CHECK(contains(teresa, "Before you use Instagram with students (" + id + ")"));
  CHECK(contains(teresa, "to do — Parents notified"));
  CHECK(contains(teresa, "waiting for Rosa Alvarez to confirm"));
  CHECK(contains(teresa, "Consent forms on file"));
  CHECK(contains(teresa, "[Draft the parent letter]"));
  // Rosa (Spanish) is asked in her approvals place, in the request's thread, never for the password.
  auto site = BotHarness::to_place(sent, "site:lincoln");
  const std::string lincoln = all_text(site);
  CHECK(contains(lincoln, "[Tengo acceso de administrador]"));
  CHECK(contains(lincoln, "[Tengo los datos de acceso]"));
  CHECK(contains(lincoln, "Nunca escriba una contraseña en el chat"));
  CHECK(contains(lincoln, "0 de 4 hechos; pendiente: padres notificados"));

  // The parent letter, in English and Spanish, with the account and its purpose.
  h.click("t.garcia", "classroom.letter", id);
  const std::string letter = all_text(BotHarness::replies_to(h.take_sent(), "t.garcia"));
  CHECK(contains(letter, "Dear parents and guardians,"));
  CHECK(contains(letter, "Estimadas familias:"));
  CHECK(contains(letter, "our class at Lincoln Elementary School will use Instagram"));
  CHECK(contains(letter, "nuestra clase de Lincoln Elementary School usará Instagram"));
  CHECK(contains(letter, kPictures));
  CHECK(contains(letter, "Send it through the school's usual channel"));

  h.click("t.garcia", "classroom.parents", id);
  sent = h.take_sent();
  CHECK(BotHarness::any_contains(BotHarness::replies_to(sent, "t.garcia"), "Recorded: parents notified (" + id + ")"));
  CHECK(BotHarness::any_contains(BotHarness::to_place(sent, "site:lincoln"), "1 de 4 hechos"));

  // Only the site's principal confirms access and login; a teacher is refused.
  h.click("s.patel", "classroom.access", id);
  CHECK(BotHarness::any_contains(BotHarness::replies_to(h.take_sent(), "s.patel"),
                                 "Only a principal of Lincoln Elementary School can confirm"));
  h.click("r.alvarez", "classroom.access", id);
  h.command("r.alvarez", "checklist " + id + " login");
  sent = h.take_sent();
  CHECK(BotHarness::any_contains(BotHarness::replies_to(sent, "r.alvarez"),
                                 "Registrado: datos de acceso al director/a (" + id + ")"));
  CHECK(BotHarness::any_contains(BotHarness::to_person(sent, "t.garcia"),
                                 "Rosa Alvarez confirmed: administrator access (" + id + ")"));
  CHECK(BotHarness::any_contains(BotHarness::to_person(sent, "t.garcia"),
                                 "Rosa Alvarez confirmed: login to the principal (" + id + ")"));

  // Consent: the teacher confirms; only that and when is kept.
  h.command("t.garcia", "checklist " + id + " consent");
  sent = h.take_sent();
  CHECK(BotHarness::any_contains(BotHarness::replies_to(sent, "t.garcia"),
                                 "Hallpass keeps only that you confirmed, and when: never names, photos or forms."));
  CHECK(BotHarness::any_contains(BotHarness::to_person(sent, "t.garcia"),
                                 "Everything on the checklist is done: you may use Instagram with students."));
  CHECK(BotHarness::any_contains(BotHarness::to_place(sent, "site:lincoln"), "Completa (4 de 4)"));
  auto c = h.store().classroom_checklist(id);
  REQUIRE(c);
  CHECK(c->done());
  CHECK(c->admin_access_by == "r.alvarez");
  CHECK(c->consent_confirmed);
  auto actions = h.audit_actions(id);
  CHECK(std::count(actions.begin(), actions.end(), "refused:classroom_not_principal") == 1);
  CHECK(std::find(actions.begin(), actions.end(), "classroom.consent") != actions.end());
}

TEST_CASE("the principal sees an unfinished checklist in the digest until it is done", "[unit][classroom][digest]") {
  BotHarness h;
  h.bot().start_up();
  std::string id = authorized_class_request(h);
  h.take_sent();
  h.clock().set(la_time(2026, 11, 24, 19));
  h.bot().fire_due_timers();
  auto rosa = BotHarness::to_person(h.take_sent(), "r.alvarez");
  REQUIRE(rosa.size() == 1);
  CHECK(contains(rosa[0].text, id + " Lista de verificación de clase de Teresa Garcia (Instagram)"));
  CHECK(contains(rosa[0].text, "acceso de administrador"));

  for (const auto& [who, item] : std::vector<std::pair<std::string, std::string>>{
           {"t.garcia", "parents"}, {"r.alvarez", "access"}, {"r.alvarez", "login"}, {"t.garcia", "consent"}})
    h.click(who, "classroom." + item, id);
  h.take_sent();
  h.clock().set(la_time(2026, 11, 25, 19));
  h.bot().fire_due_timers();
  CHECK(!BotHarness::any_contains(BotHarness::to_person(h.take_sent(), "r.alvarez"), "Lista de verificación"));
}

TEST_CASE("a class account with comments gets a moderation reminder each school morning until switched off",
          "[unit][classroom][moderation]") {
  BotHarness h;
  std::string id = authorized_class_request(h);  // Tue Nov 24, 10:00
  h.take_sent();
  h.clock().set(la_time(2026, 11, 25, 7, 30));
  h.bot().fire_due_timers();
  auto sent = BotHarness::to_person(h.take_sent(), "t.garcia");
  REQUIRE(sent.size() == 1);
  CHECK(contains(sent[0].text, "Daily moderation: check today's comments on Instagram (" + id + ")"));
  CHECK(contains(sent[0].text, "moderated and monitored daily"));
  CHECK(contains(sent[0].text, "[Stop this reminder]"));

  // Friday's reminder, then none on the weekend: the next is Monday's.
  h.clock().set(la_time(2026, 11, 27, 7, 30));
  h.bot().fire_due_timers();
  CHECK(BotHarness::to_person(h.take_sent(), "t.garcia").size() == 1);
  h.clock().set(la_time(2026, 11, 29, 12));
  h.bot().fire_due_timers();
  CHECK(BotHarness::to_person(h.take_sent(), "t.garcia").empty());

  h.click("t.garcia", "classroom.moderation_off", id);
  CHECK(BotHarness::any_contains(BotHarness::replies_to(h.take_sent(), "t.garcia"),
                                 "The daily moderation reminder for " + id + " is off."));
  h.clock().set(la_time(2026, 11, 30, 8));
  h.bot().fire_due_timers();
  CHECK(BotHarness::to_person(h.take_sent(), "t.garcia").empty());

  h.command("t.garcia", "moderation on " + id);
  h.clock().set(la_time(2026, 12, 1, 8));
  h.bot().fire_due_timers();
  CHECK(BotHarness::any_contains(BotHarness::to_person(h.take_sent(), "t.garcia"), "Daily moderation"));
}

TEST_CASE("a revoked class authorization gets no more moderation reminders",
          "[unit][classroom][moderation][registry]") {
  BotHarness h;
  std::string id = authorized_class_request(h);  // Tue Nov 24, 10:00
  h.take_sent();
  h.command("d.lee", "revoke " + id + " because the page posted student names");
  h.take_sent();
  h.clock().set(la_time(2026, 11, 25, 7, 30));
  h.bot().fire_due_timers();
  CHECK_FALSE(BotHarness::any_contains(BotHarness::to_person(h.take_sent(), "t.garcia"), "Daily moderation"));
}

TEST_CASE("the moderation reminder speaks the teacher's language, and can go in the digest instead",
          "[unit][classroom][moderation]") {
  SECTION("morning, in Spanish") {
    BotHarness h;
    std::string id = authorized_class_request(h, "l.morales", "j.chen");
    h.take_sent();
    h.clock().set(la_time(2026, 11, 25, 7, 30));
    h.bot().fire_due_timers();
    CHECK(BotHarness::any_contains(BotHarness::to_person(h.take_sent(), "l.morales"),
                                   "Moderación diaria: revise los comentarios de hoy en Instagram (" + id + ")"));
  }
  SECTION("in the nightly digest") {
    static const bot::District district =
        district_with([](bot::ClassroomSettings& c) { c.moderation_reminder = "digest"; });
    BotHarness h({}, la_time(2026, 11, 24, 10), &district);
    h.bot().start_up();
    std::string id = authorized_class_request(h);
    h.take_sent();
    h.clock().set(la_time(2026, 11, 24, 19));
    h.bot().fire_due_timers();
    auto teresa = BotHarness::to_person(h.take_sent(), "t.garcia");
    REQUIRE(teresa.size() == 1);
    CHECK(contains(teresa[0].text, id + " Daily moderation: check the comments on Instagram"));
    h.clock().set(la_time(2026, 11, 25, 7, 30));
    h.bot().fire_due_timers();
    CHECK(!BotHarness::any_contains(BotHarness::to_person(h.take_sent(), "t.garcia"), "Daily moderation"));
  }
}

TEST_CASE("a question about students' photos quotes the consent clauses and offers the confirmation",
          "[unit][classroom][consent]") {
  BotHarness h;
  std::string id = authorized_class_request(h, "t.garcia", "r.alvarez", "Share our reading goals with families");
  CHECK_FALSE(h.store().classroom_checklist(id)->consent_needed);
  h.take_sent();
  h.command("t.garcia", "ask Can I post photos of my students on the class account?");
  auto reply = all_text(BotHarness::replies_to(h.take_sent(), "t.garcia"));
  CHECK(contains(reply, "the policy asks for the written consent of their parents or guardians"));
  CHECK(contains(reply, "without the written, informed consent"));
  CHECK(contains(reply, "[Consent forms are on file (" + id + ")]"));
  h.click("t.garcia", "classroom.consent", id);
  CHECK(BotHarness::any_contains(BotHarness::replies_to(h.take_sent(), "t.garcia"),
                                 "you confirmed that the consent forms are on file for " + id));
  CHECK(h.store().classroom_checklist(id)->consent_confirmed);

  h.command("l.morales", "ask ¿Puedo publicar fotos de mis estudiantes?");
  CHECK(BotHarness::any_contains(BotHarness::replies_to(h.take_sent(), "l.morales"),
                                 "la política pide el consentimiento por escrito"));
}

TEST_CASE("a request for staff only gets no checklist", "[unit][classroom]") {
  BotHarness h;
  std::string id = file_class_request(h, "t.garcia", "Staff announcements", "no", "staff");
  h.click("r.alvarez", "endorse", id);
  h.click("m.okafor", "authorize", id);
  CHECK_FALSE(h.store().classroom_checklist(id));
  CHECK(!BotHarness::any_contains(h.take_sent(), "Conditions of classroom use"));
}

TEST_CASE("a volunteer asks and reports but is refused a request unless the district allows it",
          "[unit][classroom][associated]") {
  BotHarness h;
  h.command("v.santos", "ask Can I post photos of the team after the game?");
  auto asked = all_text(BotHarness::replies_to(h.take_sent(), "v.santos"));
  CHECK(contains(asked, "consent"));
  h.command("v.santos", "report");
  auto reported = BotHarness::replies_to(h.take_sent(), "v.santos");
  REQUIRE(!reported.empty());
  CHECK(!BotHarness::any_contains(reported, "associated person"));

  h.command("v.santos", "request Instagram: team news");
  CHECK(BotHarness::any_contains(BotHarness::replies_to(h.take_sent(), "v.santos"),
                                 "As an associated person (a volunteer, walk-on coach or contractor) you cannot "
                                 "request a District social media account here."));
  CHECK_FALSE(h.store().draft("v.santos"));
  h.click("v.santos", "confirm", "");
  CHECK(h.store().requests_of("v.santos").empty());

  static const bot::District allowed =
      district_with([](bot::ClassroomSettings& c) { c.associated_may_request = true; });
  BotHarness open({}, la_time(2026, 11, 24, 10), &allowed);
  open.command("v.santos", "request Instagram: team news");
  CHECK(open.store().draft("v.santos"));
}

TEST_CASE("the policy is sent to a site, two acknowledge, and the report shows the rest", "[unit][acknowledgement]") {
  BotHarness h;
  h.bot().start_up();
  h.command("t.garcia", "policy send all");
  CHECK(BotHarness::any_contains(BotHarness::replies_to(h.take_sent(), "t.garcia"),
                                 "Only the superintendent's office or the IT lead can send the policy"));

  h.command("h.nguyen", "policy send site lincoln");
  auto sent = h.take_sent();
  CHECK(BotHarness::any_contains(BotHarness::replies_to(sent, "h.nguyen"),
                                 "Sent the policy to 3 people (Lincoln Elementary School)"));
  auto rosa = BotHarness::to_person(sent, "r.alvarez");
  REQUIRE(rosa.size() == 1);
  CHECK(contains(rosa[0].text, "La política de redes sociales del Distrito: léala, por favor"));
  CHECK(contains(rosa[0].text, "[La he leído]"));
  auto sam = BotHarness::to_person(sent, "s.patel");
  REQUIRE(sam.size() == 1);
  CHECK(contains(sam[0].text, "Never post a student's photo"));
  CHECK(contains(sam[0].text, "[Read the full text]"));
  CHECK(BotHarness::to_person(sent, "j.chen").empty());

  h.click("s.patel", "acknowledgement.full", "lausd-bul-5688.2");
  auto full = BotHarness::replies_to(h.take_sent(), "s.patel");
  REQUIRE(full.size() > 1);
  CHECK(contains(full[0].text, "Social Media Policy for Employees and Associated Persons (LAUSD BUL-5688.2)"));
  CHECK(BotHarness::any_contains(full, "The site administrator and parents must be notified"));

  h.click("t.garcia", "acknowledgement.ack", "lausd-bul-5688.2");
  CHECK(BotHarness::any_contains(BotHarness::replies_to(h.take_sent(), "t.garcia"),
                                 "Thank you. Recorded that you read the policy on Tue Nov 24."));
  h.command("r.alvarez", "policy read");
  CHECK(BotHarness::any_contains(BotHarness::replies_to(h.take_sent(), "r.alvarez"),
                                 "Gracias. Quedó registrado que leyó la política"));
  h.command("t.garcia", "policy read");
  CHECK(BotHarness::any_contains(BotHarness::replies_to(h.take_sent(), "t.garcia"), "You already confirmed"));

  h.command("r.alvarez", "policy report");
  auto report = all_text(BotHarness::replies_to(h.take_sent(), "r.alvarez"));
  CHECK(contains(report, "Confirmaciones de lectura de la política — Lincoln Elementary School"));
  CHECK(contains(report, "2 de 3 la han leído."));
  CHECK(contains(report, "Teresa Garcia: la leyó el mar 24 nov"));
  CHECK(contains(report, "Sam Patel: todavía no (enviada el mar 24 nov)"));
  CHECK(!contains(report, "James Chen"));
  h.command("m.okafor", "policy report");
  auto whole = all_text(BotHarness::replies_to(h.take_sent(), "m.okafor"));
  CHECK(contains(whole, "Policy acknowledgements — Roosevelt Middle School"));
  CHECK(contains(whole, "James Chen: not sent yet"));
  h.command("s.patel", "policy report");
  CHECK(BotHarness::any_contains(BotHarness::replies_to(h.take_sent(), "s.patel"), "Only principals (for their site)"));

  // The digest reminds the one who has not read it, and nobody else of it.
  h.clock().set(la_time(2026, 11, 24, 19));
  h.bot().fire_due_timers();
  sent = h.take_sent();
  CHECK(BotHarness::any_contains(BotHarness::to_person(sent, "s.patel"),
                                 "Read the District's social media policy and press \"I have read it\""));
  CHECK(!BotHarness::any_contains(BotHarness::to_person(sent, "t.garcia"), "social media policy and press"));
}

TEST_CASE("hallpass acknowledgements exports the report as CSV", "[unit][acknowledgement][cli]") {
  test_support::TempDir dir("acknowledgements-cli");
  const std::string db = dir.file("hallpass.db");
  {
    BotHarness h(db);
    h.command("m.okafor", "policy send site lincoln");
    h.click("t.garcia", "acknowledgement.ack", "lausd-bul-5688.2");
  }
  auto r =
      test_support::run_command(std::string(HALLPASS_BINARY) + " acknowledgements --site lincoln --db " + db + " 2>&1");
  CHECK(r.exit_code == 0);
  CHECK(contains(r.output, "site,person,name,title,sent_at,acknowledged_at\n"));
  CHECK(contains(r.output, "lincoln,t.garcia,Teresa Garcia,\"Teacher, grade 4\",2026-11-24T10:00,2026-11-24T10:00\n"));
  CHECK(contains(r.output, "lincoln,s.patel,Sam Patel,\"Teacher, grade 2\",2026-11-24T10:00,\n"));
  CHECK(!contains(r.output, "j.chen"));
  auto bad =
      test_support::run_command(std::string(HALLPASS_BINARY) + " acknowledgements --site nowhere --db " + db + " 2>&1");
  CHECK(bad.exit_code == 2);
  CHECK(contains(bad.output, "there is no site 'nowhere'"));
}

TEST_CASE("with the district's choice, a new person gets the policy on their first message",
          "[unit][acknowledgement]") {
  SECTION("off (the default): nothing changes") {
    BotHarness h;
    h.command("j.chen", "status");
    CHECK(!BotHarness::any_contains(h.take_sent(), "social media policy: please read it"));
  }
  SECTION("on") {
    static const bot::District district =
        district_with([](bot::ClassroomSettings& c) { c.acknowledgement_on_first_message = true; });
    BotHarness h({}, la_time(2026, 11, 24, 10), &district);
    h.command("l.morales", "status");
    auto sent = h.take_sent();
    CHECK(BotHarness::any_contains(BotHarness::to_person(sent, "l.morales"),
                                   "Bienvenido/a a Hallpass. Antes que nada, aquí tiene la política"));
    CHECK(sent.size() >= 2);  // and the status they asked for
    h.command("l.morales", "status");
    CHECK(!BotHarness::any_contains(h.take_sent(), "Bienvenido/a a Hallpass"));
  }
}

TEST_CASE("classroom settings with a typo are refused with the line and what to write", "[unit][classroom][config]") {
  std::ifstream in(bot::sample_config_path());
  std::stringstream text;
  text << in.rdbuf();
  std::string yaml = text.str();
  const std::string at = "  moderation_days: [mon, tue, wed, thu, fri]";
  REQUIRE(yaml.find(at) != std::string::npos);
  yaml.replace(yaml.find(at), at.size(), "  moderation_days: [mon, funday]");
  auto r = bot::load_district_config_text(yaml, bot::sample_config_path(), test_support::platform_rules());
  CHECK_FALSE(r.config);
  bool found = false;
  for (const auto& e : r.errors) found = found || contains(e.message, "\"funday\" is not a day");
  CHECK(found);

  std::string other = text.str();
  const std::string policy = "  acknowledgement_policy: lausd-bul-5688.2";
  REQUIRE(other.find(policy) != std::string::npos);
  other.replace(other.find(policy), policy.size(), "  acknowledgement_policy: lausd-5688");
  auto refused = bot::load_district_config_text(other, bot::sample_config_path(), test_support::platform_rules());
  CHECK_FALSE(refused.config);
  found = false;
  for (const auto& e : refused.errors) found = found || contains(e.message, "which is not one of the documents");
  CHECK(found);

  auto ok = bot::load_district_config_text(text.str(), bot::sample_config_path(), test_support::platform_rules());
  REQUIRE(ok.config);
  CHECK(ok.config->classroom.moderation_time == "07:30");
  CHECK(ok.config->classroom.moderation_days == std::vector<unsigned>{1, 2, 3, 4, 5});
  CHECK_FALSE(ok.config->classroom.associated_may_request);
}

TEST_CASE("a checklist button typed as a command does what the button does", "[unit][classroom]") {
  BotHarness h;
  std::string id = authorized_class_request(h);
  h.take_sent();
  h.command("t.garcia", "classroom.parents " + id);
  CHECK(BotHarness::any_contains(BotHarness::replies_to(h.take_sent(), "t.garcia"), "Recorded: parents notified"));
  h.command("r.alvarez", "classroom.login " + id);
  CHECK(h.store().classroom_checklist(id)->login_given);
  h.command("s.patel", "acknowledgement.ack");
  CHECK(h.store().policy_acknowledgement("s.patel")->acknowledged_at);
}
