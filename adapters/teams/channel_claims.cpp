#include "adapters/teams/channel_claims.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace adapters::teams {

namespace {

using nlohmann::json;

std::string_view without_trailing_slashes(std::string_view url) {
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  return url;
}

bool audience_matches(const json& aud, const std::string& app_id) {
  auto one = [&](const json& value) {
    if (!value.is_string()) return false;
    const auto& s = value.get_ref<const std::string&>();
    return s == app_id || s == "api://" + app_id || s == "api://botid-" + app_id;
  };
  if (aud.is_array()) return std::any_of(aud.begin(), aud.end(), one);
  return one(aud);
}

// Seconds since the epoch as JWT NumericDate: an integer or a fraction.
std::optional<double> numeric_date(const json& payload, const char* name) {
  auto it = payload.find(name);
  if (it == payload.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

}  // namespace

std::optional<Error> check_channel_claims(const json& payload, const ChannelClaimRules& rules) {
  if (!payload.is_object()) return auth_error("the token payload is not a JSON object");
  auto iss = payload.find("iss");
  if (iss == payload.end() || !iss->is_string() || iss->get<std::string>() != rules.issuer)
    return auth_error("the token's issuer is not " + rules.issuer);
  auto aud = payload.find("aud");
  if (rules.app_id.empty() || aud == payload.end() || !audience_matches(*aud, rules.app_id))
    return auth_error("the token is for another audience than this bot's app id");

  const double now = std::chrono::duration<double>(rules.now.time_since_epoch()).count();
  const double skew = static_cast<double>(rules.clock_skew.count());
  if (payload.contains("exp") && !numeric_date(payload, "exp")) return auth_error("the token's exp is not a number");
  auto exp = numeric_date(payload, "exp");
  if (!exp) return auth_error("the token has no expiry");
  if (now >= *exp + skew) return auth_error("the token has expired");
  if (payload.contains("nbf")) {
    auto nbf = numeric_date(payload, "nbf");
    if (!nbf) return auth_error("the token's nbf is not a number");
    if (*nbf > now + skew) return auth_error("the token is not valid yet (nbf)");
  }

  auto claim = payload.find("serviceurl");
  if (claim == payload.end() || !claim->is_string() || claim->get_ref<const std::string&>().empty())
    return auth_error("the token has no serviceurl claim");
  if (without_trailing_slashes(claim->get_ref<const std::string&>()) != without_trailing_slashes(rules.service_url))
    return auth_error("the token's serviceurl is not the activity's serviceUrl");
  return std::nullopt;
}

std::optional<Error> check_endorsement(const SigningKey& key, std::string_view channel_id) {
  if (key.endorsements.empty()) return std::nullopt;
  if (std::find(key.endorsements.begin(), key.endorsements.end(), channel_id) != key.endorsements.end())
    return std::nullopt;
  return auth_error("the signing key is not endorsed for the activity's channel");
}

}  // namespace adapters::teams
