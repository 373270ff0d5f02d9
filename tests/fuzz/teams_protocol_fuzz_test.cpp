// Teams' decoders on mutated captured payloads: Bot Framework activities, the Authorization
// header and the JWT header read before verification, token claims, JWK sets, Connector responses.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "adapters/teams/base64url.hpp"
#include "adapters/teams/channel_claims.hpp"
#include "adapters/teams/connector_calls.hpp"
#include "adapters/teams/jwks.hpp"
#include "adapters/teams/jwt_header.hpp"
#include "adapters/teams/teams_protocol.hpp"
#include "tests/fuzz/fuzz_checks.hpp"
#include "tests/fuzz/mutator.hpp"

namespace {

using namespace adapters::teams;
using nlohmann::json;

const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1741101700));

void require_clean(const fuzz::Report& report) {
  INFO(report.first_failure);
  CHECK(report.failures == 0);
  CHECK(report.inputs > 0);
}

}  // namespace

TEST_CASE("fuzz: Bot Framework activities", "[fuzz][teams]") {
  const auto seeds = fuzz::read_corpus({fuzz::fixtures("teams")});
  REQUIRE(seeds.size() >= 10);
  auto report = fuzz::run(seeds, fuzz::scaled(20000), [](std::string_view body) -> std::string {
    auto parsed = parse_activity(body, kNow);
    if (!parsed) return fuzz::error_problem(parsed.error().message);
    if (parsed->inbound) {
      if (auto p = fuzz::inbound_problem(*parsed->inbound, "teams"); !p.empty()) return p;
    } else if (parsed->ignored.empty()) {
      return "an activity was ignored without a reason";
    }
    // The adapter saves the reference and reads it back after a restart: it must survive that.
    const ConversationReference& ref = parsed->reference;
    if (!ref.service_url.empty() && !ref.conversation_id.empty()) {
      auto again = reference_from_json(reference_to_json(ref));
      if (!again) return "a saved conversation reference does not read back: " + again.error().message;
      if (again->conversation_id != ref.conversation_id) return "a saved conversation reference reads back changed";
    }
    const auto id = split_conversation_id(ref.conversation_id);
    if (auto thread = thread_conversation_id(id.base, id.message_id); !thread)
      return fuzz::error_problem(thread.error().message);
    (void)is_channel_conversation(ref.conversation_id, ref.conversation_type);
    return {};
  });
  require_clean(report);
}

TEST_CASE("fuzz: saved conversation references and timestamps", "[fuzz][teams]") {
  std::vector<std::string> seeds = {"2025-03-04T15:21:07.4561234Z", "2025-03-04T07:21:07.4561234-08:00",
                                    "2024-02-29T23:59:60Z"};
  for (const std::string& activity : fuzz::read_corpus({fuzz::fixtures("teams")}))
    if (auto parsed = parse_activity(activity, kNow); parsed && !parsed->reference.conversation_id.empty())
      seeds.push_back(reference_to_json(parsed->reference));
  auto report = fuzz::run(seeds, fuzz::scaled(20000), [](std::string_view input) -> std::string {
    (void)parse_timestamp(input);
    auto ref = reference_from_json(input);
    if (!ref) return fuzz::error_problem(ref.error().message);
    return {};
  });
  require_clean(report);
}

TEST_CASE("fuzz: the Authorization header and the JWT header read before verification", "[fuzz][teams]") {
  // Whole "Bearer …" headers, and header objects sent as the first part of an otherwise valid token.
  const auto seeds = fuzz::read_corpus({fuzz::corpus("teams_jwt")});
  REQUIRE(seeds.size() >= 2);
  auto report = fuzz::run(seeds, fuzz::scaled(20000), [](std::string_view input) -> std::string {
    for (const std::string& header : {std::string(input), "Bearer " + base64url_encode(input) + ".e30.c2ln"}) {
      auto token = bearer_token(header);
      if (!token) {
        if (auto p = fuzz::error_problem(token.error().message); !p.empty()) return p;
        continue;
      }
      auto jwt = peek_jwt_header(*token);
      if (!jwt) {
        if (auto p = fuzz::error_problem(jwt.error().message); !p.empty()) return p;
      }
    }
    (void)base64url_decode(input);
    (void)base64_decode(input);
    return {};
  });
  require_clean(report);
}

TEST_CASE("fuzz: token claims after the signature check", "[fuzz][teams]") {
  const auto seeds = fuzz::read_corpus({fuzz::corpus("teams_jwt")});
  ChannelClaimRules rules{.issuer = "https://api.botframework.com",
                          .app_id = "8f2c1e7a-3b4d-4e5f-9a0b-1c2d3e4f5a6b",
                          .service_url = "https://smba.trafficmanager.net/amer/",
                          .now = std::chrono::system_clock::time_point(std::chrono::seconds(1741102000))};
  auto report = fuzz::run(seeds, fuzz::scaled(10000), [&rules](std::string_view input) -> std::string {
    json payload = json::parse(input, nullptr, /*allow_exceptions=*/false);
    if (payload.is_discarded()) return {};
    if (auto failure = check_channel_claims(payload, rules)) return fuzz::error_problem(failure->message);
    return {};
  });
  require_clean(report);
}

TEST_CASE("fuzz: JWK sets", "[fuzz][teams]") {
  const auto seeds = fuzz::read_corpus({fuzz::corpus("teams_jwks")});
  REQUIRE(seeds.size() >= 2);
  for (const auto& s : seeds) {
    auto keys = parse_jwks(s);
    REQUIRE(keys.has_value());
    CHECK_FALSE(keys->by_kid.empty());
  }
  // RSA key conversion is slow (OpenSSL): fewer inputs.
  auto report = fuzz::run(seeds, fuzz::scaled(3000), [](std::string_view body) -> std::string {
    auto keys = parse_jwks(body);
    if (!keys) return fuzz::error_problem(keys.error().message);
    for (const auto& [kid, key] : keys->by_kid)
      if (!key || key->public_pem.empty()) return "a usable key without a public key";
    return {};
  });
  require_clean(report);
}

TEST_CASE("fuzz: Connector responses and service URLs", "[fuzz][teams]") {
  auto seeds = fuzz::read_corpus({fuzz::corpus("teams_connector")});
  seeds.push_back("https://smba.trafficmanager.net/amer/");
  seeds.push_back("http://127.0.0.1:3978/teams/");
  // Nine decoders per input: fewer inputs.
  auto report = fuzz::run(seeds, fuzz::scaled(6000), [](std::string_view body) -> std::string {
    if (auto r = parse_resource_id(body); !r) {
      if (auto p = fuzz::error_problem(r.error().message); !p.empty()) return p;
    }
    if (auto r = parse_conversation_resource(body); !r) {
      if (auto p = fuzz::error_problem(r.error().message); !p.empty()) return p;
    }
    if (auto r = parse_member(body); !r) {
      if (auto p = fuzz::error_problem(r.error().message); !p.empty()) return p;
    }
    (void)error_message(body);
    for (int status : {201, 403, 429, 502}) (void)to_send_result(status, std::chrono::milliseconds(0), body);
    if (auto url = parse_service_url(body); !url) return fuzz::error_problem(url.error().message);
    return {};
  });
  require_clean(report);
}
