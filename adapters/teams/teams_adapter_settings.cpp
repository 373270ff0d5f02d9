// The config's adapters.teams settings → TeamsOptions, and every problem with them at once for
// hallpass check-config (declared in teams_adapter.hpp; the auth part is teams_auth_settings.cpp).
#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <cctype>
#include <fstream>
#include <functional>
#include <set>
#include <stdexcept>

#include "adapters/common/endpoint_url.hpp"
#include "adapters/teams/teams_adapter.hpp"

namespace adapters::teams {

namespace {

using settings::Check;
using settings::Settings;

const std::vector<std::string_view>& known_keys() {
  static const std::vector<std::string_view> keys{
      "app_id", "app_secret", "tenant_id",       "multi_tenant",    "openid_metadata_url",
      "issuer", "authority",  "ca_file",         "service_urls",    "service_url",
      "listen", "port",       "tls_certificate", "tls_private_key", "bot_name",
      "tenants"};
  return keys;
}

using settings::setting;

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  auto flush = [&] {
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) item.pop_back();
    std::size_t start = 0;
    while (start < item.size() && std::isspace(static_cast<unsigned char>(item[start]))) ++start;
    if (start < item.size()) out.push_back(item.substr(start));
    item.clear();
  };
  for (char c : text) {
    if (c == ',')
      flush();
    else
      item += c;
  }
  flush();
  return out;
}

// A tenant id is a GUID: 8-4-4-4-12 hex digits.
bool is_tenant_id(std::string_view id) {
  if (id.size() != 36) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? id[i] != '-' : !std::isxdigit(static_cast<unsigned char>(id[i]))) return false;
  }
  return true;
}

// Whose activities are accepted: `tenants` when set; else a single-tenant bot's own tenant; else
// (a legacy multi-tenant bot without `tenants`) anyone's.
std::vector<std::string> accepted_tenants(const Settings& s) {
  std::vector<std::string> listed = split_list(setting(s, "tenants"));
  if (!listed.empty()) return listed;
  if (setting(s, "multi_tenant") == "true") return {};
  if (std::string own = setting(s, "tenant_id"); !own.empty()) return {own};
  return {};
}

unsigned short port_setting(const Settings& s) {
  const std::string text = setting(s, "port", std::to_string(kDefaultPort));
  const bool digits = !text.empty() && text.size() <= 5 &&
                      std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  const long value = digits ? std::stol(text) : -1;
  if (value < 1 || value > 65535) throw std::invalid_argument("adapters.teams.port must be a number from 1 to 65535");
  return static_cast<unsigned short>(value);
}

void readable(const std::string& key, const std::string& path) {
  if (path.empty()) return;
  if (!std::ifstream(path)) throw std::invalid_argument("adapters.teams." + key + ": cannot read " + path);
}

void url_setting(const std::string& key, const std::string& url) {
  try {
    http::parse_endpoint_url(url);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("adapters.teams." + key + ": " + e.what());
  }
}

void service_url_setting(const std::string& key, const std::string& url) {
  if (auto parsed = parse_service_url(url); !parsed)
    throw std::invalid_argument("adapters.teams." + key + ": " + parsed.error().message);
}

// Each check on its own, so check_settings can report all of them.

std::vector<std::pair<std::string, Check>> checks() {
  return {
      {"app_id", [](const Settings& s) { auth_options_from_settings(s); }},
      {"app_secret",
       [](const Settings& s) {
         if (setting(s, "app_secret").empty())
           throw std::invalid_argument(
               "adapters.teams.app_secret is missing: write app_secret: \"${TEAMS_APP_SECRET}\" "
               "and set that environment variable to the client secret");
       }},
      {"multi_tenant",
       [](const Settings& s) {
         Settings only{
             {"multi_tenant", setting(s, "multi_tenant")}, {"app_id", "x"}, {"app_secret", "x"}, {"tenant_id", "x"}};
         token_options_from_settings(only);
       }},
      {"tenant_id",
       [](const Settings& s) {
         Settings copy = s;
         copy["app_id"] = "x";
         copy["app_secret"] = "x";
         try {
           token_options_from_settings(copy);
         } catch (const std::invalid_argument& e) {
           if (std::string(e.what()).find("tenant_id") != std::string::npos)
             throw std::invalid_argument(
                 "adapters.teams.tenant_id is missing: a single-tenant bot gets its token from "
                 "its own Microsoft Entra tenant (the Directory (tenant) ID of the app registration)");
         }
       }},
      {"openid_metadata_url",
       [](const Settings& s) {
         url_setting("openid_metadata_url", setting(s, "openid_metadata_url", kDefaultOpenIdMetadataUrl));
       }},
      {"authority", [](const Settings& s) { url_setting("authority", setting(s, "authority", kDefaultAuthority)); }},
      {"ca_file", [](const Settings& s) { readable("ca_file", setting(s, "ca_file")); }},
      {"service_urls",
       [](const Settings& s) {
         for (const auto& u : split_list(setting(s, "service_urls"))) service_url_setting("service_urls", u);
       }},
      {"service_url",
       [](const Settings& s) { service_url_setting("service_url", setting(s, "service_url", kDefaultServiceUrl)); }},
      {"listen",
       [](const Settings& s) {
         const std::string address = setting(s, "listen", "127.0.0.1");
         boost::system::error_code ec;
         if (address != "localhost") boost::asio::ip::make_address(address, ec);
         if (ec)
           throw std::invalid_argument("adapters.teams.listen: \"" + address +
                                       "\" is not an IP address (127.0.0.1 behind a reverse proxy on this machine, "
                                       "0.0.0.0 for one elsewhere)");
       }},
      {"port", [](const Settings& s) { port_setting(s); }},
      {"tls_certificate",
       [](const Settings& s) {
         if (setting(s, "tls_certificate").empty() != setting(s, "tls_private_key").empty())
           throw std::invalid_argument(
               "adapters.teams.tls_certificate and tls_private_key go together (or leave both out "
               "and let the reverse proxy do TLS)");
         readable("tls_certificate", setting(s, "tls_certificate"));
       }},
      {"tls_private_key", [](const Settings& s) { readable("tls_private_key", setting(s, "tls_private_key")); }},
      {"tenants",
       [](const Settings& s) {
         if (s.contains("tenants") && split_list(setting(s, "tenants")).empty())
           throw std::invalid_argument(
               "adapters.teams.tenants is empty: list the Directory (tenant) IDs whose people may use Hallpass, "
               "or leave the key out to accept only tenant_id");
         for (const auto& t : split_list(setting(s, "tenants")))
           if (!is_tenant_id(t))
             throw std::invalid_argument("adapters.teams.tenants: \"" + t +
                                         "\" is not a tenant id (a Directory (tenant) ID looks like "
                                         "9a7f3c2e-5b1d-4e8a-8f6c-2d4b6a8c0e1f)");
       }},
  };
}

}  // namespace

std::vector<SettingProblem> check_settings(const Settings& settings) {
  static const settings::AdapterSettingRules rules{"teams", "Teams", known_keys(), checks()};
  return settings::check_settings(rules, settings);
}

TeamsOptions options_from_settings(const Settings& settings) {
  if (auto problems = check_settings(settings); !problems.empty())
    throw std::invalid_argument(problems.front().message);
  TeamsOptions o;
  o.auth = auth_options_from_settings(settings);
  o.token = token_options_from_settings(settings);
  o.connector.ca_file = setting(settings, "ca_file");
  o.connector.trusted_service_urls = split_list(setting(settings, "service_urls"));
  o.service_url = setting(settings, "service_url", kDefaultServiceUrl);
  o.tenant_id = setting(settings, "tenant_id");
  o.accepted_tenants = accepted_tenants(settings);
  o.bot_name = setting(settings, "bot_name", "Hallpass");
  o.server.name = "teams";
  o.server.listen_address = setting(settings, "listen", "127.0.0.1");
  o.server.port = port_setting(settings);
  o.server.tls_certificate_file = setting(settings, "tls_certificate");
  o.server.tls_private_key_file = setting(settings, "tls_private_key");
  // Activities are small (Teams caps a message at 100 KB); a larger body is not from Teams.
  o.server.max_body_bytes = 512 * 1024;
  return o;
}

}  // namespace adapters::teams
