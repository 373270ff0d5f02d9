// What people write into requests and decisions, and how the decision reaches them: values kept
// whole, limits refused with the limit and the length (nothing lost), echoes bounded, bidi
// controls neutralised, and the decision standing out on every card and in the status.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "tests/support/bot_harness.hpp"

using test_support::BotHarness;
using test_support::Sent;

namespace {

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string repeat_words(std::size_t chars) {
  std::string out;
  while (out.size() < chars) out += "class news ";
  out.resize(chars);
  return out;
}

// The fields of a message as "label: value" lines of plain text.
std::string field_text(const Sent& s) {
  std::string out;
  for (const auto& b : s.outbound.message.blocks)
    for (const auto& f : b.fields) out += f.label + ": " + f.value + "\n";
  return out;
}

const Sent* card_update(const std::vector<Sent>& sent, const std::string& key) {
  for (const auto& s : sent)
    if (s.outbound.update_key == key) return &s;
  return nullptr;
}

void start_objectives(BotHarness& h, const std::string& person) {
  h.command(person, "request");
  h.submit(person, "request.platforms", "",
           {{"platforms", "instagram,youtube"}, {"audience", "parents"}, {"students_interact", "no"}});
  h.take_sent();
}

}  // namespace

TEST_CASE("an objective with ';' is recorded whole and the summary shows all of it", "[unit][request][forms]") {
  BotHarness h;
  start_objectives(h, "t.garcia");
  const std::string whole = "Share weekly class news; remind families about field trips";
  h.submit("t.garcia", "request.objectives", "",
           {{"objectives.instagram", whole}, {"objectives.youtube", "Post concert videos"}});
  auto summary = BotHarness::replies_to(h.take_sent(), "t.garcia");
  REQUIRE(summary.size() == 1);
  CHECK(summary[0].text.find(whole) != std::string::npos);
  h.click("t.garcia", "confirm", "");
  auto r = h.store().request("R-1001");
  REQUIRE(r);
  CHECK(r->plans.at(0).objectives == whole);
  CHECK(BotHarness::any_contains(BotHarness::to_place(h.take_sent(), "site:lincoln"), whole));
}

TEST_CASE("objectives over 1,000 characters come back in the form with the limit and the length",
          "[unit][request][forms]") {
  BotHarness h;
  start_objectives(h, "t.garcia");
  const std::string long_text = repeat_words(1500);
  h.submit("t.garcia", "request.objectives", "",
           {{"objectives.instagram", long_text}, {"objectives.youtube", "Post concert videos"}});
  auto sent = h.take_sent();
  REQUIRE(sent.size() == 1);
  const bot::Form* form = sent[0].outbound.message.find_form();
  REQUIRE(form);
  CHECK(form->form_id == "request.objectives");
  const auto& instagram = form->inputs.at(0);
  CHECK(instagram.initial == long_text);  // nothing lost: what was typed is in the form again
  CHECK(instagram.error.find("1500 characters") != std::string::npos);
  CHECK(instagram.error.find("the limit is 1000") != std::string::npos);
  CHECK(instagram.max_chars == 1000);  // the platforms that count show a counter and stop there
  CHECK(instagram.hint.find("at most 1000 characters") != std::string::npos);
  CHECK(form->inputs.at(1).error.empty());
  CHECK(form->inputs.at(1).initial == "Post concert videos");
  CHECK(!h.store().draft("t.garcia")->plans.at(0).objectives.starts_with("class news"));

  // Shortened, it goes through.
  h.submit("t.garcia", "request.objectives", "",
           {{"objectives.instagram", long_text.substr(0, 1000)}, {"objectives.youtube", "Post concert videos"}});
  auto summary = BotHarness::replies_to(h.take_sent(), "t.garcia");
  REQUIRE(summary.size() == 1);
  CHECK(summary[0].outbound.message.find_form() == nullptr);
  CHECK(h.store().draft("t.garcia")->plans.at(0).objectives.size() == 1000);
}

TEST_CASE("a note, explanation or answer over the limit is refused with the limit and the length",
          "[unit][request][forms][refusal]") {
  BotHarness h;
  std::string id = h.file_request("t.garcia");
  h.take_sent();
  const std::string long_note = repeat_words(1200);

  // Typed as a command: refused, nothing recorded; the text is still in the person's own message.
  h.command("r.alvarez", "return " + id + " " + long_note);
  auto refusal = BotHarness::replies_to(h.take_sent(), "r.alvarez");
  REQUIRE(refusal.size() == 1);
  CHECK(refusal[0].text.find("1200") != std::string::npos);
  CHECK(refusal[0].text.find("1000") != std::string::npos);
  CHECK(h.store().request(id)->state == bot::RequestState::pending_site);
  CHECK(has(h.audit_actions(id), "refused:too_long"));

  // Sent in the form: the form comes back with the note in it and the limit under it.
  h.submit("r.alvarez", "decision.return", id, {{"note", long_note}});
  auto again = BotHarness::replies_to(h.take_sent(), "r.alvarez");
  REQUIRE(again.size() == 1);
  const bot::Form* form = again[0].outbound.message.find_form();
  REQUIRE(form);
  CHECK(form->inputs.at(0).initial == long_note);
  CHECK(form->inputs.at(0).error.find("1200") != std::string::npos);
  CHECK(form->inputs.at(0).max_chars == 1000);
  CHECK(h.store().request(id)->state == bot::RequestState::pending_site);

  // The modification's explanation too, keeping the other answers.
  h.click("r.alvarez", "endorse", id);
  h.take_sent();
  h.submit("m.okafor", "decision.modify", id,
           {{"keep", "instagram"}, {"conditions", "Comments off"}, {"explanation", long_note}});
  auto modify = BotHarness::replies_to(h.take_sent(), "m.okafor");
  REQUIRE(modify.size() == 1);
  const bot::Form* modify_form = modify[0].outbound.message.find_form();
  REQUIRE(modify_form);
  for (const auto& in : modify_form->inputs) {
    if (in.key == "keep") CHECK(in.initial == "instagram");
    if (in.key == "conditions") CHECK(in.initial == "Comments off");
    if (in.key == "explanation") CHECK(in.error.find("1200") != std::string::npos);
  }
  CHECK(h.store().request(id)->state == bot::RequestState::pending_decision);
}

TEST_CASE("an unknown command is quoted back by a short prefix only", "[unit][forms]") {
  BotHarness h;
  h.command("t.garcia", std::string(60000, 'x'));
  auto reply = BotHarness::replies_to(h.take_sent(), "t.garcia");
  REQUIRE(reply.size() == 1);
  CHECK(reply[0].text.size() < 300);
  CHECK(reply[0].text.find(std::string(70, 'x') + "\u2026") != std::string::npos);
}

TEST_CASE("bidi controls in what people write do not reach the cards", "[unit][forms]") {
  BotHarness h;
  start_objectives(h, "t.garcia");
  // U+202E would show "gpj.exe" as "exe.jpg"; U+2066 and U+200F reorder too.
  const std::string hostile = "Photos \u202Egpj.exe\u202C of \u2066class\u2069 \u200Fwork";
  h.submit("t.garcia", "request.objectives", "", {{"objectives.instagram", hostile}, {"objectives.youtube", "Videos"}});
  h.click("t.garcia", "confirm", "");
  CHECK(h.store().request("R-1001")->plans.at(0).objectives == hostile);  // kept as written
  auto card = BotHarness::to_place(h.take_sent(), "site:lincoln");
  REQUIRE(card.size() == 1);
  const std::string fields = field_text(card[0]);
  CHECK(fields.find("Photos gpj.exe of class work") != std::string::npos);
  for (const char* control : {"\u202E", "\u202C", "\u2066", "\u2069", "\u200F"}) {
    CHECK(fields.find(control) == std::string::npos);
    CHECK(card[0].text.find(control) == std::string::npos);
  }
}

TEST_CASE("a decision reaches the requester at the top of her DM and every card shows it",
          "[unit][request][forms][decision]") {
  BotHarness h;
  std::string id = h.file_request("t.garcia");
  h.click("r.alvarez", "endorse", id);
  h.take_sent();
  h.submit("m.okafor", "decision.modify", id,
           {{"keep", "instagram"},
            {"objectives.instagram", "Weekly class projects, no student faces"},
            {"conditions", "Comments turned off"},
            {"explanation", "Video of students needs media releases"}});
  auto sent = h.take_sent();

  // The letter is at the top of the DM; the request's thread gets a line pointing to it.
  auto dm = BotHarness::to_person(sent, "t.garcia");
  const Sent* letter = nullptr;
  const Sent* in_thread = nullptr;
  for (const auto& s : dm) {
    if (s.text.find("Decision on your request " + id) != std::string::npos) letter = &s;
    if (s.outbound.thread_key == id) in_thread = &s;
  }
  REQUIRE(letter);
  CHECK(letter->outbound.thread_key.empty());
  const std::string letter_fields = field_text(*letter);
  CHECK(letter_fields.find("You may use: - **Instagram** — Weekly class projects, no student faces") !=
        std::string::npos);
  CHECK(letter_fields.find("Not authorized: YouTube") != std::string::npos);
  CHECK(letter_fields.find("Conditions: Comments turned off") != std::string::npos);
  CHECK(letter_fields.find("Explanation: Video of students needs media releases") != std::string::npos);
  REQUIRE(in_thread);
  CHECK(in_thread->text.find("decided this request") != std::string::npos);

  // The superintendent's card (English) and the approvals channel's card (Spanish, Rosa's).
  const Sent* sup = card_update(sent, id + "/superintendent");
  REQUIRE(sup);
  const std::string sup_fields = field_text(*sup);
  CHECK(sup_fields.find("Response: Authorized in a modified, more limited form") != std::string::npos);
  CHECK(sup_fields.find("Authorized: - **Instagram** — Weekly class projects, no student faces") != std::string::npos);
  CHECK(sup_fields.find("Not authorized: YouTube") != std::string::npos);
  CHECK(sup_fields.find("Conditions: Comments turned off") != std::string::npos);
  CHECK(sup_fields.find("Explanation: Video of students needs media releases") != std::string::npos);
  const Sent* site = card_update(sent, id + "/site");
  REQUIRE(site);
  const std::string site_fields = field_text(*site);
  CHECK(site_fields.find("Respuesta: Autorizada en una forma modificada y más limitada") != std::string::npos);
  CHECK(site_fields.find("No autorizado: YouTube") != std::string::npos);
  CHECK(site_fields.find("Explicación: Video of students needs media releases") != std::string::npos);

  // Status names exactly what is authorized.
  h.command("t.garcia", "status");
  auto status = BotHarness::replies_to(h.take_sent(), "t.garcia");
  REQUIRE(status.size() == 1);
  CHECK(status[0].text.find("Instagram: authorized in a modified form; not authorized: YouTube") != std::string::npos);
  CHECK(status[0].text.find("Instagram, YouTube: authorized") == std::string::npos);
}

TEST_CASE("a rejection shows on the cards with its explanation; the letter is at the top of the DM",
          "[unit][request][forms][decision]") {
  BotHarness h;
  std::string id = h.file_request("j.chen");  // a principal's request goes straight to the superintendent
  h.take_sent();
  h.command("d.lee", "reject " + id + " Class news belongs on the school website");
  auto sent = h.take_sent();
  const Sent* sup = card_update(sent, id + "/superintendent");
  REQUIRE(sup);
  const std::string fields = field_text(*sup);
  CHECK(fields.find("Response: Rejected") != std::string::npos);
  CHECK(fields.find("Not authorized: Instagram, YouTube") != std::string::npos);
  CHECK(fields.find("Explanation: Class news belongs on the school website") != std::string::npos);
  bool letter_at_top = false;
  for (const auto& s : BotHarness::to_person(sent, "j.chen"))
    letter_at_top =
        letter_at_top || (s.outbound.thread_key.empty() && s.text.find("rejected your request") != std::string::npos);
  CHECK(letter_at_top);
}
