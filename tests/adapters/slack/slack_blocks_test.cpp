// Block Kit rendering: mrkdwn, Slack's limits, modals and their answers.
#include "adapters/slack/slack_blocks.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "bot/model/markup.hpp"
#include "tests/support/slack_protocol_fixtures.hpp"

using namespace adapters::slack;
using nlohmann::json;
using test_support::slack::input;

TEST_CASE("mrkdwn escapes user text and renders markup", "[unit][slack]") {
  bot::Message m;
  m.paragraph("Asked by " + bot::markup::escape("<@U123> & <!here>"));
  const json blocks = json::parse(render_blocks(m));
  REQUIRE(blocks.size() == 1);
  const std::string text = blocks[0]["text"]["text"];
  CHECK(text == "Asked by &lt;@U123&gt; &amp; &lt;!here&gt;");
  CHECK(text.find("<@") == std::string::npos);
  CHECK(text.find("<!") == std::string::npos);

  CHECK(to_mrkdwn("**Policy** _draft_ see [BUL|5688 > x](https://x.test/a?b=1&c=2)") ==
        "*Policy* _draft_ see <https://x.test/a?b=1&amp;c=2|BUL\xEF\xBD\x9C"
        "5688 &gt; x>");
  CHECK(to_mrkdwn("- one\n- two") == "\xE2\x80\xA2 one\n\xE2\x80\xA2 two");
}

TEST_CASE("Block Kit limits", "[unit][slack]") {
  bot::Message many;
  for (int i = 0; i < 60; ++i) many.paragraph("paragraph " + std::to_string(i));
  json blocks = json::parse(render_blocks(many));
  REQUIRE(blocks.size() == kMaxBlocks);
  CHECK(blocks.back()["type"] == "context");
  CHECK(blocks.back()["elements"][0]["text"] == "\xE2\x80\xA6message shortened to fit this chat platform.");
  CHECK(blocks[48]["text"]["text"] == "paragraph 48");

  std::string words;
  while (words.size() < 4000) words += "word ";
  bot::Message longer;
  longer.paragraph(words);
  blocks = json::parse(render_blocks(longer));
  REQUIRE(blocks.size() == 2);
  std::size_t total = 0;
  for (const auto& b : blocks) {
    const std::string t = b["text"]["text"];
    CHECK(t.size() <= kMaxSectionText);
    total += t.size();
  }
  CHECK(total >= 3990);  // only the spaces at the cuts are dropped

  bot::Message rich;
  rich.header(std::string(200, 'H'));
  std::vector<bot::Field> fields;
  for (int i = 0; i < 12; ++i) fields.push_back({"Field " + std::to_string(i), std::string(2500, 'v')});
  rich.fields(fields);
  std::vector<bot::Button> buttons;
  for (int i = 0; i < 30; ++i)
    buttons.push_back({"act" + std::to_string(i), std::string(100, 'L'), "R-" + std::to_string(i),
                       i == 0 ? bot::ButtonStyle::primary : bot::ButtonStyle::danger});
  rich.buttons(buttons);
  rich.quote("Employees must not friend students", "LAUSD BUL-5688.2, §I.1");
  blocks = json::parse(render_blocks(rich));
  REQUIRE(blocks.size() == 7);
  CHECK(blocks[0]["type"] == "header");
  CHECK(blocks[0]["text"]["type"] == "plain_text");
  CHECK(blocks[0]["text"]["text"].get<std::string>().size() <= kMaxHeaderText);
  CHECK(blocks[1]["fields"].size() == 10);
  CHECK(blocks[2]["fields"].size() == 2);
  CHECK(blocks[1]["fields"][0]["text"].get<std::string>().size() <= kMaxFieldText);
  CHECK(blocks[3]["type"] == "actions");
  CHECK(blocks[3]["elements"].size() == 25);
  CHECK(blocks[4]["elements"].size() == 5);
  CHECK(blocks[3]["elements"][0]["style"] == "primary");
  CHECK(blocks[3]["elements"][1]["style"] == "danger");
  CHECK(blocks[3]["elements"][0]["text"]["text"].get<std::string>().size() <= kMaxButtonText);
  CHECK(blocks[5]["text"]["text"] == "> Employees must not friend students");
  CHECK(blocks[6]["type"] == "context");
  CHECK(blocks[6]["elements"][0]["text"] == "LAUSD BUL-5688.2, §I.1");
}

TEST_CASE("a form becomes a modal; field errors", "[unit][slack]") {
  bot::Form form;
  form.form_id = "request.platforms";
  form.context = "R-1001";
  form.title = "Social media request form";  // 25 characters: cut to 24
  form.submit_label = "Send";
  auto purpose = input("purpose", bot::InputKind::text, 0);
  purpose.required = true;
  purpose.initial = "Science fair";
  purpose.hint = "What will you post?";
  form.inputs.push_back(purpose);
  form.inputs.push_back(input("notes", bot::InputKind::multiline, 0));
  auto few = input("audience", bot::InputKind::single_choice, 3);
  few.initial = "v1";
  form.inputs.push_back(few);
  form.inputs.push_back(input("school", bot::InputKind::single_choice, 8));
  auto platforms = input("platforms", bot::InputKind::multi_choice, 4);
  platforms.initial = "v0,v3";
  form.inputs.push_back(platforms);
  form.inputs.push_back(input("sites", bot::InputKind::multi_choice, 12));

  auto rendered = render_modal(form);
  REQUIRE(rendered.has_value());
  const json view = json::parse(*rendered);
  CHECK(view["type"] == "modal");
  CHECK(view["callback_id"] == "request.platforms");
  CHECK(view["private_metadata"] == "R-1001");
  CHECK(view["title"]["type"] == "plain_text");
  CHECK(view["title"]["text"].get<std::string>().size() <= kMaxModalTitle);
  CHECK(view["submit"]["text"] == "Send");
  CHECK(view["close"]["type"] == "plain_text");
  const json& b = view["blocks"];
  REQUIRE(b.size() == 6);
  CHECK(b[0]["type"] == "input");
  CHECK(b[0]["block_id"] == "purpose");
  CHECK(b[0]["optional"] == false);
  CHECK(b[0]["hint"]["text"] == "What will you post?");
  CHECK(b[0]["element"]["type"] == "plain_text_input");
  CHECK(b[0]["element"]["initial_value"] == "Science fair");
  CHECK(b[0]["element"]["action_id"] == "purpose");
  CHECK(b[1]["optional"] == true);
  CHECK(b[1]["element"]["multiline"] == true);
  CHECK(b[2]["element"]["type"] == "radio_buttons");
  CHECK(b[2]["element"]["initial_option"]["value"] == "v1");
  CHECK(b[3]["element"]["type"] == "static_select");
  CHECK(b[3]["element"]["options"].size() == 8);
  CHECK(b[4]["element"]["type"] == "checkboxes");
  CHECK(b[4]["element"]["initial_options"].size() == 2);
  CHECK(b[4]["element"]["initial_options"][1]["value"] == "v3");
  CHECK(b[5]["element"]["type"] == "multi_static_select");

  form.context = std::string(3001, 'x');
  CHECK_FALSE(render_modal(form).has_value());

  form.inputs[0].error = "Say what you will post";
  CHECK(json::parse(form_errors_payload(form)) ==
        json{{"response_action", "errors"}, {"errors", {{"purpose", "Say what you will post"}}}});
}

TEST_CASE("form answers for a view_submission ack", "[unit][slack]") {
  bot::Form form{.form_id = "decision.reject", .context = "R-1001", .title = "Reject"};
  form.inputs.push_back(input("explanation", bot::InputKind::multiline, 0));
  CHECK_FALSE(has_input_errors(form));
  form.inputs[0].error = "An explanation is required";
  CHECK(has_input_errors(form));
  const json update = json::parse(form_update_payload(*render_modal(form)));
  CHECK(update["response_action"] == "update");
  CHECK(update["view"]["callback_id"] == "decision.reject");
}

TEST_CASE("a bounded text input counts and stops at its limit; long text is cut at a word", "[unit][slack][forms]") {
  bot::Form form;
  form.form_id = "request.objectives";
  form.title = "Social media request";
  bot::FormInput objectives{.key = "objectives.instagram",
                            .label = "Job-related objectives for Instagram",
                            .kind = bot::InputKind::multiline,
                            .required = true,
                            .max_chars = 1000};
  form.inputs.push_back(objectives);
  objectives.key = "objectives.youtube";
  objectives.initial = std::string(1200, 'y');  // sent back to be shortened: Slack would refuse the view
  form.inputs.push_back(objectives);
  auto rendered = render_modal(form);
  REQUIRE(rendered.has_value());
  const json view = json::parse(*rendered);
  std::vector<json> elements;
  for (const auto& b : view["blocks"])
    if (b["type"] == "input") elements.push_back(b["element"]);
  REQUIRE(elements.size() == 2);
  CHECK(elements[0]["max_length"] == 1000);
  CHECK_FALSE(elements[1].contains("max_length"));

  // A field too long for Slack's 2,000 characters ends after a whole word, with "…".
  bot::Message m;
  std::string words;
  while (words.size() < 3000) words += "remind families about trips ";
  m.fields({{"Objectives", words}});
  const json blocks = json::parse(render_blocks(m));
  const std::string shown = blocks[0]["fields"][0]["text"];
  CHECK(shown.size() <= 2000);
  REQUIRE(shown.ends_with("\u2026"));
  REQUIRE(shown.starts_with("*Objectives*\n"));
  const std::string kept = shown.substr(13, shown.size() - 3 - 13);
  CHECK(words.starts_with(kept));
  CHECK(words[kept.size()] == ' ');  // the cut is after a whole word
}

TEST_CASE("bidi controls never reach Slack text", "[unit][slack][forms]") {
  CHECK(escape_mrkdwn("photo \u202Egpj.exe & \u2067x\u2069") == "photo gpj.exe &amp; x");
}
