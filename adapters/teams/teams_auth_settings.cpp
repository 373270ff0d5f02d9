// The config's adapters.teams settings → AuthOptions and BotTokenOptions (declared in teams_auth.hpp).
#include <stdexcept>

#include "adapters/teams/teams_auth.hpp"

namespace adapters::teams {

namespace {

using Settings = std::map<std::string, std::string>;

std::string optional_setting(const Settings& s, const std::string& name, std::string_view fallback = {}) {
  auto it = s.find(name);
  return it == s.end() || it->second.empty() ? std::string(fallback) : it->second;
}

std::string required_setting(const Settings& s, const std::string& name) {
  std::string value = optional_setting(s, name);
  if (value.empty()) throw std::invalid_argument("adapters.teams." + name + " is missing");
  return value;
}

bool flag_setting(const Settings& s, const std::string& name) {
  std::string value = optional_setting(s, name, "false");
  if (value == "true" || value == "yes" || value == "1") return true;
  if (value == "false" || value == "no" || value == "0") return false;
  throw std::invalid_argument("adapters.teams." + name + " must be true or false");
}

}  // namespace

AuthOptions auth_options_from_settings(const Settings& settings) {
  AuthOptions out;
  out.app_id = required_setting(settings, "app_id");
  out.openid_metadata_url = optional_setting(settings, "openid_metadata_url", kDefaultOpenIdMetadataUrl);
  out.expected_issuer = optional_setting(settings, "issuer", kDefaultIssuer);
  out.ca_file = optional_setting(settings, "ca_file");
  return out;
}

BotTokenOptions token_options_from_settings(const Settings& settings) {
  BotTokenOptions out;
  out.app_id = required_setting(settings, "app_id");
  out.app_secret = required_setting(settings, "app_secret");
  out.multi_tenant = flag_setting(settings, "multi_tenant");
  out.tenant_id = out.multi_tenant ? optional_setting(settings, "tenant_id") : required_setting(settings, "tenant_id");
  out.authority = optional_setting(settings, "authority", kDefaultAuthority);
  out.ca_file = optional_setting(settings, "ca_file");
  return out;
}

}  // namespace adapters::teams
