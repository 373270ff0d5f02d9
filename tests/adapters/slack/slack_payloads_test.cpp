// Slack payloads → bot::Inbound on captured payloads (tests/fixtures/slack/): events, slash
// commands, block actions and view submissions.
#include "adapters/slack/slack_payloads.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "adapters/slack/slack_api_calls.hpp"
#include "adapters/slack/slack_socket_frames.hpp"
#include "tests/support/slack_protocol_fixtures.hpp"

using namespace adapters::slack;
using nlohmann::json;
using test_support::slack::fixture;
using test_support::slack::input;
using test_support::slack::kNow;

namespace {

// Parses an envelope fixture and turns its payload into an Inbound.
std::optional<bot::Inbound> inbound_of(const std::string& name) {
  auto frame = parse_frame(fixture(name));
  REQUIRE(frame.has_value());
  REQUIRE(frame->kind == FrameKind::envelope);
  auto in = payload_to_inbound(frame->envelope.type, frame->envelope.payload, frame->envelope.envelope_id, kNow);
  REQUIRE(in.has_value());
  return *in;
}

}  // namespace

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
                                  R"({"command":"/weather","user_id":"U1","trigger_id":"t"})", "e", kNow);
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
  CHECK(files->has_attachment);
  CHECK(files->attachment_ref.empty());  // Slack does not let an app delete a person's file
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
