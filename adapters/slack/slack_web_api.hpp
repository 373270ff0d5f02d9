#pragma once
// SlackWebApi: the Web API methods the Slack adapter uses, over kept-alive HTTP connections
// (adapters/common/http_client.hpp; "https" verifies certificates, "http" is for loopback tests).
//
// The bot token goes in the Authorization header (the app-level token only for
// apps.connections.open), never in a URL, a body or a log line. Posts are paced per channel
// (about one a second with a small burst, see Pacer); a 429 pauses that method and channel for
// Retry-After and the call is tried again a few times; a longer wait comes back as rate_limited
// for the caller (the outbox dispatcher) to retry later. A 429 holds only its own channel, and
// only the call that got it waits (without a connection): the method as a whole is paused only
// when 429s come from several channels within a short time (the limit is the workspace's). ok:false answers are logged
// with the method and Slack's error. DM channels, users and e-mail look-ups are cached. Everything runs on the
// executor's one thread; close() fails pending calls.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "adapters/slack/slack_api_calls.hpp"
#include "bot/model/delivery.hpp"

namespace adapters::slack {

struct WebApiOptions {
  std::string base_url = "https://slack.com/api";    // its scheme decides TLS
  std::string bot_token;                             // xoxb-…
  std::string app_token;                             // xapp-…, for apps.connections.open only
  int connections = 4;                               // HTTP connections kept alive; calls on one go one at a time
  double posts_per_second = 1.0;                     // per channel; 0 switches pacing off
  int burst = 5;                                     // posts a quiet channel takes at once
  std::chrono::milliseconds max_pacing_wait{3000};   // longer: rate_limited back to the caller
  int rate_limit_retries = 2;                        // 429s waited out within one call
  std::chrono::milliseconds max_retry_after{30000};  // a longer Retry-After goes back to the caller
  std::chrono::milliseconds timeout{15000};          // per HTTP request
  std::chrono::milliseconds lookup_timeout{1500};    // users.info while an ack waits (Slack allows 3 s)
  std::chrono::minutes user_cache_ttl{60};
  // Read a token again from where it came from (its environment variable, file or credential),
  // when Slack answers that the one in use is no longer good (invalid_auth, token_expired,
  // token_revoked, not_authed): the call is tried once more with a token that changed. Unset:
  // such an answer fails the call.
  std::function<std::optional<std::string>()> reread_bot_token;
  std::function<std::optional<std::string>()> reread_app_token;
};

struct ApiOutcome {
  bot::SendResult result;  // ok, or the failure's kind, Slack error and Retry-After
  ApiResponse response;    // the parsed answer (ts, channel, url, user) when one came
  std::string body;        // the answer as it came (conversations.history's messages)
  bool ok() const { return result.ok(); }
};

struct WebApiState;  // connections, pacing and caches, in the .cpp

class SlackWebApi {
 public:
  // Throws std::invalid_argument for a base URL that is not http(s)://host[:port][/path].
  SlackWebApi(boost::asio::any_io_executor executor, WebApiOptions options);
  ~SlackWebApi();
  SlackWebApi(const SlackWebApi&) = delete;
  SlackWebApi& operator=(const SlackWebApi&) = delete;

  // A method with a JSON body (chat.*, views.open). pace_channel: the channel whose pace applies.
  // on_attempt: called just before each request leaves (after pacing waits).
  boost::asio::awaitable<ApiOutcome> call_json(std::string method, std::string body_json, std::string pace_channel = {},
                                               bot::AttemptHook on_attempt = {});
  // A method with form fields: Slack's read methods (users.info, …) do not take JSON bodies.
  boost::asio::awaitable<ApiOutcome> call_form(std::string method, std::map<std::string, std::string> fields);

  // apps.connections.open with the app-level token: the websocket URL in response.url.
  boost::asio::awaitable<ApiOutcome> open_socket_url();
  // auth.test with the bot token (start-up check).
  boost::asio::awaitable<ApiOutcome> auth_test();
  // conversations.open: the DM channel with user_id in response.channel (cached for good).
  boost::asio::awaitable<ApiOutcome> open_dm(std::string user_id);
  // users.info: response.user_id and response.email (cached for user_cache_ttl). Made while an
  // envelope waits for its ack, so it never waits for pacing or a 429 and times out after
  // lookup_timeout; on failure the caller goes on without the e-mail.
  boost::asio::awaitable<ApiOutcome> user_info(std::string user_id);
  // users.lookupByEmail: response.user_id (cached for user_cache_ttl).
  boost::asio::awaitable<ApiOutcome> lookup_by_email(std::string email);

  // Fails pending and later calls with a network error. Safe to call twice.
  void close();
  // Shutting down: calls waiting for pacing or a Retry-After end now with rate_limited (never
  // attempted when it was pacing), and later calls do not wait; requests under way finish.
  void stop_waiting();

 private:
  std::shared_ptr<WebApiState> state_;
};

// application/x-www-form-urlencoded body of the fields.
std::string form_encode(const std::map<std::string, std::string>& fields);

}  // namespace adapters::slack
