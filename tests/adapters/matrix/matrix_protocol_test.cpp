// The pure Matrix protocol layer on captured sync payloads (tests/fixtures/matrix/).
#include "adapters/matrix/matrix_protocol.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "bot/model/markup.hpp"

namespace {

using namespace adapters::matrix;
using nlohmann::json;

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(HALLPASS_SOURCE_DIR) + "/tests/fixtures/matrix/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Context bot_context() { return Context{.bot_user_id = "@hallpass:example.org"}; }

}  // namespace

TEST_CASE("a sync response gives invites, joined rooms, encryption, gaps and left rooms", "[unit][matrix]") {
  auto batch = parse_sync(fixture("sync_commands.json"));
  REQUIRE(batch.has_value());
  CHECK(batch->next_batch == "s72595_4483_1934");
  REQUIRE(batch->invites.size() == 1);
  CHECK(batch->invites[0].room_id == "!dmroom:example.org");
  CHECK(batch->invites[0].inviter == "@tgarcia:example.org");
  CHECK(batch->invites[0].is_direct);
  REQUIRE(batch->joined.size() == 2);
  const JoinedRoom& approvals =
      batch->joined[0].room_id == "!approvals:example.org" ? batch->joined[0] : batch->joined[1];
  const JoinedRoom& secret = batch->joined[0].room_id == "!secret:example.org" ? batch->joined[0] : batch->joined[1];
  CHECK(approvals.limited);
  CHECK(approvals.prev_batch == "t34-23535_0_0");
  CHECK_FALSE(approvals.encrypted);
  CHECK(secret.encrypted);
  CHECK(batch->left == std::vector<std::string>{"!old:example.org"});
  CHECK_FALSE(parse_sync("{\"rooms\":{}}").has_value());
  CHECK_FALSE(parse_sync("not json").has_value());
}

TEST_CASE("message events become commands, form answers and messages; notices, own events and edits do not",
          "[unit][matrix]") {
  auto batch = parse_sync(fixture("sync_commands.json"));
  REQUIRE(batch.has_value());
  auto events = inbound_events(*batch, bot_context());
  REQUIRE(events.size() == 4);

  const auto& endorse = events[0];
  CHECK(endorse.platform == "matrix");
  CHECK(endorse.event_id == "$cmd1");
  CHECK(endorse.actor == "@ralvarez:example.org");
  CHECK(endorse.kind == bot::InboundKind::command);
  CHECK(endorse.text == "endorse R-1001");
  CHECK(endorse.place.channel == "!approvals:example.org");
  CHECK(endorse.place.thread_ref == "$root1");
  CHECK_FALSE(endorse.place.direct);

  const auto& reply = events[1];  // rich-reply fallback stripped; /socialmedia accepted too
  CHECK(reply.event_id == "$reply1");
  CHECK(reply.kind == bot::InboundKind::command);
  CHECK(reply.text == "status");

  const auto& mention = events[2];
  CHECK(mention.kind == bot::InboundKind::message);
  CHECK(mention.mentions_bot);
  CHECK(mention.text == "Hallpass: may I post photos of a class trip?");

  const auto& form = events[3];
  CHECK(form.kind == bot::InboundKind::form_submission);
  CHECK(form.form_id == "request.platforms");
  CHECK(form.form_context.empty());
  CHECK(form.values.at("platforms") == "instagram,youtube");
  CHECK(form.values.at("audience") == "parents,students");
  CHECK(form.values.at("students_interact") == "no");
}

TEST_CASE("a room in the direct set makes its events direct", "[unit][matrix]") {
  json ev = {{"type", "m.room.message"},
             {"sender", "@tgarcia:example.org"},
             {"event_id", "$d1"},
             {"content", {{"msgtype", "m.text"}, {"body", "can I use TikTok?"}}}};
  Context ctx = bot_context();
  ctx.direct_rooms.insert("!dm:example.org");
  auto in = to_inbound(ev, "!dm:example.org", ctx);
  REQUIRE(in);
  CHECK(in->place.direct);
  CHECK_FALSE(to_inbound(ev, "!other:example.org", ctx)->place.direct);
}

TEST_CASE("a command naming a shown button is that button's press", "[unit][matrix]") {
  json ev = {{"type", "m.room.message"},
             {"sender", "@tgarcia:example.org"},
             {"event_id", "$c1"},
             {"content", {{"msgtype", "m.text"}, {"body", "!socialmedia confirm"}}}};
  Context ctx = bot_context();
  CHECK(to_inbound(ev, "!dm:example.org", ctx)->kind == bot::InboundKind::command);
  ctx.button_actions = {"confirm"};
  auto in = to_inbound(ev, "!dm:example.org", ctx);
  CHECK(in->kind == bot::InboundKind::action);
  CHECK(in->action_id == "confirm");
  CHECK(in->action_value.empty());
  json typed = ev;
  typed["content"]["body"] = "!socialmedia confirm R-1001 with a note";
  CHECK(to_inbound(typed, "!dm:example.org", ctx)->kind == bot::InboundKind::command);
}

TEST_CASE("form answers parse with and without a context", "[unit][matrix]") {
  bot::Inbound a;
  REQUIRE(parse_form_answer("form decision.modify R-1001 explanation=Too many accounts; keep=instagram", a));
  CHECK(a.form_id == "decision.modify");
  CHECK(a.form_context == "R-1001");
  CHECK(a.values.at("explanation") == "Too many accounts");
  CHECK(a.values.at("keep") == "instagram");
  bot::Inbound b;
  REQUIRE(parse_form_answer("form incident.report kind=threat", b));
  CHECK(b.form_context.empty());
  CHECK(b.values.at("kind") == "threat");
  bot::Inbound c;
  CHECK_FALSE(parse_form_answer("formal request", c));
  CHECK(strip_reply_fallback("> <@a:b> hi\n\n!socialmedia help") == "!socialmedia help");
  CHECK(strip_reply_fallback("plain") == "plain");
}

TEST_CASE("a form answer keeps a ';' inside a value, and may give one field per line", "[unit][matrix]") {
  bot::Inbound one_line;
  REQUIRE(
      parse_form_answer("form request.objectives - objectives.instagram=Share weekly class news; remind families "
                        "about field trips; objectives.youtube=Post concert videos",
                        one_line));
  CHECK(one_line.values.at("objectives.instagram") == "Share weekly class news; remind families about field trips");
  CHECK(one_line.values.at("objectives.youtube") == "Post concert videos");

  bot::Inbound per_line;
  REQUIRE(
      parse_form_answer("form request.objectives -\nobjectives.instagram=Share weekly class news; remind families"
                        "\n  and students' parents\nobjectives.youtube=Post concert videos\\; key=value too",
                        per_line));
  CHECK(per_line.form_id == "request.objectives");
  CHECK(per_line.form_context.empty());
  CHECK(per_line.values.at("objectives.instagram") ==
        "Share weekly class news; remind families\n  and students' parents");
  CHECK(per_line.values.at("objectives.youtube") == "Post concert videos; key=value too");

  // The old one-line answers read as before.
  bot::Inbound old;
  REQUIRE(parse_form_answer(
      "form request.platforms - platforms=instagram,youtube; audience=parents; students_interact=no;", old));
  CHECK(old.values == std::map<std::string, std::string>{
                          {"platforms", "instagram,youtube"}, {"audience", "parents"}, {"students_interact", "no"}});
}

TEST_CASE("messages render as m.notice with escaped HTML, text buttons and form instructions", "[unit][matrix]") {
  bot::Message m;
  m.header("Request R-1001");
  m.paragraph("**Teresa** wrote: " + bot::markup::escape("<script>alert(1)</script> & [x](javascript:evil)"));
  m.paragraph("[a link](javascript:evil) and [the policy](https://example.org/bp)");
  m.fields({{"Platforms", "Instagram"}});
  m.buttons({{"endorse", "Endorse", "R-1001"}, {"return", "Return", "R-1001"}});
  bot::Form f;
  f.form_id = "request.platforms";
  f.title = "Platforms";
  f.inputs.push_back({.key = "platforms",
                      .label = "Which platforms?",
                      .kind = bot::InputKind::multi_choice,
                      .required = true,
                      .choices = {{"instagram", "Instagram"}, {"youtube", "YouTube"}}});
  m.form(f);
  auto contents = notice_contents(m, "$root", "");
  REQUIRE(contents.size() == 1);
  const json& c = contents[0];
  CHECK(c["msgtype"] == "m.notice");
  CHECK(c["format"] == "org.matrix.custom.html");
  std::string body = c["body"];
  std::string html = c["formatted_body"];
  CHECK(body.find("Endorse: !socialmedia endorse R-1001") != std::string::npos);
  CHECK(body.find("!socialmedia form request.platforms - key=value; key=value") != std::string::npos);
  CHECK(body.find("instagram (Instagram), youtube (YouTube)") != std::string::npos);
  CHECK(html.find("<script>") == std::string::npos);
  CHECK(html.find("&lt;script&gt;") != std::string::npos);
  CHECK(html.find("<strong>Teresa</strong>") != std::string::npos);
  CHECK(html.find("href=\"javascript") == std::string::npos);
  CHECK(c["m.relates_to"]["rel_type"] == "m.thread");
  CHECK(c["m.relates_to"]["event_id"] == "$root");
  CHECK(html.find("<a href=\"https://example.org/bp\">the policy</a>") != std::string::npos);
  CHECK(button_actions(m) == std::set<std::string>{"endorse", "return"});

  auto edit = notice_contents(m, "", "$orig");
  REQUIRE(edit.size() == 1);
  CHECK(edit[0]["m.relates_to"]["rel_type"] == "m.replace");
  CHECK(edit[0]["m.relates_to"]["event_id"] == "$orig");
  CHECK(edit[0]["m.new_content"]["msgtype"] == "m.notice");
  CHECK(std::string(edit[0]["body"]).starts_with("* "));

  // The words around the fields are the reader's (the dispatcher fills them from prompts/).
  m.notes.form_required = "obligatorio";
  m.notes.form_any_of = "cualquiera de, separados por comas";
  const std::string spanish = notice_contents(m, "", "")[0]["body"];
  CHECK(spanish.find("platforms (obligatorio): Which platforms? — cualquiera de, separados por comas: instagram") !=
        std::string::npos);
  CHECK(spanish.find("(required)") == std::string::npos);
}

TEST_CASE("a card too long for one event stays one event, cut at a word, and its edit replaces all of it",
          "[unit][matrix]") {
  // Two 28 KB objectives once became five events cut mid-word, and edits then changed only the first.
  bot::Message m;
  m.header("Social media request R-1001");
  std::string words;
  while (words.size() < 28 * 1024) words += "weekly class news for families ";
  m.fields({{"Platforms and objectives",
             "- **Instagram** — " + bot::markup::escape(words) + "\n- **YouTube** — " + bot::markup::escape(words)}});
  m.context("Waiting for the principal's endorsement.");
  for (const std::string& replaces : {std::string(), std::string("$card")}) {
    auto contents = notice_contents(m, replaces.empty() ? "$root" : "", replaces, 40 * 1024);
    REQUIRE(contents.size() == 1);
    CHECK(contents[0].dump().size() <= 40 * 1024);
    const json& shown = replaces.empty() ? contents[0] : contents[0]["m.new_content"];
    const std::string body = shown["body"];
    CHECK(body.starts_with("Social media request R-1001"));
    // Cut after a whole word, with "…", and saying it was shortened.
    const size_t cut = body.find("\u2026");
    REQUIRE(cut != std::string::npos);
    const std::string before = body.substr(0, cut);
    CHECK((before.ends_with("weekly") || before.ends_with("class") || before.ends_with("news") ||
           before.ends_with("for") || before.ends_with("families")));
    CHECK(body.size() > 15 * 1024);  // as much as fits is kept
    CHECK(body.find("message shortened to fit") != std::string::npos);
    if (!replaces.empty()) CHECK(contents[0]["m.relates_to"]["event_id"] == "$card");
  }
  // Text that fits is left whole.
  bot::Message small;
  small.paragraph(bot::markup::escape("Share weekly class news; remind families about field trips"));
  CHECK(notice_contents(small, "", "")[0]["body"] == "Share weekly class news; remind families about field trips");
  CHECK(retry_after_ms(R"({"errcode":"M_LIMIT_EXCEEDED","error":"slow","retry_after_ms":2000})") == 2000);
  CHECK(retry_after_ms("{}") == 0);
}

TEST_CASE("an invite whose stripped state has m.room.encryption is an encrypted room", "[unit][matrix]") {
  // As Synapse sends it: the invite's stripped state carries the room's encryption.
  auto batch = parse_sync(R"({"next_batch":"s1","rooms":{"invite":{
    "!enc:example.org":{"invite_state":{"events":[
      {"type":"m.room.encryption","state_key":"","sender":"@tgarcia:example.org",
       "content":{"algorithm":"m.megolm.v1.aes-sha2"}},
      {"type":"m.room.member","state_key":"@hallpass:example.org","sender":"@tgarcia:example.org",
       "content":{"membership":"invite","is_direct":true}}]}},
    "!plain:example.org":{"invite_state":{"events":[
      {"type":"m.room.member","state_key":"@hallpass:example.org","sender":"@tgarcia:example.org",
       "content":{"membership":"invite","is_direct":true}}]}}}}})");
  REQUIRE(batch.has_value());
  REQUIRE(batch->invites.size() == 2);
  for (const auto& inv : batch->invites) {
    CHECK(inv.is_direct);
    CHECK(inv.encrypted == (inv.room_id == "!enc:example.org"));
  }
}
