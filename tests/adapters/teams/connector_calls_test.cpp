// Bot Connector calls and responses, without a network: paths, bodies, service URLs, and what
// each HTTP status means to the outbox.
#include "adapters/teams/connector_calls.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace adapters::teams;
using nlohmann::json;

namespace {

constexpr auto kService = "https://smba.trafficmanager.net/amer/";
constexpr auto kChannel = "19:4f1c2b0d8a7e4c3b9f6e5d2a1b0c9d8e@thread.tacv2";

ConversationReference channel_ref() {
  return {.service_url = kService, .conversation_id = kChannel, .conversation_type = "channel", .tenant_id = "t1"};
}

ConversationReference personal_ref() {
  return {.service_url = kService, .conversation_id = "a:1xyz", .conversation_type = "personal", .tenant_id = "t1"};
}

bot::Delivery delivery(std::string channel) {
  bot::Delivery d;
  d.channel = std::move(channel);
  d.message.paragraph("Hello");
  return d;
}

}  // namespace

TEST_CASE("service URLs: https, or http to loopback; compared in one normal form", "[unit][teams]") {
  auto amer = parse_service_url("https://SMBA.trafficmanager.net:443/amer/");
  REQUIRE(amer.has_value());
  CHECK(amer->origin == "https://smba.trafficmanager.net");
  CHECK(amer->base_path == "/amer");
  CHECK(amer->normalized() == "https://smba.trafficmanager.net/amer");
  CHECK(parse_service_url("https://smba.trafficmanager.net")->base_path.empty());
  CHECK(parse_service_url("http://127.0.0.1:8123/amer/")->origin == "http://127.0.0.1:8123");
  CHECK(parse_service_url("http://localhost:80/")->origin == "http://localhost");

  CHECK_FALSE(
      (parse_service_url("http://smba.trafficmanager.net/amer/")).has_value());  // the token would travel in clear
  CHECK_FALSE((parse_service_url("http://127.evil.example/")).has_value());
  CHECK_FALSE((parse_service_url("https://smba.trafficmanager.net@evil.example/")).has_value());
  CHECK_FALSE((parse_service_url("https://smba.trafficmanager.net/amer/?x=1")).has_value());
  CHECK_FALSE((parse_service_url("ftp://smba.trafficmanager.net/")).has_value());
  CHECK_FALSE((parse_service_url("smba.trafficmanager.net/amer")).has_value());
  CHECK_FALSE((parse_service_url("https:///amer")).has_value());
  CHECK_FALSE((parse_service_url("https://smba.trafficmanager.net:99999/")).has_value());
}

TEST_CASE("conversation ids are percent-encoded in paths", "[unit][teams]") {
  json activity = {{"type", "message"}, {"text", "hi"}};
  ConnectorCall send = send_to_conversation(kService, "a:1xyz", activity);
  CHECK(send.method == "POST");
  CHECK(send.service_url == kService);
  CHECK(send.path == "/v3/conversations/a%3A1xyz/activities");
  CHECK(json::parse(send.body) == activity);
  CHECK(send.conversation == "a:1xyz");

  const std::string thread = std::string(kChannel) + ";messageid=1741104600120";
  ConnectorCall reply = reply_to_activity(kService, thread, "1741104600120", activity);
  CHECK(reply.method == "POST");
  CHECK(reply.path ==
        "/v3/conversations/19%3A4f1c2b0d8a7e4c3b9f6e5d2a1b0c9d8e%40thread.tacv2%3Bmessageid%3D1741104600120"
        "/activities/1741104600120");
  CHECK(json::parse(reply.body)["replyToId"] == "1741104600120");
  CHECK(reply.conversation == kChannel);  // a thread is paced with its channel

  ConnectorCall update = update_activity(kService, kChannel, "1741104700555", activity);
  CHECK(update.method == "PUT");
  CHECK(update.path ==
        "/v3/conversations/19%3A4f1c2b0d8a7e4c3b9f6e5d2a1b0c9d8e%40thread.tacv2/activities/1741104700555");
  CHECK(json::parse(update.body)["id"] == "1741104700555");

  ConnectorCall remove = delete_activity(kService, "a:1xyz", "17");
  CHECK(remove.method == "DELETE");
  CHECK(remove.body.empty());

  ConnectorCall member = get_member(kService, "a:1xyz", "29:1abc");
  CHECK(member.method == "GET");
  CHECK(member.path == "/v3/conversations/a%3A1xyz/members/29%3A1abc");
  CHECK(member.conversation.empty());  // reads are not paced as writes
}

TEST_CASE("a personal conversation is created with bot, member and tenant", "[unit][teams]") {
  ConnectorCall create = create_personal_conversation(kService, "28:bot", "Hallpass", "29:1abc", "t1");
  CHECK(create.method == "POST");
  CHECK(create.path == "/v3/conversations");
  json body = json::parse(create.body);
  CHECK(body["bot"] == json{{"id", "28:bot"}, {"name", "Hallpass"}});
  CHECK(body["members"] == json::array({{{"id", "29:1abc"}}}));
  CHECK(body["isGroup"] == false);
  CHECK(body["tenantId"] == "t1");
  CHECK(body["channelData"]["tenant"]["id"] == "t1");
}

TEST_CASE("a delivery becomes a post, a thread reply, an update or a deletion", "[unit][teams]") {
  auto post = build_delivery_call(delivery(kChannel), channel_ref());
  REQUIRE(post.has_value());
  CHECK(post->path == "/v3/conversations/19%3A4f1c2b0d8a7e4c3b9f6e5d2a1b0c9d8e%40thread.tacv2/activities");
  CHECK(json::parse(post->body)["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive");

  bot::Delivery threaded = delivery(kChannel);
  threaded.thread_ref = "1741104600120";
  auto reply = build_delivery_call(threaded, channel_ref());
  REQUIRE(reply.has_value());
  CHECK(reply->path.ends_with("%3Bmessageid%3D1741104600120/activities/1741104600120"));
  CHECK(json::parse(reply->body)["replyToId"] == "1741104600120");

  // Personal chats have no threads: the message is simply posted.
  bot::Delivery dm = delivery("dm:29:1abc");
  dm.thread_ref = "1741108200777";
  auto personal = build_delivery_call(dm, personal_ref());
  REQUIRE(personal.has_value());
  CHECK(personal->path == "/v3/conversations/a%3A1xyz/activities");
  CHECK_FALSE(json::parse(personal->body).contains("replyToId"));

  bot::Delivery update = delivery(kChannel);
  update.update_ref = "1741104700555";
  auto put = build_delivery_call(update, channel_ref());
  REQUIRE(put.has_value());
  CHECK(put->method == "PUT");
  CHECK(put->path.ends_with("/activities/1741104700555"));

  bot::Delivery deletion = delivery("dm:29:1abc");
  deletion.delete_ref = "17";
  CHECK(build_delivery_call(deletion, personal_ref())->method == "DELETE");

  bot::Delivery bad_thread = delivery(kChannel);
  bad_thread.thread_ref = "not-an-id";
  CHECK_FALSE((build_delivery_call(bad_thread, channel_ref())).has_value());
  CHECK_FALSE(
      (build_delivery_call(delivery(kChannel), ConversationReference{.conversation_id = kChannel})).has_value());
  CHECK_FALSE((build_delivery_call(delivery(kChannel), ConversationReference{.service_url = kService})).has_value());
}

TEST_CASE("responses: ids, conversations, members and error texts", "[unit][teams]") {
  CHECK(*parse_resource_id(R"({"id":"1741104700555"})") == "1741104700555");
  CHECK_FALSE((parse_resource_id("{}")).has_value());
  CHECK_FALSE((parse_resource_id("<html>")).has_value());

  auto conv = parse_conversation_resource(R"({"id":"19:c@thread.tacv2;messageid=12","activityId":"12"})");
  REQUIRE(conv.has_value());
  CHECK(conv->id == "19:c@thread.tacv2;messageid=12");
  CHECK(conv->activity_id == "12");

  auto m = parse_member(R"({"id":"29:1abc","name":"Teresa Garcia","aadObjectId":"6b8c","email":"t.garcia@lausd.example",
                            "userPrincipalName":"tgarcia@lausd.example","tenantId":"t1","userRole":"user"})");
  REQUIRE(m.has_value());
  CHECK(m->email == "t.garcia@lausd.example");
  CHECK(m->user_principal_name == "tgarcia@lausd.example");
  CHECK(m->aad_object_id == "6b8c");
  CHECK_FALSE((parse_member(R"({"name":"x"})")).has_value());

  CHECK(error_message(R"({"error":{"code":"BadArgument","message":"Unknown activity"}})") ==
        "BadArgument: Unknown activity");
  CHECK(error_message(R"({"message":"Authorization has been denied for this request."})") ==
        "Authorization has been denied for this request.");
  CHECK(error_message("oops").empty());
}

TEST_CASE("HTTP statuses map to what the outbox does next", "[unit][teams]") {
  using K = bot::SendErrorKind;
  using std::chrono::milliseconds;
  auto ok = to_send_result(201, milliseconds(0), R"({"id":"17"})");
  CHECK(ok.ok());
  CHECK(ok.ref == "17");

  auto limited =
      to_send_result(429, milliseconds(3000), R"({"error":{"code":"TooManyRequests","message":"slow down"}})");
  CHECK(limited.error == K::rate_limited);
  CHECK(limited.retryable());
  CHECK(limited.retry_after == milliseconds(3000));
  CHECK(limited.error_text == "HTTP 429: TooManyRequests: slow down");

  for (int status : {412, 500, 502, 503, 504}) {
    INFO(status);
    CHECK(to_send_result(status, milliseconds(0), "").error == K::server);
    CHECK(to_send_result(status, milliseconds(0), "").retryable());
  }
  auto blocked =
      to_send_result(403, milliseconds(0), R"({"errorCode":209,"message":"{\"subCode\":\"MessageWritesBlocked\"}"})");
  CHECK(blocked.error == K::auth);
  CHECK(blocked.error_text.find("MessageWritesBlocked") != std::string::npos);
  CHECK_FALSE(blocked.retryable());
  CHECK(to_send_result(401, milliseconds(0), "").error == K::auth);
  CHECK(to_send_result(404, milliseconds(0), "").error == K::not_found);
  CHECK(to_send_result(400, milliseconds(0), "").error == K::bad_request);
  CHECK(to_send_result(413, milliseconds(0), "").error == K::bad_request);

  CHECK(retry_status(429));
  CHECK(retry_status(412));
  CHECK(retry_status(502));
  CHECK(retry_status(504));
  CHECK_FALSE(retry_status(500));
  CHECK_FALSE(retry_status(403));
}
