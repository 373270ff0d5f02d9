#pragma once
// Bot Framework authentication, both directions (see ../shared/protocols/teams.md):
// - ActivityAuthenticator: validates the "Authorization: Bearer <JWT>" of every inbound activity
//   against the OpenID metadata and JWKS at configurable URLs (cached; refreshed daily and on an
//   unknown key id, at most hourly): RS256, issuer, audience = app id, exp/nbf with 5 min skew,
//   the serviceurl claim = the activity's serviceUrl, and the key's endorsement of the channel.
// - BotTokenSource: the bot's own access token (client credentials from the configured
//   authority), cached until shortly before it expires.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace adapters::teams {

struct AuthOptions {
  std::string app_id;                // the bot's Microsoft App ID: the expected audience
  std::string openid_metadata_url;   // default https://login.botframework.com/v1/.well-known/openidconfiguration
  std::string expected_issuer;       // default https://api.botframework.com
  std::string ca_file;               // optional CA bundle for a private test authority
  std::chrono::seconds clock_skew{300};
};

struct AuthFailure {
  std::string reason;  // for the log: which check failed (never the token itself)
};

struct AuthState;  // caches and HTTP clients, in the .cpp

class ActivityAuthenticator {
 public:
  ActivityAuthenticator(boost::asio::any_io_executor executor, AuthOptions options,
                        std::function<std::chrono::system_clock::time_point()> now);
  ~ActivityAuthenticator();
  // Empty optional when valid; otherwise why not. channel_id and service_url from the activity.
  boost::asio::awaitable<std::optional<AuthFailure>> validate(std::string_view authorization_header,
                                                              std::string_view channel_id,
                                                              std::string_view service_url);
 private:
  std::shared_ptr<AuthState> state_;
};

}  // namespace adapters::teams
