// Slack's decoders on mutated captured payloads: Socket Mode frames, Events API, interactivity and
// slash command payloads, HTTP-mode form bodies and signatures, Web API responses.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "adapters/slack/slack_api_calls.hpp"
#include "adapters/slack/slack_http_requests.hpp"
#include "adapters/slack/slack_payloads.hpp"
#include "adapters/slack/slack_socket_frames.hpp"
#include "tests/fuzz/fuzz_checks.hpp"
#include "tests/fuzz/mutator.hpp"

namespace {

using namespace adapters::slack;
using nlohmann::json;

const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1700000500));

std::vector<std::string> frames() { return fuzz::read_corpus({fuzz::fixtures("slack")}); }

// The payload objects inside the captured envelopes, as an HTTP Request URL would get them.
std::vector<std::string> payloads() {
  std::vector<std::string> out;
  for (const std::string& frame : frames()) {
    json j = json::parse(frame);
    if (j.contains("payload")) out.push_back(j["payload"].dump());
  }
  return out;
}

// A payload through the decoder the way both receivers call it: with an envelope id (Socket Mode)
// and without one (HTTP mode, where the event id comes from the payload), as every envelope type.
std::string decode_payload(std::string_view payload) {
  for (EnvelopeType type : {EnvelopeType::events_api, EnvelopeType::interactive, EnvelopeType::slash_commands})
    for (std::string_view envelope_id : {std::string_view("env-1"), std::string_view()}) {
      auto r = payload_to_inbound(type, payload, envelope_id, kNow);
      if (!r) {
        if (auto p = fuzz::error_problem(r.error().message); !p.empty()) return p;
      } else if (*r) {
        if (auto p = fuzz::inbound_problem(**r, "slack"); !p.empty()) return p;
      }
    }
  return {};
}

void require_clean(const fuzz::Report& report) {
  INFO(report.first_failure);
  CHECK(report.failures == 0);
  CHECK(report.inputs > 0);
}

}  // namespace

TEST_CASE("fuzz: Socket Mode frames and the payloads they carry", "[fuzz][slack]") {
  const auto seeds = frames();
  REQUIRE(seeds.size() >= 10);
  for (const auto& s : seeds) REQUIRE(parse_frame(s).has_value());
  auto report = fuzz::run(seeds, fuzz::scaled(20000), [](std::string_view input) -> std::string {
    auto frame = parse_frame(input);
    if (!frame) return fuzz::error_problem(frame.error().message);
    if (frame->kind != FrameKind::envelope) return {};
    auto in = payload_to_inbound(frame->envelope.type, frame->envelope.payload, frame->envelope.envelope_id, kNow);
    if (!in) return fuzz::error_problem(in.error().message);
    if (*in) return fuzz::inbound_problem(**in, "slack");
    return {};
  });
  require_clean(report);
}

TEST_CASE("fuzz: Events API and interactivity and slash command payloads", "[fuzz][slack]") {
  auto report = fuzz::run(payloads(), fuzz::scaled(20000), decode_payload);
  require_clean(report);
}

TEST_CASE("fuzz: HTTP mode form bodies and interactive payloads and URL verification", "[fuzz][slack]") {
  // The bodies Slack posts to the Request URLs, built from the captured payloads.
  std::vector<std::string> seeds;
  for (const std::string& payload : payloads()) {
    json p = json::parse(payload);
    if (p.contains("command")) {
      std::string body;
      for (const auto& [k, v] : p.items())
        if (v.is_string()) body += (body.empty() ? "" : "&") + k + "=" + fuzz::form_encode(v.get<std::string>());
      seeds.push_back(body);
    } else if (p.contains("type") && p["type"] != "event_callback") {
      seeds.push_back("payload=" + fuzz::form_encode(payload));
    } else {
      seeds.push_back(payload);
    }
  }
  seeds.push_back(
      R"({"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"})");
  auto report = fuzz::run(seeds, fuzz::scaled(20000), [](std::string_view body) -> std::string {
    if (auto fields = parse_form_urlencoded(body); !fields) return fuzz::error_problem(fields.error().message);
    if (auto command = parse_slash_command_form(body, kNow)) {
      if (auto p = fuzz::inbound_problem(*command, "slack"); !p.empty()) return p;
    } else if (auto p = fuzz::error_problem(command.error().message); !p.empty()) {
      return p;
    }
    if (auto payload = interactive_payload_from_form(body)) {
      auto in = payload_to_inbound(EnvelopeType::interactive, *payload, {}, kNow);
      if (!in) return fuzz::error_problem(in.error().message);
      if (*in) return fuzz::inbound_problem(**in, "slack");
    } else if (auto p = fuzz::error_problem(payload.error().message); !p.empty()) {
      return p;
    }
    (void)url_verification_challenge(body);
    return decode_payload(body);
  });
  require_clean(report);
}

TEST_CASE("fuzz: request signature headers", "[fuzz][slack]") {
  // Timestamp and signature headers come from whoever reaches the Request URL: seeds are a
  // correct pair's shapes; a mutated header must be refused or checked, never throw.
  const std::vector<std::string> seeds = {
      "1700000500", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
      "1700000500|v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"};
  auto report = fuzz::run(seeds, fuzz::scaled(20000), [](std::string_view input) -> std::string {
    const auto bar = input.find('|');
    const std::string_view timestamp = input.substr(0, bar);
    const std::string_view signature = bar == std::string_view::npos ? input : input.substr(bar + 1);
    for (auto [ts, sig] :
         {std::pair{timestamp, signature}, std::pair{input, input}, std::pair{std::string_view("1700000500"), input}}) {
      auto r = verify_slack_signature("8f742231b10e8888abcd99yyyzzz85a5", ts, sig, "token=x&text=y", kNow);
      if (r) return "a mutated signature was accepted";
      if (auto p = fuzz::error_problem(r.error().message); !p.empty()) return p;
    }
    return {};
  });
  require_clean(report);
}

TEST_CASE("fuzz: Web API responses", "[fuzz][slack]") {
  const auto seeds = fuzz::read_corpus({fuzz::corpus("slack_api")});
  REQUIRE(seeds.size() >= 3);
  auto report = fuzz::run(seeds, fuzz::scaled(20000), [](std::string_view body) -> std::string {
    if (auto r = parse_api_response(body); !r) {
      if (auto p = fuzz::error_problem(r.error().message); !p.empty()) return p;
    }
    for (int status : {200, 429, 500}) (void)to_send_result(status, std::nullopt, body);
    return {};
  });
  require_clean(report);
}
