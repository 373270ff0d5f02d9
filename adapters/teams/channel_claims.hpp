#pragma once
// What a Bot Framework channel → bot token must say once its signature is verified (Microsoft's
// "Authentication with the Bot Connector API", channel to bot; docs/teams.md, "How it is built"):
// issuer, audience, lifetime with clock skew, the serviceurl claim, and the signing key's
// endorsement of the channel. Pure: no I/O, no clock.
#include <chrono>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/common/error.hpp"
#include "adapters/teams/jwks.hpp"

namespace adapters::teams {

struct ChannelClaimRules {
  std::string issuer;       // "https://api.botframework.com"
  std::string app_id;       // the bot's Microsoft App ID
  std::string service_url;  // the activity's serviceUrl
  std::chrono::seconds clock_skew{300};
  std::chrono::system_clock::time_point now;
};

// iss == issuer; aud (a string, or a list containing one) == app_id, "api://<app_id>" or
// "api://botid-<app_id>" (the forms teams.py accepts); exp present and now < exp + skew;
// nbf absent or nbf <= now + skew; serviceurl == service_url ignoring trailing '/'.
std::optional<Error> check_channel_claims(const nlohmann::json& payload, const ChannelClaimRules& rules);

// A key with endorsements signs only for the channels it lists; a key without any is unrestricted.
std::optional<Error> check_endorsement(const SigningKey& key, std::string_view channel_id);

}  // namespace adapters::teams
