// Web API calls from deliveries, and what Slack's answers mean.
#include "adapters/slack/slack_api_calls.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace adapters::slack;
using nlohmann::json;

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
  for (auto e :
       {"invalid_auth", "not_authed", "token_revoked", "account_inactive", "missing_scope", "not_allowed_token_type"})
    CHECK(kind(e) == bot::SendErrorKind::auth);
  for (auto e : {"channel_not_found", "not_in_channel", "is_archived", "message_not_found"})
    CHECK(kind(e) == bot::SendErrorKind::not_found);
  for (auto e : {"invalid_blocks", "msg_too_long", "no_text"}) CHECK(kind(e) == bot::SendErrorKind::bad_request);
  for (auto e : {"internal_error", "fatal_error"}) CHECK(kind(e) == bot::SendErrorKind::server);
  CHECK(to_send_result(503, std::nullopt, "upstream down").error == bot::SendErrorKind::server);
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
