// Bad bytes never cost an answer: a %FF in a signed slash command, a cut character, a lone
// surrogate escape in a Socket Mode envelope or any platform's JSON are read with U+FFFD in their
// place, instead of refusing the whole payload (which left the command unanswered, or the envelope
// never acknowledged).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string>

#include "adapters/common/json_fields.hpp"
#include "adapters/slack/slack_http_requests.hpp"
#include "adapters/slack/slack_socket_frames.hpp"
#include "bot/model/text.hpp"

namespace {
const std::string kReplacement = "\xEF\xBF\xBD";  // U+FFFD
const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1764000000));
}  // namespace

TEST_CASE("UTF-8: well-formed text is kept, every bad byte becomes U+FFFD", "[unit][fuzz]") {
  const std::string good = "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 plain";
  CHECK(bot::is_utf8(good));
  CHECK(bot::scrub_utf8(good) == good);
  CHECK_FALSE(
      bot::is_utf8("a\xFF"
                   "b"));
  CHECK(bot::scrub_utf8("a\xFF"
                        "b") == "a" + kReplacement + "b");
  CHECK(bot::scrub_utf8("cut \xE2\x82") == "cut " + kReplacement + kReplacement);        // a cut euro sign
  CHECK(bot::scrub_utf8("\xC0\xAF") == kReplacement + kReplacement);                     // overlong "/"
  CHECK(bot::scrub_utf8("\xED\xA0\x80") == kReplacement + kReplacement + kReplacement);  // a surrogate
  CHECK(bot::scrub_utf8("\xF4\x90\x80\x80") == kReplacement + kReplacement + kReplacement + kReplacement);
  CHECK(bot::is_utf8(bot::scrub_utf8("\x80\xBF\xFE\xFF\xC3")));
}

TEST_CASE("JSON with a lone surrogate or a bad byte is read, with U+FFFD in its place", "[unit][fuzz]") {
  auto lone = adapters::json_fields::parse(R"({"text":"a\ud800b","n":1})");
  REQUIRE_FALSE(lone.is_discarded());
  CHECK(lone["text"] == "a" + kReplacement + "b");
  CHECK(lone["n"] == 1);
  auto low = adapters::json_fields::parse(R"({"text":"\udc00"})");
  REQUIRE_FALSE(low.is_discarded());
  CHECK(low["text"] == kReplacement);
  // A real pair stays the character it is; an escaped backslash is not an escape.
  auto pair = adapters::json_fields::parse(R"({"text":"\ud83d\ude00","path":"C:\\ud800"})");
  REQUIRE_FALSE(pair.is_discarded());
  CHECK(pair["text"] == "\xF0\x9F\x98\x80");
  CHECK(pair["path"] == "C:\\ud800");
  auto raw = adapters::json_fields::parse("{\"text\":\"caf\xE9\"}");  // Latin-1, not UTF-8
  REQUIRE_FALSE(raw.is_discarded());
  CHECK(raw["text"] == "caf" + kReplacement);
  // What is not JSON stays refused.
  CHECK(adapters::json_fields::parse(R"({"text":"\ud800")").is_discarded());
  CHECK(adapters::json_fields::parse("not json \xFF").is_discarded());
}

TEST_CASE("Slack: a signed slash command with %FF in its text is read and can be answered", "[unit][slack]") {
  auto cmd = adapters::slack::parse_slash_command_form(
      "team_id=T0HALLPASS&channel_id=D0TEACHER1&user_id=U0TEACHER1&command=%2Fsocialmedia"
      "&text=ask+can+I+post+%FF+photos&trigger_id=111.222.ff",
      kNow);
  REQUIRE(cmd.has_value());
  CHECK(cmd->text == "ask can I post " + kReplacement + " photos");
  CHECK(bot::is_utf8(cmd->text));
}

TEST_CASE("Slack: a Socket Mode envelope with a lone surrogate is read, so it is acknowledged", "[unit][slack]") {
  const std::string frame =
      R"({"envelope_id":"e-ud800","type":"events_api","accepts_response_payload":false,"payload":)"
      R"({"event":{"type":"message","channel_type":"im","user":"U0TEACHER1","text":"hi \ud800","ts":"1.2",)"
      R"("channel":"D0TEACHER1"},"event_id":"Ev1","team_id":"T0HALLPASS"}})";
  auto parsed = adapters::slack::parse_frame(frame);
  REQUIRE(parsed.has_value());
  CHECK(parsed->envelope.envelope_id == "e-ud800");
  CHECK(nlohmann::json::parse(parsed->envelope.payload)["event"]["text"] == "hi " + kReplacement);
}
