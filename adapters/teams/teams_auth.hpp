#pragma once
// Bot Framework authentication, both directions (Microsoft's "Authentication with the Bot Connector API";
// docs/teams.md, "How it is built"):
// - ActivityAuthenticator: validates the "Authorization: Bearer <JWT>" of every inbound activity
//   against the OpenID metadata and JWKS at configurable URLs (cached; refreshed daily and on an
//   unknown key id, at most hourly): RS256/384/512 only, issuer, audience = app id, exp/nbf with
//   5 min skew, the serviceurl claim = the activity's serviceUrl, and the key's endorsement of
//   the channel. There is deliberately no switch to turn validation off. While no keys could be
//   fetched the refusal is retryable (kind server): the token is not known to be bad.
// - BotTokenSource: the bot's own access token (client credentials from the configured
//   authority), cached until shortly before it expires.
// Both run on the given executor's one thread; neither logs a token or the secret.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/common/error.hpp"
#include "bot/model/delivery.hpp"

namespace adapters::teams {

inline constexpr std::string_view kDefaultOpenIdMetadataUrl =
    "https://login.botframework.com/v1/.well-known/openidconfiguration";
inline constexpr std::string_view kDefaultIssuer = "https://api.botframework.com";
inline constexpr std::string_view kDefaultAuthority = "https://login.microsoftonline.com";
inline constexpr std::string_view kBotFrameworkScope = "https://api.botframework.com/.default";
// The tenant legacy multi-tenant bots get their token from.
inline constexpr std::string_view kMultiTenantTenant = "botframework.com";

using Now = std::function<std::chrono::system_clock::time_point()>;

struct AuthOptions {
  std::string app_id;  // the bot's Microsoft App ID: the expected audience
  std::string openid_metadata_url = std::string(kDefaultOpenIdMetadataUrl);
  std::string expected_issuer = std::string(kDefaultIssuer);
  std::string ca_file;  // optional CA bundle for a private test authority
  std::chrono::seconds clock_skew{300};
};

struct AuthState;  // caches and HTTP clients, in the .cpp

class ActivityAuthenticator {
 public:
  // Throws std::invalid_argument for an empty app id, a metadata URL that is not https (http
  // only to loopback) or an unreadable CA file. Fetches nothing until the first validation.
  ActivityAuthenticator(boost::asio::any_io_executor executor, AuthOptions options, Now now);
  ~ActivityAuthenticator();
  ActivityAuthenticator(const ActivityAuthenticator&) = delete;
  ActivityAuthenticator& operator=(const ActivityAuthenticator&) = delete;

  // Empty optional when valid; otherwise why not (answer 401 and change nothing). channel_id
  // and service_url come from the activity. The arguments are copied before the call returns,
  // so they need not outlive it. Never throws.
  // A refusal of kind server (retryable) means no signing keys could be fetched yet, so nothing
  // is known about the token: answer 503 with Retry-After keys_retry_after(), not 401.
  boost::asio::awaitable<std::optional<Error>> validate(std::string_view authorization_header,
                                                        std::string_view channel_id, std::string_view service_url);
  // Fetches the signing keys at start-up, retrying in seconds until they are known
  // (OpenIdKeyCache::warm_up). Ends with the authenticator.
  boost::asio::awaitable<void> warm_up();
  void stop_warm_up();
  std::chrono::seconds keys_retry_after() const;

 private:
  std::shared_ptr<AuthState> state_;
};

struct BotTokenOptions {
  std::string app_id;
  std::string app_secret;     // from the config's ${ENV}; never logged
  std::string tenant_id;      // the bot's Entra tenant: single-tenant bots, the default
  bool multi_tenant = false;  // legacy multi-tenant bots: the token comes from botframework.com
  std::string authority = std::string(kDefaultAuthority);  // scheme://host of the token service
  std::string scope = std::string(kBotFrameworkScope);
  std::string ca_file;  // optional CA bundle for a private test authority
  std::chrono::seconds renew_before_expiry{300};
  std::chrono::milliseconds request_timeout{std::chrono::seconds(10)};
};

// <authority>/<tenant or botframework.com>/oauth2/v2.0/token
std::string token_url(const BotTokenOptions& options);

struct BotToken {
  std::string access_token;                             // empty on failure; send as "Authorization: Bearer", never log
  bot::SendErrorKind error = bot::SendErrorKind::none;  // auth when the authority refused the client
  std::string error_text;                               // why, for the log: the authority's error code and description
  std::chrono::milliseconds retry_after{0};

  bool ok() const { return error == bot::SendErrorKind::none; }
};

struct TokenState;  // the cached token and the HTTP client, in the .cpp

class BotTokenSource {
 public:
  // Throws std::invalid_argument for a missing app id, secret or (single-tenant) tenant id, a
  // token URL that is not https (http only to loopback) or an unreadable CA file.
  BotTokenSource(boost::asio::any_io_executor executor, BotTokenOptions options, Now now);
  ~BotTokenSource();
  BotTokenSource(const BotTokenSource&) = delete;
  BotTokenSource& operator=(const BotTokenSource&) = delete;

  // The cached token while it has more than renew_before_expiry left (at most half its
  // lifetime), else a new one by client credentials; concurrent callers share one request.
  // Failures are not cached: the next call asks again. Never throws.
  boost::asio::awaitable<BotToken> token();
  // Forgets the cached token (after the Connector answered 401 with it).
  void invalidate();

 private:
  std::shared_ptr<TokenState> state_;
};

// Options from the config's adapters.teams settings: app_id, app_secret, tenant_id,
// multi_tenant ("true"/"false"), openid_metadata_url, issuer, authority, ca_file. Throws
// std::invalid_argument naming a missing or bad setting.
AuthOptions auth_options_from_settings(const std::map<std::string, std::string>& settings);
BotTokenOptions token_options_from_settings(const std::map<std::string, std::string>& settings);

}  // namespace adapters::teams
