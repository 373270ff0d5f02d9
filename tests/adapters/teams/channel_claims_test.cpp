// The claims a verified channel token must carry (teams.md §2.4-5): pure checks, no keys.
#include "adapters/teams/channel_claims.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace {

using adapters::teams::ChannelClaimRules;
using adapters::teams::check_channel_claims;
using nlohmann::json;
using Clock = std::chrono::system_clock;

const Clock::time_point kNow = Clock::time_point(std::chrono::seconds(1795000000));

ChannelClaimRules rules(std::string service_url = "https://smba.trafficmanager.net/amer/") {
  return {.issuer = "https://api.botframework.com",
          .app_id = "app-1",
          .service_url = std::move(service_url),
          .clock_skew = std::chrono::seconds(300),
          .now = kNow};
}

json payload() {
  return {{"iss", "https://api.botframework.com"},
          {"aud", "app-1"},
          {"serviceurl", "https://smba.trafficmanager.net/amer/"},
          {"nbf", 1795000000 - 10},
          {"exp", 1795000000 + 3600}};
}

std::string verdict(const json& p, const ChannelClaimRules& r = rules()) {
  auto failure = check_channel_claims(p, r);
  return failure ? failure->message : "ok";
}

}  // namespace

TEST_CASE("channel claims: the audience forms teams.py accepts, and no others", "[unit][teams]") {
  for (const char* aud : {"app-1", "api://app-1", "api://botid-app-1"}) {
    json p = payload();
    p["aud"] = aud;
    CHECK(verdict(p) == "ok");
  }
  json list = payload();
  list["aud"] = {"other", "app-1"};
  CHECK(verdict(list) == "ok");
  for (json aud : {json("app-2"), json("APP-1"), json("api://botid-app-2"), json(42), json::array({"other"})}) {
    json p = payload();
    p["aud"] = aud;
    CHECK(verdict(p) != "ok");
  }
}

TEST_CASE("channel claims: serviceurl compares without trailing slashes, exactly otherwise", "[unit][teams]") {
  CHECK(verdict(payload(), rules("https://smba.trafficmanager.net/amer")) == "ok");
  json p = payload();
  p["serviceurl"] = "https://smba.trafficmanager.net/amer";
  CHECK(verdict(p) == "ok");
  CHECK(verdict(payload(), rules("https://smba.trafficmanager.net/amer/x")) != "ok");
  CHECK(verdict(payload(), rules("")) != "ok");
  p["serviceurl"] = "";
  CHECK(verdict(p, rules("")) != "ok");  // an empty claim never matches
}

TEST_CASE("channel claims: times must be numbers", "[unit][teams]") {
  json p = payload();
  p["exp"] = "1795003600";
  CHECK(verdict(p) == "the token's exp is not a number");
  p = payload();
  p["nbf"] = nullptr;
  CHECK(verdict(p) == "the token's nbf is not a number");
  p.erase("nbf");
  CHECK(verdict(p) == "ok");      // nbf is optional
  p["exp"] = 1795000000.5 - 300;  // fractional NumericDate, just within the skew
  CHECK(verdict(p) == "ok");
}

TEST_CASE("channel claims: endorsements restrict a key to its channels", "[unit][teams]") {
  adapters::teams::SigningKey key;
  CHECK_FALSE(adapters::teams::check_endorsement(key, "msteams").has_value());  // unrestricted
  key.endorsements = {"msteams", "webchat"};
  CHECK_FALSE(adapters::teams::check_endorsement(key, "msteams").has_value());
  CHECK(adapters::teams::check_endorsement(key, "slack").has_value());
  CHECK(adapters::teams::check_endorsement(key, "").has_value());
}
