// The pure Slack protocol layer on captured payloads (tests/fixtures/slack/).
#include "adapters/slack/slack_protocol.hpp"

#include <catch2/catch.hpp>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "bot/model/markup.hpp"

using namespace adapters::slack;
using nlohmann::json;

namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(HALLPASS_SOURCE_DIR) + "/tests/fixtures/slack/" + name);
  REQUIRE(in);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));

// Parses an envelope fixture and turns its payload into an Inbound.
std::optional<bot::Inbound> inbound_of(const std::string& name) {
  auto frame = parse_frame(fixture(name));
  REQUIRE(frame.has_value());
  REQUIRE(frame->kind == FrameKind::envelope);
  auto in = payload_to_inbound(frame->envelope.type, frame->envelope.payload,
                               frame->envelope.envelope_id, kNow);
  REQUIRE(in.has_value());
  return *in;
}

bot::FormInput input(std::string key, bot::InputKind kind, std::size_t choices) {
  bot::FormInput in;
  in.key = std::move(key);
  in.label = "Label " + in.key;
  in.kind = kind;
  for (std::size_t i = 0; i < choices; ++i)
    in.choices.push_back({"v" + std::to_string(i), "Choice " + std::to_string(i)});
  return in;
}

}  // namespace

TEST_CASE("hello and disconnect frames", "[unit][slack]") {
  auto hello = parse_frame(fixture("hello.json"));
  REQUIRE(hello.has_value());
  CHECK(hello->kind == FrameKind::hello);
  CHECK(hello->num_connections == 1);
  CHECK(hello->app_id == "A05HALLPASS");

  auto warning = parse_frame(fixture("disconnect_warning.json"));
  REQUIRE(warning.has_value());
  CHECK(warning->kind == FrameKind::disconnect);
  CHECK(warning->reason == DisconnectReason::warning);
  auto refresh = parse_frame(fixture("disconnect_refresh.json"));
  REQUIRE(refresh.has_value());
  CHECK(refresh->reason == DisconnectReason::refresh_requested);
  auto disabled = parse_frame(fixture("disconnect_link_disabled.json"));
  REQUIRE(disabled.has_value());
  CHECK(disabled->reason == DisconnectReason::link_disabled);
  auto many = parse_frame(R"({"type":"disconnect","reason":"too_many_websockets"})");
  REQUIRE(many.has_value());
  CHECK(many->reason == DisconnectReason::too_many_websockets);

  CHECK_FALSE(parse_frame("not json").has_value());
  CHECK_FALSE(parse_frame(R"({"type":"mystery","envelope_id":"x","payload":{}})").has_value());
  CHECK_FALSE(parse_frame(R"({"type":"events_api","payload":{}})").has_value());
  CHECK_FALSE(parse_frame(R"({"type":"events_api","envelope_id":"x","payload":"text"})").has_value());
}

TEST_CASE("envelope fields and ack frames", "[unit][slack]") {
  auto frame = parse_frame(fixture("message_im.json"));
  REQUIRE(frame.has_value());
  const Envelope& e = frame->envelope;
  CHECK(e.envelope_id == "1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a10");
  CHECK(e.type == EnvelopeType::events_api);
  CHECK_FALSE(e.accepts_response_payload);
  CHECK(e.retry_attempt == 1);
  CHECK(e.retry_reason == "timeout");
  // The payload survives the round trip unchanged.
  CHECK(json::parse(e.payload) == json::parse(fixture("message_im.json"))["payload"]);

  CHECK(json::parse(ack_frame("abc")) == json{{"envelope_id", "abc"}});
  CHECK(json::parse(ack_frame("abc", R"({"text":"ok","response_type":"ephemeral"})")) ==
        json{{"envelope_id", "abc"}, {"payload", {{"text", "ok"}, {"response_type", "ephemeral"}}}});
}

TEST_CASE("slash command envelope becomes a command", "[unit][slack]") {
  auto in = inbound_of("slash_command.json");
  REQUIRE(in);
  CHECK(in->platform == "slack");
  CHECK(in->kind == bot::InboundKind::command);
  CHECK(in->text == "request Instagram for 5th grade science fair");
  CHECK(in->event_id == "e1b5c1f0-3f7a-4c55-9d0e-7b1d2c3a4f01");
  CHECK(in->actor == "U0TEACHER1");
  CHECK(in->place.channel == "C0APPROVALS");
  CHECK(in->place.workspace == "T0HALLPASS");
  CHECK(in->reply_context == "6123456789012.1234567890.0a1b2c3d4e5f");
  CHECK_FALSE(in->place.direct);

  auto other = payload_to_inbound(EnvelopeType::slash_commands,
                                  R"({"command":"/weather","user_id":"U1","trigger_id":"t"})",
                                  "e", kNow);
  CHECK_FALSE(other.has_value());
}

TEST_CASE("block_actions becomes an action in the clicked message's thread", "[unit][slack]") {
  auto in = inbound_of("block_actions.json");
  REQUIRE(in);
  CHECK(in->kind == bot::InboundKind::action);
  CHECK(in->action_id == "endorse");
  CHECK(in->action_value == "R-1001");
  CHECK(in->actor == "U0PRINCIPAL");
  CHECK(in->place.channel == "C0APPROVALS");
  CHECK(in->place.thread_ref == "1700000000.000100");
  CHECK(in->reply_context == "6123456789013.1234567890.1b2c3d4e5f6a");
  CHECK(in->event_id == "4b7a5a4c-1d0e-4a3b-8e21-5f0c2d9b7a11");
}

TEST_CASE("view_submission values are flattened", "[unit][slack]") {
  auto in = inbound_of("view_submission.json");
  REQUIRE(in);
  CHECK(in->kind == bot::InboundKind::form_submission);
  CHECK(in->form_id == "request.platforms");
  CHECK(in->form_context == "R-1001");
  CHECK(in->values.at("platforms") == "instagram,tiktok");
  CHECK(in->values.at("audience") == "parents");
  CHECK(in->values.at("purpose") == "Share science fair photos & results");
  CHECK(in->values.at("students") == "");
  CHECK(in->values.at("notes") == "");
  CHECK(in->actor == "U0TEACHER1");
}

TEST_CASE("events: DM, mention, file, bot message", "[unit][slack]") {
  auto im = inbound_of("message_im.json");
  REQUIRE(im);
  CHECK(im->kind == bot::InboundKind::message);
  CHECK(im->place.direct);
  CHECK(im->event_id == "Ev0IMMESSAGE1");  // event_id, not the envelope: stable across retries
  CHECK(im->text == "can I post my class photos on Instagram?");
  CHECK(im->time == std::chrono::system_clock::time_point(std::chrono::microseconds(1700000300000300)));

  auto mention = inbound_of("app_mention.json");
  REQUIRE(mention);
  CHECK(mention->mentions_bot);
  CHECK(mention->text == "status of R-1001?");
  CHECK(mention->place.thread_ref == "1700000000.000100");
  CHECK_FALSE(mention->place.direct);

  auto files = inbound_of("message_files.json");
  REQUIRE(files);
  CHECK(files->has_attachment);
  CHECK(files->attachment_ref == "F0FLYER001");
  CHECK(files->place.thread_ref == "1700000000.000100");

  CHECK_FALSE(inbound_of("message_bot.json").has_value());

  // An edit, and a channel message that only mentions the bot (app_mention carries it), are skipped.
  json edit = json::parse(fixture("message_im.json"))["payload"];
  edit["event"]["subtype"] = "message_changed";
  auto skipped = payload_to_inbound(EnvelopeType::events_api, edit.dump(), "e", kNow);
  REQUIRE(skipped.has_value());
  CHECK_FALSE(skipped->has_value());
  json channel_mention = json::parse(fixture("message_files.json"))["payload"];
  channel_mention["event"].erase("files");
  channel_mention["event"].erase("subtype");
  channel_mention["event"]["text"] = "<@U0HALLPASSBOT> hi";
  auto dup = payload_to_inbound(EnvelopeType::events_api, channel_mention.dump(), "e", kNow);
  REQUIRE(dup.has_value());
  CHECK_FALSE(dup->has_value());
}

TEST_CASE("request signature v0", "[unit][slack]") {
  const std::string secret = "8f742231b10e8888abcd99yyyzzz85a5";
  const std::string body =
      "token=xyz&team_id=T0001&command=%2Fsocialmedia&text=request+tiktok";
  // printf '%s' 'v0:1700000000:<body>' | openssl dgst -sha256 -hmac '<secret>'
  const std::string good = "v0=7d1df7df8246a30ad5ed98801842bef1b772005b784c7606fd393b3bdf7f29ea";
  CHECK(verify_slack_signature(secret, "1700000000", good, body, kNow).has_value());
  CHECK(verify_slack_signature(secret, "1700000000", good, body, kNow + std::chrono::seconds(299)).has_value());

  std::string forged = good;
  forged.back() = 'b';
  CHECK_FALSE(verify_slack_signature(secret, "1700000000", forged, body, kNow).has_value());
  CHECK_FALSE(verify_slack_signature(secret, "1700000000", good, body + "&x=1", kNow).has_value());
  CHECK_FALSE(verify_slack_signature("other-secret", "1700000000", good, body, kNow).has_value());
  auto stale = verify_slack_signature(secret, "1700000000", good, body, kNow + std::chrono::seconds(301));
  REQUIRE_FALSE(stale.has_value());
  CHECK(stale.error().message.find("stale") != std::string::npos);
  CHECK_FALSE(verify_slack_signature(secret, "1700000000", good, body, kNow - std::chrono::seconds(301)).has_value());
  CHECK_FALSE(verify_slack_signature(secret, "17000x0000", good, body, kNow).has_value());
  CHECK_FALSE(verify_slack_signature(secret, "", good, body, kNow).has_value());
  CHECK_FALSE(verify_slack_signature(secret, "1700000000", good.substr(3), body, kNow).has_value());
  CHECK_FALSE(verify_slack_signature(secret, "1700000000", "v1=" + good.substr(3), body, kNow).has_value());
  std::string bad_hex = good;
  bad_hex[10] = 'g';
  CHECK_FALSE(verify_slack_signature(secret, "1700000000", bad_hex, body, kNow).has_value());
}

TEST_CASE("HTTP mode bodies", "[unit][slack]") {
  auto fields = parse_form_urlencoded("a=1+2&b=%2Fx%26y&c=&d");
  REQUIRE(fields.has_value());
  CHECK(fields->at("a") == "1 2");
  CHECK(fields->at("b") == "/x&y");
  CHECK(fields->at("c") == "");
  CHECK(fields->at("d") == "");
  CHECK_FALSE(parse_form_urlencoded("a=%zz").has_value());
  CHECK_FALSE(parse_form_urlencoded("a=%2").has_value());

  auto cmd = parse_slash_command_form(
      "team_id=T0HALLPASS&channel_id=D0TEACHER1&channel_name=directmessage&user_id=U0TEACHER1"
      "&command=%2Fsocialmedia&text=request+TikTok+%26+more&trigger_id=111.222.abc",
      kNow);
  REQUIRE(cmd.has_value());
  CHECK(cmd->kind == bot::InboundKind::command);
  CHECK(cmd->text == "request TikTok & more");
  CHECK(cmd->event_id == "111.222.abc");
  CHECK(cmd->place.direct);

  const std::string payload = json::parse(fixture("block_actions.json"))["payload"].dump();
  std::string encoded = "payload=";
  for (unsigned char c : payload) {
    char buf[4];
    std::snprintf(buf, sizeof buf, "%%%02X", c);
    encoded += std::isalnum(c) ? std::string(1, static_cast<char>(c)) : std::string(buf);
  }
  auto extracted = interactive_payload_from_form(encoded);
  REQUIRE(extracted.has_value());
  auto action = payload_to_inbound(EnvelopeType::interactive, *extracted, "", kNow);
  REQUIRE(action.has_value());
  REQUIRE(action->has_value());
  CHECK((*action)->event_id == "6123456789013.1234567890.1b2c3d4e5f6a");  // trigger_id
  CHECK_FALSE(interactive_payload_from_form("payload=%7Bbroken").has_value());

  CHECK(url_verification_challenge(
            R"({"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"})") ==
        "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
  CHECK_FALSE(url_verification_challenge(R"({"type":"event_callback"})"));
}

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
        "*Policy* _draft_ see <https://x.test/a?b=1&amp;c=2|BUL\xEF\xBD\x9C" "5688 &gt; x>");
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

TEST_CASE("Web API call arguments from a delivery", "[unit][slack]") {
  bot::Delivery d;
  d.channel = "C0APPROVALS";
  d.thread_ref = "1700000000.000100";
  d.message.paragraph("Request **R-1001** approved");
  d.message.fallback = "Request R-1001 approved <3";
  auto call = build_api_call(d);
  REQUIRE(call.has_value());
  CHECK(call->method == "chat.postMessage");
  json body = json::parse(call->body_json);
  CHECK(body["channel"] == "C0APPROVALS");
  CHECK(body["thread_ts"] == "1700000000.000100");
  CHECK(body["text"] == "Request R-1001 approved &lt;3");
  CHECK(body["blocks"][0]["text"]["text"] == "Request *R-1001* approved");

  d.update_ref = "1700000100.000200";
  call = build_api_call(d);
  REQUIRE(call.has_value());
  CHECK(call->method == "chat.update");
  CHECK(json::parse(call->body_json)["ts"] == "1700000100.000200");

  d.update_ref.clear();
  d.ephemeral_user = "U0TEACHER1";
  call = build_api_call(d);
  REQUIRE(call.has_value());
  CHECK(call->method == "chat.postEphemeral");
  CHECK(json::parse(call->body_json)["user"] == "U0TEACHER1");

  d.ephemeral_user.clear();
  d.channel = "dm:U0TEACHER1";
  call = build_api_call(d);
  REQUIRE(call.has_value());
  CHECK(call->method == "conversations.open");
  CHECK(call->dm_user == "U0TEACHER1");

  bot::Form form;
  form.form_id = "request.new";
  form.title = "New request";
  d.message.form(form);
  CHECK_FALSE(build_api_call(d).has_value());  // no trigger_id
  d.reply_context = "6123456789012.1234567890.0a1b2c3d4e5f";
  call = build_api_call(d);
  REQUIRE(call.has_value());
  CHECK(call->method == "views.open");
  body = json::parse(call->body_json);
  CHECK(body["trigger_id"] == d.reply_context);
  CHECK(body["view"]["callback_id"] == "request.new");
}

TEST_CASE("Web API responses map to send errors", "[unit][slack]") {
  auto ok = parse_api_response(R"({"ok":true,"channel":"C0APPROVALS","ts":"1700000700.000700","message":{}})");
  REQUIRE(ok.has_value());
  CHECK(ok->ok);
  CHECK(ok->channel == "C0APPROVALS");
  CHECK(to_send_result(200, std::nullopt, R"({"ok":true,"channel":"C1","ts":"1.2"})").ref == "1.2");

  auto bad = parse_api_response(
      R"({"ok":false,"error":"invalid_blocks","response_metadata":{"messages":["[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]"]}})");
  REQUIRE(bad.has_value());
  CHECK(bad->error == "invalid_blocks");
  REQUIRE(bad->messages.size() == 1);
  CHECK_FALSE(parse_api_response("<html>").has_value());

  auto limited = to_send_result(429, std::chrono::seconds(7), R"({"ok":false,"error":"ratelimited"})");
  CHECK(limited.error == bot::SendErrorKind::rate_limited);
  CHECK(limited.retry_after == std::chrono::seconds(7));
  CHECK(limited.retryable());

  auto kind = [](const char* error) {
    return to_send_result(200, std::nullopt, std::string(R"({"ok":false,"error":")") + error + "\"}").error;
  };
  for (auto e : {"invalid_auth", "not_authed", "token_revoked", "account_inactive", "missing_scope",
                 "not_allowed_token_type"})
    CHECK(kind(e) == bot::SendErrorKind::auth);
  for (auto e : {"channel_not_found", "not_in_channel", "is_archived", "message_not_found"})
    CHECK(kind(e) == bot::SendErrorKind::not_found);
  for (auto e : {"invalid_blocks", "msg_too_long", "no_text"})
    CHECK(kind(e) == bot::SendErrorKind::bad_request);
  for (auto e : {"internal_error", "fatal_error"}) CHECK(kind(e) == bot::SendErrorKind::server);
  CHECK(to_send_result(503, std::nullopt, "upstream down").error == bot::SendErrorKind::server);
}

TEST_CASE("a modal carries where it was opened, and its submission is answered there", "[unit][slack]") {
  bot::Delivery d;
  d.channel = "CSUPER";
  d.thread_ref = "1795000000.000042";
  d.reply_context = "6100000000001.1234567890.fake";
  d.message.paragraph("Explain the decision for **R-1001**.");
  bot::Form form{.form_id = "decision.reject", .context = "R-1001", .title = "Reject R-1001"};
  form.inputs.push_back(input("explanation", bot::InputKind::multiline, 0));
  d.message.form(form);
  auto call = build_api_call(d);
  REQUIRE(call.has_value());
  CHECK(call->method == "views.open");
  const json view = json::parse(call->body_json)["view"];
  // The message's text shows above the inputs.
  REQUIRE(view["blocks"].size() == 2);
  CHECK(view["blocks"][0]["type"] == "section");
  CHECK(view["blocks"][0]["text"]["text"] == "Explain the decision for *R-1001*.");
  CHECK(view["blocks"][1]["type"] == "input");

  // Slack sends private_metadata back untouched with the submission.
  json payload = json::parse(R"({"type":"view_submission","user":{"id":"U0SUPER"},"team":{"id":"T0"},
      "trigger_id":"t2","view":{"callback_id":"decision.reject",
      "state":{"values":{"explanation":{"explanation":{"type":"plain_text_input","value":"No."}}}}}})");
  payload["view"]["private_metadata"] = view["private_metadata"];
  auto in = payload_to_inbound(EnvelopeType::interactive, payload.dump(), "e1", kNow);
  REQUIRE(in.has_value());
  REQUIRE(in->has_value());
  CHECK((*in)->form_context == "R-1001");
  CHECK((*in)->place.channel == "CSUPER");
  CHECK((*in)->place.thread_ref == "1795000000.000042");
  CHECK_FALSE((*in)->place.direct);
  CHECK((*in)->values.at("explanation") == "No.");

  // Opened from a DM: the answer goes to the person's DM.
  d.channel = "dm:U0TEACHER1";
  d.thread_ref.clear();
  payload["view"]["private_metadata"] = json::parse(build_api_call(d)->body_json)["view"]["private_metadata"];
  in = payload_to_inbound(EnvelopeType::interactive, payload.dump(), "e2", kNow);
  REQUIRE(in.has_value());
  CHECK((*in)->place.direct);
  CHECK((*in)->form_context == "R-1001");

  // private_metadata Hallpass did not wrap is the form's context as it stands.
  payload["view"]["private_metadata"] = R"({"not":"ours"})";
  in = payload_to_inbound(EnvelopeType::interactive, payload.dump(), "e3", kNow);
  REQUIRE(in.has_value());
  CHECK((*in)->form_context == R"({"not":"ours"})");
  CHECK((*in)->place.channel.empty());

  // The origin counts against the 3000 bytes.
  d.message = bot::Message();
  form.context = std::string(2990, 'x');
  d.message.form(form);
  CHECK_FALSE(build_api_call(d).has_value());
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

TEST_CASE("deletions: files and messages", "[unit][slack]") {
  bot::Delivery d;
  d.channel = "C0APPROVALS";
  d.delete_ref = "F0PHOTO";
  auto call = build_api_call(d);
  REQUIRE(call.has_value());
  CHECK(call->method == "files.delete");
  CHECK(json::parse(call->body_json) == json{{"file", "F0PHOTO"}});
  d.delete_ref = "1795000000.000007";
  call = build_api_call(d);
  REQUIRE(call.has_value());
  CHECK(call->method == "chat.delete");
  CHECK(json::parse(call->body_json) == json{{"channel", "C0APPROVALS"}, {"ts", "1795000000.000007"}});
}

TEST_CASE("Web API answers: the socket URL, users and e-mails", "[unit][slack]") {
  auto open = parse_api_response(R"({"ok":true,"url":"wss://wss-primary.slack.com/link/?ticket=abc&app_id=A1"})");
  REQUIRE(open.has_value());
  CHECK(open->url == "wss://wss-primary.slack.com/link/?ticket=abc&app_id=A1");
  auto user = parse_api_response(
      R"({"ok":true,"user":{"id":"U0TEACHER1","name":"ms.rivera","profile":{"email":"mrivera@example.org"}}})");
  REQUIRE(user.has_value());
  CHECK(user->user_id == "U0TEACHER1");
  CHECK(user->email == "mrivera@example.org");
  CHECK(to_send_result(200, std::nullopt, R"({"ok":false,"error":"users_not_found"})").error ==
        bot::SendErrorKind::not_found);
}
