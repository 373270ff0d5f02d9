// The Teams inbound protocol on captured-style activities (tests/fixtures/teams/).
#include "adapters/teams/teams_protocol.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace adapters::teams;
using nlohmann::json;

namespace {

constexpr auto kBot = "28:b7d3a1f0-2c4e-4f6a-9b8d-0e1f2a3b4c5d";
constexpr auto kTenant = "9a7f3c2e-5b1d-4e8a-8f6c-2d4b6a8c0e1f";
constexpr auto kGarcia = "29:1GcS4EyB_oSI8A88XmWBN7NJFyMqe3QGnJdgLfFGkJnVelzRGos0bPbpsfJjcbAD22bmKc4GMbrY2g4JDrWA8Rw";
constexpr auto kChannel = "19:4f1c2b0d8a7e4c3b9f6e5d2a1b0c9d8e@thread.tacv2";
const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1741110000));

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(HALLPASS_SOURCE_DIR) + "/tests/fixtures/teams/" + name);
  REQUIRE(in);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

ParsedActivity parsed(const std::string& name) {
  auto p = parse_activity(fixture(name), kNow);
  if (!p) FAIL(name << ": " << p.error().message);
  return *p;
}

bot::Inbound inbound(const std::string& name) {
  ParsedActivity p = parsed(name);
  if (!p.inbound) FAIL(name << " gave no inbound: " << p.ignored);
  return *p.inbound;
}

// The fixture with one member changed (or removed when value is null).
std::string with(const std::string& name, const json::json_pointer& where, const json& value) {
  json j = json::parse(fixture(name));
  if (value.is_null())
    j.at(where.parent_pointer()).erase(where.back());
  else
    j[where] = value;
  return j.dump();
}

}  // namespace

TEST_CASE("a personal message is a direct message from its sender", "[unit][teams]") {
  ParsedActivity p = parsed("personal_message.json");
  CHECK(p.type == "message");
  CHECK(p.id == "1741101667456");
  CHECK(p.channel_id == "msteams");
  CHECK(p.service_url == "https://smba.trafficmanager.net/amer/");
  REQUIRE(p.inbound);
  const bot::Inbound& in = *p.inbound;
  CHECK(in.platform == "teams");
  CHECK(in.event_id == "1741101667456");
  CHECK(in.actor == kGarcia);
  CHECK(in.kind == bot::InboundKind::message);
  CHECK(in.text == "Can I post a photo of students from the science fair on Instagram?");
  CHECK(in.place.direct);
  // The core's address for this person's direct messages, so its threads are found again.
  CHECK(in.place.channel == std::string("dm:") + kGarcia);
  CHECK(in.place.workspace == kTenant);
  CHECK(in.place.thread_ref.empty());
  CHECK_FALSE(in.mentions_bot);
  CHECK_FALSE(in.has_attachment);
  // 15:21:07.456 UTC on 2025-03-04 (the seventh fractional digit is beyond microseconds).
  CHECK(in.time ==
        std::chrono::system_clock::time_point(std::chrono::seconds(1741101667)) + std::chrono::microseconds(456123));

  // The reference to reach this person later, proactively.
  const ConversationReference& r = p.reference;
  CHECK(r.service_url == "https://smba.trafficmanager.net/amer/");
  CHECK(r.conversation_id == "a:1Y8QmZ3xKp7vNw2LrT5sBj9HcF4dG6aE0uI1oP8kM3nV7yX2zQ5wR9tU4sA6bC1dE");
  CHECK(r.personal());
  CHECK(r.tenant_id == kTenant);
  CHECK(r.bot_id == kBot);
  CHECK(r.user_id == kGarcia);
  CHECK(r.user_aad_object_id == "6b8c0a4e-1d2f-4a3b-9c5d-7e8f9a0b1c2d");
  CHECK(r.user_name == "Teresa Garcia");
  CHECK(p.installation == Installation::none);
}

TEST_CASE("socialmedia and /socialmedia are commands, in any case", "[unit][teams]") {
  bot::Inbound in = inbound("personal_command.json");
  CHECK(in.kind == bot::InboundKind::command);
  CHECK(in.text == "status R-1001");
  CHECK(in.place.direct);

  auto text = [](const std::string& t) {
    auto p = parse_activity(with("personal_command.json", "/text"_json_pointer, t), kNow);
    REQUIRE(p.has_value());
    REQUIRE(p->inbound);
    return *p->inbound;
  };
  CHECK(text("socialmedia request").kind == bot::InboundKind::command);
  CHECK(text("socialmedia request").text == "request");
  CHECK(text("Socialmedia").kind == bot::InboundKind::command);
  CHECK(text("Socialmedia").text.empty());
  CHECK(text("/socialmedia\nask may I post?").text == "ask may I post?");
  // Another word that merely begins the same way, or the word later on, is a message.
  CHECK(text("socialmediafan says hi").kind == bot::InboundKind::message);
  CHECK(text("what does socialmedia request do?").kind == bot::InboundKind::message);
}

TEST_CASE("a channel message: the bot's mention is removed, other people's stay as names", "[unit][teams]") {
  ParsedActivity p = parsed("channel_mention.json");
  REQUIRE(p.inbound);
  const bot::Inbound& in = *p.inbound;
  CHECK(in.kind == bot::InboundKind::message);
  CHECK(in.mentions_bot);
  CHECK(in.text == "who approves posts about Ravi Patel's robotics club?");
  CHECK_FALSE(in.place.direct);
  CHECK(in.place.channel == kChannel);
  // A top-level post is the root of its own thread: the answer goes under it.
  CHECK(in.place.thread_ref == "1741104133911");
  // The text/html copy of the message is not a file.
  CHECK_FALSE(in.has_attachment);
  CHECK(p.reference.conversation_id == kChannel);
  CHECK(p.reference.conversation_type == "channel");
  CHECK(p.reference.team_id == "19:a1b2c3d4e5f60718293a4b5c6d7e8f90@thread.tacv2");
  CHECK(p.reference.channel_id == kChannel);

  // Mentions are recognised by the entities, not by the name: another bot called "Hallpass"
  // (a different id) is not us.
  json j = json::parse(fixture("channel_mention.json"));
  j["entities"][0]["mentioned"]["id"] = "28:someone-else";
  auto other = parse_activity(j.dump(), kNow);
  REQUIRE(other.has_value());
  REQUIRE(other->inbound);
  CHECK_FALSE(other->inbound->mentions_bot);
  CHECK(other->inbound->text == "Hallpass who approves posts about Ravi Patel's robotics club?");
}

TEST_CASE("a command after the mention in a channel", "[unit][teams]") {
  bot::Inbound in = inbound("channel_command.json");
  CHECK(in.kind == bot::InboundKind::command);
  CHECK(in.text == "request");
  CHECK(in.mentions_bot);
  CHECK(in.place.channel == kChannel);
  CHECK(in.place.thread_ref == "1741104600120");
}

TEST_CASE("a reply in a channel thread carries the thread's root", "[unit][teams]") {
  bot::Inbound in = inbound("thread_reply.json");
  CHECK(in.kind == bot::InboundKind::message);
  CHECK(in.text == "I can supervise the account on school days.");
  CHECK(in.place.channel == kChannel);
  CHECK(in.place.thread_ref == "1741104600120");
  CHECK(in.event_id == "1741105912004");

  // Without ";messageid=" in the conversation id, replyToId names the root.
  json j = json::parse(fixture("thread_reply.json"));
  j["conversation"]["id"] = kChannel;
  auto p = parse_activity(j.dump(), kNow);
  REQUIRE(p.has_value());
  REQUIRE(p->inbound);
  CHECK(p->inbound->place.thread_ref == "1741104600120");
}

TEST_CASE("a reply to the bot's message in a personal chat names that message as its thread", "[unit][teams]") {
  json j = json::parse(fixture("thread_reply.json"));
  j["conversation"] = {{"id", "a:personal-garcia"}, {"conversationType", "personal"}};
  auto p = parse_activity(j.dump(), kNow);
  REQUIRE(p.has_value());
  REQUIRE(p->inbound);
  CHECK(p->inbound->place.direct);
  CHECK(p->inbound->place.thread_ref == "1741104600120");
  j.erase("replyToId");
  p = parse_activity(j.dump(), kNow);
  REQUIRE(p.has_value());
  REQUIRE(p->inbound);
  CHECK(p->inbound->place.thread_ref.empty());
}

TEST_CASE("a card button press is an action in the card's thread", "[unit][teams]") {
  bot::Inbound in = inbound("card_action.json");
  CHECK(in.kind == bot::InboundKind::action);
  CHECK(in.action_id == "endorse");
  CHECK(in.action_value == "R-1001");
  CHECK(in.event_id == "1741107944370");
  CHECK(in.actor == "29:1Xq2vT9pKc3LmZ8sW4yR7bN6hJ5dF0gA1eU3iO9kP2lQ8mC7xV4zB6nM5tY0rE1wS3aD2fG9hJ");
  CHECK(in.place.channel == kChannel);
  CHECK(in.place.thread_ref == "1741104700555");
  CHECK(in.reply_context == "1741104700555");  // the card's own id, to update it
  CHECK(in.text.empty());
}

TEST_CASE("a card form submission carries its form, context and values", "[unit][teams]") {
  bot::Inbound in = inbound("card_form.json");
  CHECK(in.kind == bot::InboundKind::form_submission);
  CHECK(in.form_id == "request.platforms");
  CHECK(in.form_context == "draft-7");
  CHECK(in.values == std::map<std::string, std::string>{
                         {"audience", "parents"},
                         {"platforms", "instagram,facebook"},
                         {"purpose", "Share science fair results with families.\nNo student faces."}});
  CHECK(in.place.direct);
  // In a personal chat the card itself is the thread the core may know it by.
  CHECK(in.place.thread_ref == "1741108200777");

  // Values that are not strings still arrive as text.
  json j = json::parse(fixture("card_form.json"));
  j["value"]["count"] = 3;
  j["value"]["choices"] = json::array({"a", "b"});
  auto p = parse_activity(j.dump(), kNow);
  REQUIRE(p.has_value());
  REQUIRE(p->inbound);
  CHECK(p->inbound->values.at("count") == "3");
  CHECK(p->inbound->values.at("choices") == "a,b");
}

TEST_CASE("submissions of other cards, and our own messages, are not for the core", "[unit][teams]") {
  auto foreign = parse_activity(with("card_action.json", "/value"_json_pointer, json{{"verb", "approve"}}), kNow);
  REQUIRE(foreign.has_value());
  CHECK_FALSE(foreign->inbound);
  CHECK(foreign->ignored == "a card submission without Hallpass data");

  auto unknown_kind =
      parse_activity(with("card_action.json", "/value"_json_pointer, json{{"hallpass", {{"kind", "poll"}}}}), kNow);
  REQUIRE(unknown_kind.has_value());
  CHECK_FALSE(unknown_kind->inbound);

  json own = json::parse(fixture("channel_mention.json"));
  own["from"] = {{"id", kBot}, {"name", "Hallpass"}};
  auto echo = parse_activity(own.dump(), kNow);
  REQUIRE(echo.has_value());
  CHECK_FALSE(echo->inbound);

  auto typing = parse_activity(with("personal_message.json", "/type"_json_pointer, "typing"), kNow);
  REQUIRE(typing.has_value());
  CHECK_FALSE(typing->inbound);
  CHECK(typing->ignored == "a typing activity");

  auto empty = parse_activity(with("personal_message.json", "/text"_json_pointer, "  "), kNow);
  REQUIRE(empty.has_value());
  CHECK_FALSE(empty->inbound);
}

TEST_CASE("a file in a personal chat is reported as an attachment", "[unit][teams]") {
  json j = json::parse(fixture("personal_message.json"));
  j["text"] = "";
  j["attachments"] =
      json::array({{{"contentType", "application/vnd.microsoft.teams.file.download.info"},
                    {"contentUrl", "https://contoso.sharepoint.com/personal/x/photo.jpg"},
                    {"name", "photo.jpg"},
                    {"content", {{"downloadUrl", "https://x"}, {"uniqueId", "1"}, {"fileType", "jpg"}}}}});
  auto p = parse_activity(j.dump(), kNow);
  REQUIRE(p.has_value());
  REQUIRE(p->inbound);
  CHECK(p->inbound->has_attachment);
  CHECK(p->inbound->attachment_ref.empty());  // a bot cannot delete a user's file
}

TEST_CASE("installing the bot gives the reference to keep", "[unit][teams]") {
  ParsedActivity team = parsed("conversation_update_install.json");
  CHECK(team.installation == Installation::added);
  CHECK_FALSE(team.inbound);
  CHECK(team.reference.conversation_id == "19:a1b2c3d4e5f60718293a4b5c6d7e8f90@thread.tacv2");
  CHECK(team.reference.conversation_type == "channel");
  CHECK(team.reference.team_id == "19:a1b2c3d4e5f60718293a4b5c6d7e8f90@thread.tacv2");
  CHECK(team.reference.service_url == "https://smba.trafficmanager.net/amer/");
  CHECK(team.reference.tenant_id == kTenant);

  json removed = json::parse(fixture("conversation_update_install.json"));
  removed["membersRemoved"] = removed["membersAdded"];
  removed.erase("membersAdded");
  CHECK(parse_activity(removed.dump(), kNow)->installation == Installation::removed);
  // Someone else joining the team is not an installation.
  json joined = json::parse(fixture("conversation_update_install.json"));
  joined["membersAdded"][0]["id"] = kGarcia;
  CHECK(parse_activity(joined.dump(), kNow)->installation == Installation::none);

  ParsedActivity personal = parsed("installation_update_personal.json");
  CHECK(personal.installation == Installation::added);
  CHECK(personal.reference.personal());
  CHECK(personal.reference.user_id == kGarcia);
  auto uninstalled = parse_activity(with("installation_update_personal.json", "/action"_json_pointer, "remove"), kNow);
  CHECK(uninstalled->installation == Installation::removed);
}

TEST_CASE("a conversation reference survives its JSON form", "[unit][teams]") {
  ConversationReference r = parsed("channel_mention.json").reference;
  auto back = reference_from_json(reference_to_json(r));
  REQUIRE(back.has_value());
  CHECK(back->service_url == r.service_url);
  CHECK(back->conversation_id == r.conversation_id);
  CHECK(back->conversation_type == r.conversation_type);
  CHECK(back->tenant_id == r.tenant_id);
  CHECK(back->bot_id == r.bot_id);
  CHECK(back->bot_name == r.bot_name);
  CHECK(back->user_id == r.user_id);
  CHECK(back->user_aad_object_id == r.user_aad_object_id);
  CHECK(back->user_name == r.user_name);
  CHECK(back->channel_id == r.channel_id);
  CHECK(back->team_id == r.team_id);
  // Bot Framework field names, so the stored form is recognisable.
  json j = json::parse(reference_to_json(r));
  CHECK(j["serviceUrl"] == r.service_url);
  CHECK(j["conversation"]["id"] == r.conversation_id);

  CHECK_FALSE((reference_from_json("[]")).has_value());
  CHECK_FALSE((reference_from_json(R"({"conversation":{"id":"a:1"}})")).has_value());
  CHECK_FALSE((reference_from_json(R"({"serviceUrl":"https://x/"})")).has_value());
}

TEST_CASE("malformed activities are refused with the reason", "[unit][teams]") {
  auto error_of = [](const std::string& body) {
    auto p = parse_activity(body, kNow);
    REQUIRE_FALSE(p.has_value());
    return p.error().message;
  };
  CHECK(error_of("not json") == "activity is not a JSON object");
  CHECK(error_of("[1,2]") == "activity is not a JSON object");
  CHECK(error_of(fixture("malformed_no_from.json")) == "message activity without from.id");
  CHECK(error_of(with("personal_message.json", "/type"_json_pointer, nullptr)) == "activity without type");
  CHECK(error_of(with("personal_message.json", "/serviceUrl"_json_pointer, nullptr)) ==
        "message activity without serviceUrl");
  CHECK(error_of(with("personal_message.json", "/conversation"_json_pointer, nullptr)) ==
        "message activity without conversation.id");
  CHECK(error_of(with("personal_message.json", "/id"_json_pointer, nullptr)) == "message activity without id");
  CHECK(error_of(with("personal_message.json", "/recipient"_json_pointer, nullptr)) ==
        "message activity without recipient.id");
  CHECK_THROWS_AS(parse_activity("{}", kNow).value(), std::invalid_argument);
}

TEST_CASE("conversation ids, threads and timestamps", "[unit][teams]") {
  auto id = split_conversation_id("19:abc@thread.tacv2;messageid=1481567603816");
  CHECK(id.base == "19:abc@thread.tacv2");
  CHECK(id.message_id == "1481567603816");
  CHECK(split_conversation_id("a:1xyz").base == "a:1xyz");
  CHECK(split_conversation_id("a:1xyz").message_id.empty());

  CHECK(*thread_conversation_id("19:abc@thread.tacv2", "1481567603816") ==
        "19:abc@thread.tacv2;messageid=1481567603816");
  // A thread of a thread is the same thread.
  CHECK(*thread_conversation_id("19:abc@thread.tacv2;messageid=1", "2") == "19:abc@thread.tacv2;messageid=2");
  CHECK_FALSE((thread_conversation_id("19:abc@thread.tacv2", "0")).has_value());
  CHECK_FALSE((thread_conversation_id("19:abc@thread.tacv2", "abc")).has_value());
  CHECK_FALSE((thread_conversation_id("", "12")).has_value());

  CHECK(is_channel_conversation("19:abc@thread.tacv2"));
  CHECK(is_channel_conversation("19:abc@thread.skype;messageid=12"));
  CHECK_FALSE(is_channel_conversation("19:abc@thread.v2"));  // a group chat
  CHECK_FALSE(is_channel_conversation("a:1xyz"));
  CHECK(is_channel_conversation("anything", "channel"));
  CHECK_FALSE(is_channel_conversation("19:abc@thread.tacv2", "groupChat"));

  using std::chrono::seconds;
  const auto epoch = std::chrono::system_clock::time_point();
  CHECK(parse_timestamp("1970-01-01T00:00:00Z") == epoch);
  CHECK(parse_timestamp("2025-03-04T07:21:07.5-08:00") == epoch + seconds(1741101667) + std::chrono::milliseconds(500));
  CHECK(parse_timestamp("2000-02-29T12:00:00+01:00") == epoch + seconds(951822000));
  CHECK_FALSE(parse_timestamp("2025-03-04 07:21:07Z"));
  CHECK_FALSE(parse_timestamp("2025-13-04T07:21:07Z"));
  CHECK_FALSE(parse_timestamp("2025-03-04T07:21:07"));
  // An activity without a usable timestamp is timed when it was received.
  auto p = parse_activity(with("personal_message.json", "/timestamp"_json_pointer, "yesterday"), kNow);
  REQUIRE(p.has_value());
  CHECK(p->inbound->time == kNow);
}

TEST_CASE("strip_mentions leaves names of other people and tidies spaces", "[unit][teams]") {
  json entities = json::array({{{"type", "mention"}, {"text", "<at>Hallpass</at>"}, {"mentioned", {{"id", kBot}}}},
                               {{"type", "mention"}, {"text", "<at>Ravi</at>"}, {"mentioned", {{"id", "29:r"}}}}});
  CHECK(strip_mentions("<at>Hallpass</at> ask <at>Ravi</at> now", entities, kBot) == "ask Ravi now");
  CHECK(strip_mentions("hey <at>Hallpass</at> there", entities, kBot) == "hey there");
  CHECK(strip_mentions("<at>Hallpass</at>&nbsp;socialmedia", entities, kBot) == "socialmedia");
  CHECK(strip_mentions("plain", json(), kBot) == "plain");
}
