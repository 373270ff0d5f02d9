// bot::Message → Adaptive Cards for Teams: structure, escaping, forms that come back as the
// submissions parse_activity understands, and the message size limit.
#include "adapters/teams/teams_cards.hpp"

#include <catch2/catch.hpp>
#include <functional>
#include <nlohmann/json.hpp>

#include "adapters/teams/teams_protocol.hpp"
#include "bot/model/markup.hpp"

using namespace adapters::teams;
using nlohmann::json;

namespace {

const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1741110000));

// Every element of the card (body, containers, action sets), depth first.
void each_element(const json& node, const std::function<void(const json&)>& f) {
  if (node.is_object()) {
    f(node);
    for (const char* key : {"body", "items", "actions"})
      if (node.contains(key)) each_element(node[key], f);
  } else if (node.is_array()) {
    for (const auto& n : node) each_element(n, f);
  }
}

std::vector<json> elements(const json& card, const std::string& type) {
  std::vector<json> out;
  each_element(card, [&](const json& e) {
    if (e.value("type", "") == type) out.push_back(e);
  });
  return out;
}

std::string all_text(const json& card) {
  std::string out;
  each_element(card, [&](const json& e) {
    if (e.contains("text") && e["text"].is_string()) out += e["text"].get<std::string>() + "\n";
    if (e.contains("facts"))
      for (const auto& f : e["facts"])
        out += f["title"].get<std::string>() + " " + f["value"].get<std::string>() + "\n";
  });
  return out;
}

bot::Message approval_card() {
  bot::Message m;
  m.header("Request R-1001: Lincoln High robotics club");
  m.paragraph("**Teresa Garcia** asks to post on _Instagram_. See [the policy](https://district.example/policy).");
  m.fields({{"Platforms", "Instagram, Facebook"}, {"Supervisor", "Ravi Patel"}});
  m.quote("Employees shall not post images of students without consent.", "BUL-5688.2, §I.1");
  m.context("Waiting for the principal since Monday.");
  m.buttons({{"endorse", "Endorse", "R-1001", bot::ButtonStyle::primary},
             {"return", "Return", "R-1001", bot::ButtonStyle::danger}});
  m.fallback = "Request R-1001 needs your decision";
  return m;
}

bot::Form explanation_form() {
  bot::Form f{.form_id = "decision.return", .context = "R-1001", .title = "Return the request", .submit_label = "Send"};
  f.inputs.push_back({.key = "explanation",
                      .label = "What should change?",
                      .kind = bot::InputKind::multiline,
                      .required = true,
                      .hint = "The requester sees this.",
                      .error = "Please explain the change."});
  f.inputs.push_back({.key = "platform",
                      .label = "Platform",
                      .kind = bot::InputKind::single_choice,
                      .choices = {{"instagram", "Instagram"}, {"facebook", "Facebook"}},
                      .initial = "facebook"});
  f.inputs.push_back({.key = "audience",
                      .label = "Audience",
                      .kind = bot::InputKind::multi_choice,
                      .choices = {{"parents", "Parents"}, {"students", "Students"}, {"staff", "Staff"}}});
  return f;
}

// What Teams sends back for a press of `action` with the given input values.
bot::Inbound submit(const json& action, const json& inputs, bool personal = true) {
  json value = action.at("data");
  for (const auto& [k, v] : inputs.items()) value[k] = v;
  json activity = {{"type", "message"},
                   {"id", "1741108329001"},
                   {"channelId", "msteams"},
                   {"serviceUrl", "https://smba.trafficmanager.net/amer/"},
                   {"from", {{"id", "29:abc"}}},
                   {"recipient", {{"id", "28:bot"}}},
                   {"conversation",
                    {{"id", personal ? "a:1xyz" : "19:c@thread.tacv2;messageid=1741108200777"},
                     {"conversationType", personal ? "personal" : "channel"}}},
                   {"replyToId", "1741108200777"},
                   {"value", value}};
  auto p = parse_activity(activity.dump(), kNow);
  REQUIRE(p.has_value());
  REQUIRE(p->inbound);
  return *p->inbound;
}

}  // namespace

TEST_CASE("a message becomes an Adaptive Card 1.5 in a message activity", "[unit][teams]") {
  const bot::Message m = approval_card();
  json activity = message_activity(m);
  CHECK(activity["type"] == "message");
  CHECK(activity["summary"] == "Request R-1001 needs your decision");
  REQUIRE(activity["attachments"].size() == 1);
  CHECK(activity["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive");
  const json& card = activity["attachments"][0]["content"];
  CHECK(card["type"] == "AdaptiveCard");
  CHECK(card["version"] == "1.5");
  CHECK(card["fallbackText"] == "Request R-1001 needs your decision");

  const json& body = card["body"];
  REQUIRE(body.size() == 6);
  CHECK(body[0]["type"] == "TextBlock");
  CHECK(body[0]["weight"] == "Bolder");
  CHECK(body[0]["text"] == "Request R-1001: Lincoln High robotics club");
  CHECK(body[1]["text"] ==
        "**Teresa Garcia** asks to post on _Instagram_. See [the policy](https://district.example/policy).");
  CHECK(body[2]["type"] == "FactSet");
  CHECK(body[2]["facts"][1] == json{{"title", "Supervisor"}, {"value", "Ravi Patel"}});
  CHECK(body[3]["type"] == "Container");
  CHECK(body[3]["items"][0]["text"] == "Employees shall not post images of students without consent.");
  CHECK(body[3]["items"][1]["text"] == "\xE2\x80\x94 BUL-5688.2, §I.1");
  CHECK(body[4]["isSubtle"] == true);
  CHECK(body[5]["type"] == "ActionSet");
  for (const auto& tb : elements(card, "TextBlock")) CHECK(tb["wrap"] == true);

  auto actions = elements(card, "Action.Submit");
  REQUIRE(actions.size() == 2);
  CHECK(actions[0]["title"] == "Endorse");
  CHECK(actions[0]["style"] == "positive");
  CHECK(actions[1]["style"] == "destructive");
  CHECK(actions[0]["data"] == json{{"hallpass", {{"kind", "action"}, {"action_id", "endorse"}, {"value", "R-1001"}}}});
  CHECK(actions[0]["associatedInputs"] == "none");
}

TEST_CASE("a pressed card button comes back as that action", "[unit][teams]") {
  auto actions = elements(render_card(approval_card()), "Action.Submit");
  REQUIRE(actions.size() == 2);
  bot::Inbound in = submit(actions[1], json::object(), false);
  CHECK(in.kind == bot::InboundKind::action);
  CHECK(in.action_id == "return");
  CHECK(in.action_value == "R-1001");
  CHECK(in.place.thread_ref == "1741108200777");
}

TEST_CASE("a form renders inputs, hints and errors, and its submission comes back intact", "[unit][teams]") {
  bot::Message m;
  m.paragraph("Tell Teresa what to change.");
  m.form(explanation_form());
  json card = render_card(m);

  auto texts = elements(card, "Input.Text");
  REQUIRE(texts.size() == 1);
  CHECK(texts[0]["id"] == "explanation");
  CHECK(texts[0]["label"] == "What should change?");
  CHECK(texts[0]["isMultiline"] == true);
  CHECK(texts[0]["isRequired"] == true);
  CHECK(texts[0]["errorMessage"] == "Please explain the change.");
  auto choices = elements(card, "Input.ChoiceSet");
  REQUIRE(choices.size() == 2);
  CHECK(choices[0]["id"] == "platform");
  CHECK(choices[0]["isMultiSelect"] == false);
  CHECK(choices[0]["value"] == "facebook");
  CHECK(choices[0]["choices"][0] == json{{"title", "Instagram"}, {"value", "instagram"}});
  CHECK(choices[1]["isMultiSelect"] == true);

  // The hint and the refusal are shown right under their input.
  const json& items = card["body"][1]["items"];
  CHECK(items[0]["text"] == "Return the request");
  CHECK(items[1]["type"] == "Input.Text");
  CHECK(items[2]["text"] == "The requester sees this.");
  CHECK(items[3]["text"] == "Please explain the change.");
  CHECK(items[3]["color"] == "Attention");

  auto actions = elements(card, "Action.Submit");
  REQUIRE(actions.size() == 1);
  CHECK(actions[0]["title"] == "Send");
  CHECK_FALSE(actions[0].contains("associatedInputs"));  // the submit button sends the inputs

  // Teams merges the inputs into the action's data, keyed by their ids.
  bot::Inbound in = submit(
      actions[0],
      {{"explanation", "Name the supervising teacher."}, {"platform", "instagram"}, {"audience", "parents,staff"}});
  CHECK(in.kind == bot::InboundKind::form_submission);
  CHECK(in.form_id == "decision.return");
  CHECK(in.form_context == "R-1001");
  CHECK(in.values == std::map<std::string, std::string>{{"audience", "parents,staff"},
                                                        {"explanation", "Name the supervising teacher."},
                                                        {"platform", "instagram"}});
}

TEST_CASE("user text cannot become a link, a mention, markup or a date function", "[unit][teams]") {
  const std::string hostile =
      "[Approve here](https://evil.example) <at>Dana Whitfield</at> **urgent** _x_ `code` "
      "{{DATE(2025-01-01T00:00:00Z)}} &amp; <https://evil.example>";
  bot::Message m;
  m.header(hostile);
  m.paragraph("Teresa wrote: " + bot::markup::escape(hostile) + " — see [the policy](https://district.example/p)");
  m.fields({{hostile, bot::markup::escape(hostile)}});
  m.quote(hostile, hostile);
  const std::string text = all_text(render_card(m));

  // Our own link is the only one.
  size_t links = 0;
  for (size_t at = text.find("]("); at != std::string::npos; at = text.find("](", at + 1)) ++links;
  CHECK(links == 1);
  CHECK(text.find("[the policy](https://district.example/p)") != std::string::npos);
  CHECK(text.find("<at>") == std::string::npos);
  CHECK(text.find("<https") == std::string::npos);
  CHECK(text.find("{{") == std::string::npos);
  CHECK(text.find("**urgent**") == std::string::npos);
  CHECK(text.find("\\*\\*urgent\\*\\*") != std::string::npos);
  CHECK(text.find("\\_x\\_") != std::string::npos);
  CHECK(text.find("\\`code\\`") != std::string::npos);
  CHECK(text.find("\\&amp;") != std::string::npos);

  // Line starts that would make lists or headings are escaped; a lone "-" inside a line is not.
  CHECK(escape_card_text("- not a list\n1. nor this\n# nor a heading\na - b") ==
        "\\- not a list\n\n1\\. nor this\n\n\\# nor a heading\n\na - b");
}

TEST_CASE("markup lists and line breaks as Teams shows them", "[unit][teams]") {
  CHECK(to_card_markdown("Steps:\n- ask\n- wait\nthen post") == "Steps:\n\n- ask\n- wait\n\nthen post");
  CHECK(to_card_markdown("one\n\ntwo") == "one\n\ntwo");
  CHECK(to_card_markdown("** spaced **") == " **spaced** ");
  // Only web and mail links are links.
  CHECK(to_card_markdown("[x](javascript:alert(1))").find("](javascript") == std::string::npos);
  CHECK(to_card_markdown("[a b](https://x.example/a b)") == "[a b](https://x.example/a%20b)");
}

TEST_CASE("a long quote is shortened to fit; the buttons stay", "[unit][teams]") {
  bot::Message m = approval_card();
  std::string passage;
  while (passage.size() < 100 * 1024) passage += "Employees shall obtain written consent before posting. ";
  m.blocks[3].text = passage;
  json activity = message_activity(m);
  CHECK(activity.dump().size() <= kMaxActivityBytes);
  const json& card = activity["attachments"][0]["content"];
  CHECK(elements(card, "Action.Submit").size() == 2);
  const std::string text = all_text(card);
  CHECK(text.find("Quote shortened to fit; the citation names the full text.") != std::string::npos);
  CHECK(text.find("BUL-5688.2") != std::string::npos);  // the citation says where the rest is
  CHECK(text.find("Ravi Patel") != std::string::npos);  // other blocks are untouched

  // Long text everywhere, and a form: still within the limit, with every input and button.
  bot::Message big;
  big.paragraph(passage);
  big.context(passage);
  big.fields({{"Objectives", passage}});
  big.form(explanation_form());
  big.buttons({{"authorize", "Authorize", "R-1001"},
               {"modify", "Modify", "R-1001"},
               {"more_info", "More", "R-1001"},
               {"reject", "Reject", "R-1001"}});
  json shortened = message_activity(big, 16 * 1024);
  CHECK(shortened.dump().size() <= 16 * 1024);
  const json& c = shortened["attachments"][0]["content"];
  CHECK(elements(c, "Action.Submit").size() == 5);
  CHECK(elements(c, "Input.Text").size() == 1);
  CHECK(elements(c, "Input.ChoiceSet").size() == 2);
  CHECK(all_text(c).find("message shortened to fit this chat platform.") != std::string::npos);

  // A message that fits is left alone.
  CHECK(message_activity(approval_card()) == message_activity(approval_card(), 1 << 30));
}

TEST_CASE("the notification summary", "[unit][teams]") {
  bot::Message m;
  m.header("Deadline tomorrow");
  m.paragraph("Request **R-1001** is due.");
  CHECK(summary_text(m) == "Deadline tomorrow\nRequest R-1001 is due.");
  m.fallback = "R-1001 is due tomorrow";
  CHECK(summary_text(m) == "R-1001 is due tomorrow");
  m.fallback = std::string(3000, 'x');
  CHECK(summary_text(m).size() <= kMaxSummaryBytes);

  bot::Message empty;
  empty.fallback = "Just text";
  json card = render_card(empty);
  REQUIRE(card["body"].size() == 1);
  CHECK(card["body"][0]["text"] == "Just text");
}

TEST_CASE("a bounded Input.Text has maxLength; bidi controls never reach the card", "[unit][teams][forms]") {
  bot::Form f{.form_id = "decision.return", .context = "R-1001", .title = "Return", .submit_label = "Send"};
  f.inputs.push_back({.key = "note", .label = "Note", .kind = bot::InputKind::multiline, .max_chars = 1000});
  f.inputs.push_back({.key = "long",
                      .label = "Sent back to be shortened",
                      .kind = bot::InputKind::multiline,
                      .initial = std::string(1100, 'n'),
                      .max_chars = 1000});
  bot::Message m;
  m.paragraph(bot::markup::escape("Photos \u202Egpj.exe\u202C of \u2066class\u2069 work"));
  m.form(f);
  json card = render_card(m);
  auto texts = elements(card, "Input.Text");
  REQUIRE(texts.size() == 2);
  CHECK(texts[0]["maxLength"] == 1000);
  CHECK_FALSE(texts[1].contains("maxLength"));  // shown whole, so nothing is lost
  const std::string dumped = card.dump();
  CHECK(dumped.find("Photos gpj.exe of class work") != std::string::npos);
  for (const char* control : {"\u202E", "\u202C", "\u2066", "\u2069"}) CHECK(dumped.find(control) == std::string::npos);
}
