#pragma once
// Slack's OAuth v2 installation, sans-I/O: what a workspace's install goes through when Hallpass
// serves many workspaces in HTTP mode (docs/slack-install.md).
//
//   GET /slack/install        → 302 to https://slack.com/oauth/v2/authorize?client_id&scope&redirect_uri&state
//   GET /slack/oauth_redirect?code=…&state=…   (or ?error=access_denied&state=… when the person said no)
//   POST oauth.v2.access (client id and secret by HTTP Basic, code, redirect_uri) → the bot token
//
// The state is Hallpass's own: a random nonce and an expiry, signed with HMAC-SHA256 under a key
// derived from the install secret, so any worker can check it without remembering it; whoever
// checks it also records its nonce as used (single use, slack_installer.cpp). The uninstall
// events (app_uninstalled; tokens_revoked naming the bot user) say which workspace to forget.
// Nothing here opens a socket or reads a clock; callers pass `now`.
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/slack/slack_protocol_result.hpp"

namespace adapters::slack {

// The bot scopes the manifest asks for (deploy/slack/manifest-install.yaml), comma-separated as
// the authorize URL takes them: HTTP mode's, and channels:read / groups:read for finding which
// workspace a configured channel is in (conversations.info).
inline constexpr std::string_view kDefaultInstallScopes =
    "commands,chat:write,im:write,im:history,app_mentions:read,channels:history,groups:history,users:read,"
    "users:read.email,channels:read,groups:read";
inline constexpr std::string_view kAuthorizeUrl = "https://slack.com/oauth/v2/authorize";
// How long a person has between opening /slack/install and coming back from Slack.
inline constexpr std::chrono::minutes kStateLife{10};

using InstallKey = std::array<unsigned char, 32>;

// The install secret as written in the environment: 64 hex digits (openssl rand -hex 32) or 32
// bytes in base64 (openssl rand -base64 32). Refuses anything else, saying how to make one.
Result<InstallKey> parse_install_key(std::string_view text);

// What HTTP mode with installations needs (adapters.slack: client_id and the rest; slack_install_settings).
struct InstallOptions {
  std::string client_id;      // Basic Information → App Credentials → Client ID
  std::string client_secret;  // … → Client Secret
  std::string redirect_url;   // https://<host>/slack/oauth_redirect, as in OAuth & Permissions → Redirect URLs
  std::string scopes{kDefaultInstallScopes};
  std::set<std::string> allowed_teams;  // team (T…) or enterprise (E…) ids that belong to this district
  std::string contact;                  // whom a refused workspace asks (an e-mail or a team's name)
  InstallKey key{};                     // the install secret: seals tokens, signs states
  std::string authorize_base{kAuthorizeUrl};
  bool enabled() const { return !client_id.empty(); }
};

// "T0123ABCD, T0456EFGH" (commas or spaces) → the team ids; refuses what is not a Slack team or
// enterprise id (T… or E…, letters and digits), naming it.
Result<std::set<std::string>> parse_team_list(std::string_view text);

// The authorize URL a browser is sent to (its query parameters percent-encoded).
std::string authorize_url(std::string_view authorize_base, std::string_view client_id, std::string_view scopes,
                          std::string_view redirect_uri, std::string_view state);

// A state: base64url(16-byte nonce, 8-byte expiry in Unix seconds) "." hex HMAC-SHA256 of that.
struct InstallState {
  std::string nonce_hex;  // what marks it used
  std::chrono::system_clock::time_point expires;
};
std::string make_install_state(const InstallKey& key, const std::array<unsigned char, 16>& nonce,
                               std::chrono::system_clock::time_point expires);
// Checks the signature in constant time, then the expiry against now. The message says which.
Result<InstallState> check_install_state(const InstallKey& key, std::string_view state,
                                         std::chrono::system_clock::time_point now);

// The query of GET /slack/oauth_redirect. Exactly one of code and error is set; state is required.
// Refuses a query over 4 KiB, a bad %-escape, a repeated parameter, a code or state that is too
// long or holds characters Slack never sends, and an error word that is not one.
struct OAuthRedirect {
  std::string code;
  std::string state;
  std::string error;  // "access_denied" when the person pressed Cancel
};
Result<OAuthRedirect> parse_oauth_redirect(std::string_view query);

// oauth.v2.access's answer. ok:false gives the error word (invalid_code, bad_redirect_uri, …) as
// the message; ok:true without a bot token, team id or bot user id is refused too.
struct OAuthInstallation {
  std::string team_id;
  std::string team_name;
  std::string enterprise_id;  // empty unless the workspace is part of an Enterprise Grid
  bool enterprise_install = false;
  std::string app_id;
  std::string bot_user_id;
  std::string bot_token;  // xoxb-…: a secret
  std::string scopes;
  std::string installer;  // authed_user.id: who pressed Allow
};
Result<OAuthInstallation> parse_oauth_access(std::string_view body);

// An Events API body that takes an installation away: app_uninstalled (the whole workspace), or
// tokens_revoked listing bot user ids (only when it names the installation's bot user). nullopt
// for any other body.
struct Uninstall {
  std::string team_id;
  std::string event_id;
  bool app_uninstalled = false;
  std::vector<std::string> revoked_bot_users;  // tokens_revoked: tokens.bot
};
std::optional<Uninstall> uninstall_event(std::string_view body);

// The language of the install pages: the first of Accept-Language's tags (by q, then order)
// whose primary subtag is one of `available`; else "en".
std::string page_language(std::string_view accept_language, const std::vector<std::string>& available);

// Text made safe for HTML element content and attribute values (& < > " ').
std::string escape_html_text(std::string_view text);

}  // namespace adapters::slack
