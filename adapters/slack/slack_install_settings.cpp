#include "adapters/slack/slack_install_settings.hpp"

#include <algorithm>
#include <stdexcept>

#include "adapters/common/endpoint_url.hpp"

namespace adapters::slack {

namespace {

using settings::Check;
using settings::setting;
using settings::Settings;

void fail(const std::string& message) { throw std::invalid_argument("adapters.slack." + message); }

bool http_mode(const Settings& s) { return setting(s, "mode") == "http"; }

// A setting that means something only with client_id.
void only_with_client_id(const Settings& s, const std::string& key) {
  if (!installs(s) && !setting(s, key).empty())
    fail(key + " is used only for installations: set client_id too (see docs/slack-install.md), or remove " + key);
}

}  // namespace

bool installs(const Settings& s) { return !setting(s, "client_id").empty(); }

void check_install_bot_token(const Settings& s) {
  if (!setting(s, "bot_token").empty())
    fail(
        "bot_token is not used when client_id is set: each workspace's bot token comes from its install. Remove "
        "bot_token (and its environment variable)");
}

std::vector<std::pair<std::string, Check>> install_checks() {
  return {
      {"client_id",
       [](const Settings& s) {
         if (!installs(s)) return;
         if (!http_mode(s))
           fail(
               "client_id: installations need HTTP mode (Socket Mode serves one workspace); set mode: http, or "
               "remove client_id");
         const std::string id = setting(s, "client_id");
         if (id.size() > 64 ||
             !std::all_of(id.begin(), id.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; }))
           fail("client_id: \"" + id +
                "\" is not a Slack Client ID (digits and a dot, from Basic Information → App Credentials)");
       }},
      {"client_secret",
       [](const Settings& s) {
         only_with_client_id(s, "client_secret");
         if (installs(s) && setting(s, "client_secret").empty())
           fail(
               "client_secret is missing: installations exchange Slack's code with the app's Client Secret (Basic "
               "Information → App Credentials); write client_secret: \"${SLACK_CLIENT_SECRET}\" and set that "
               "environment variable");
       }},
      {"install_secret",
       [](const Settings& s) {
         only_with_client_id(s, "install_secret");
         if (!installs(s)) return;
         const std::string secret = setting(s, "install_secret");
         if (secret.empty())
           fail(
               "install_secret is missing: Hallpass encrypts each workspace's bot token with it and will not keep "
               "tokens without it. Make one with openssl rand -hex 32, put it in SLACK_INSTALL_SECRET (or a file "
               "named by SLACK_INSTALL_SECRET_FILE, or the systemd credential SLACK_INSTALL_SECRET) and write "
               "install_secret: \"${SLACK_INSTALL_SECRET}\"");
         if (auto key = parse_install_key(secret); !key) fail("install_secret: " + key.error().message);
       }},
      {"redirect_url",
       [](const Settings& s) {
         only_with_client_id(s, "redirect_url");
         if (!installs(s)) return;
         const std::string url = setting(s, "redirect_url");
         if (url.empty())
           fail(
               "redirect_url is missing: write the public address Slack sends the browser back to, e.g. "
               "redirect_url: https://hallpass.example.org/slack/oauth_redirect, and add the same URL under OAuth & "
               "Permissions → Redirect URLs");
         try {
           http::parse_endpoint_url(url);
         } catch (const std::invalid_argument& e) {
           fail(std::string("redirect_url: ") + e.what());
         }
         const auto query = url.find('?');
         if (!url.substr(0, query).ends_with("/slack/oauth_redirect") || query != std::string::npos)
           fail("redirect_url must end in /slack/oauth_redirect (the path Hallpass serves), not \"" + url + "\"");
       }},
      {"allowed_teams",
       [](const Settings& s) {
         only_with_client_id(s, "allowed_teams");
         if (!installs(s)) return;
         const std::string teams = setting(s, "allowed_teams");
         auto parsed = parse_team_list(teams);
         if (!parsed) fail("allowed_teams: " + parsed.error().message);
         if (parsed->empty())
           fail(
               "allowed_teams is missing: list this district's Slack workspaces by team id, e.g. allowed_teams: "
               "\"T0123ABCD, T0456EFGH\" (or an Enterprise Grid org's E… id). A workspace not listed cannot "
               "install Hallpass");
       }},
      {"install_contact",
       [](const Settings& s) {
         only_with_client_id(s, "install_contact");
         if (setting(s, "install_contact").size() > 200)
           fail("install_contact is longer than 200 characters: name a person, a team or an address");
       }},
      {"scopes",
       [](const Settings& s) {
         only_with_client_id(s, "scopes");
         const std::string scopes = setting(s, "scopes");
         if (!std::all_of(scopes.begin(), scopes.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || c == ':' || c == '.' || c == ',' || c == '_';
             }))
           fail("scopes: write Slack's bot scopes comma-separated (e.g. commands,chat:write), not \"" + scopes + "\"");
       }},
  };
}

InstallOptions install_options(const Settings& s) {
  InstallOptions o;
  o.client_id = setting(s, "client_id");
  o.client_secret = setting(s, "client_secret");
  o.redirect_url = setting(s, "redirect_url");
  o.scopes = setting(s, "scopes", kDefaultInstallScopes);
  o.contact = setting(s, "install_contact");
  o.allowed_teams = parse_team_list(setting(s, "allowed_teams")).value();
  o.key = parse_install_key(setting(s, "install_secret")).value();
  return o;
}

}  // namespace adapters::slack
