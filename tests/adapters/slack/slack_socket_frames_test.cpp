// Socket Mode frames and acks on captured frames (tests/fixtures/slack/).
#include "adapters/slack/slack_socket_frames.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/slack_protocol_fixtures.hpp"

using namespace adapters::slack;
using nlohmann::json;
using test_support::slack::fixture;

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
