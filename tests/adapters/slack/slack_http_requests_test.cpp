// HTTP mode's requests: signatures, form bodies and URL verification.
#include "adapters/slack/slack_http_requests.hpp"

#include <catch2/catch.hpp>
#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "adapters/slack/slack_payloads.hpp"
#include "tests/support/slack_protocol_fixtures.hpp"

using namespace adapters::slack;
using nlohmann::json;
using test_support::slack::fixture;
using test_support::slack::kNow;

TEST_CASE("request signature v0", "[unit][slack]") {
  const std::string secret = "8f742231b10e8888abcd99yyyzzz85a5";
  const std::string body = "token=xyz&team_id=T0001&command=%2Fsocialmedia&text=request+tiktok";
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

  CHECK(
      url_verification_challenge(
          R"({"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"})") ==
      "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
  CHECK_FALSE(url_verification_challenge(R"({"type":"event_callback"})"));
}
