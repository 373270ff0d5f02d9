#pragma once
// ConnectorClient: performs Bot Connector calls (connector_calls.hpp) for the Teams adapter.
// - One HttpClient per service-URL origin: a pool of kept-alive connections, so a slow write to
//   one conversation does not hold up another's (adapters/common/http_client.hpp).
// - The bearer token only goes to trusted service URLs: configured ones, and those that arrived
//   in an activity whose token was validated (trust()). Anything else is refused before a
//   connection is made or the token is asked for (the SDK's "TrustServiceUrl", done strictly).
// - 429, 412, 502 and 504 are retried with exponential backoff and jitter (bot::Backoff); a
//   Retry-After header is waited out instead (a longer wait than longest_wait goes back to the
//   caller, whose outbox retries later).
// - A 401 means the Connector no longer takes the bot's token (revoked, rotated secret): the
//   token is forgotten (TokenReset), a new one asked for and the call tried once more. A 401 that
//   a fresh token gets too comes back as kind server, so the outbox tries again later instead of
//   losing the message; the text says the Connector refused the token.
// - Writes to one conversation go out one at a time, in call order, at most 7 per second (and
//   Teams' 8/2 s, 60/30 s, 1800/h): a request waits until the one 7 back was answered a second
//   ago, so Teams never sees 8 arrive within a second (adapters/common/pacer.hpp). Other
//   conversations are not held up.
// Everything runs on the executor given (the bot's one io_context thread).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/http_client.hpp"
#include "adapters/common/pacer.hpp"
#include "adapters/teams/connector_calls.hpp"

namespace adapters::teams {

using RateWindow = Pacer::Window;  // at most `requests` within any span `per`

struct ConnectorOptions {
  std::vector<std::string> trusted_service_urls;  // e.g. "https://smba.trafficmanager.net/amer/"; one
                                                  // without a path trusts every path of its host
  int max_attempts = 4;                           // the first try and 3 retries (Microsoft's sample)
  std::chrono::milliseconds first_backoff{2000};  // doubles per retry, up to max_backoff
  std::chrono::milliseconds max_backoff{20000};   // jittered by bot::Backoff's one rule
  std::chrono::milliseconds longest_wait{30000};  // a longer Retry-After is returned, not waited out
  std::vector<RateWindow> write_limits{{7, std::chrono::seconds(1)},
                                       {8, std::chrono::seconds(2)},
                                       {60, std::chrono::seconds(30)},
                                       {1800, std::chrono::seconds(3600)}};
  std::chrono::milliseconds request_timeout{30000};
  std::string ca_file;  // a PEM bundle trusted instead of the system's, for a private test service
};

// Gives the bot's access token for "Authorization: Bearer" (BotTokenSource plugs in here). It may
// throw when it has none; the call then fails with kind network (retryable: the usual cause is
// an unreachable authority) and the exception's text. Asked once per attempt, so a refreshed
// token is used on retries.
using TokenSource = std::function<boost::asio::awaitable<std::string>()>;
// Forgets the cached token after the Connector refused it (BotTokenSource::invalidate), so the
// next TokenSource call gets a new one.
using TokenReset = std::function<void()>;

struct CreatedConversation {
  bot::SendResult result;  // ref = the conversation id when ok
  ConversationResource conversation;
};

struct MemberLookup {
  bot::SendResult result;
  TeamsMember member;
};

struct ConnectorState;  // connections, queues and timers, in the .cpp

class ConnectorClient {
 public:
  // Throws std::invalid_argument for a configured service URL parse_service_url refuses.
  ConnectorClient(boost::asio::any_io_executor executor, ConnectorOptions options, TokenSource token,
                  TokenReset reset_token = {});
  ~ConnectorClient();
  ConnectorClient(const ConnectorClient&) = delete;
  ConnectorClient& operator=(const ConnectorClient&) = delete;

  // Trusts the service URL of an activity whose JWT was validated (serviceurl claim = it).
  Result<void> trust(std::string_view service_url);
  bool trusted(std::string_view service_url) const;

  // One call, paced and retried as above. Never throws: a refused service URL comes back with
  // status 0 and kind auth; transport failures with status 0 and their kind.
  boost::asio::awaitable<http::Response> call(ConnectorCall call);
  // call() as the dispatcher wants it: ref = the new or updated activity's id.
  boost::asio::awaitable<bot::SendResult> send(ConnectorCall call);
  boost::asio::awaitable<CreatedConversation> create_conversation(ConnectorCall call);
  boost::asio::awaitable<MemberLookup> member(ConnectorCall call);

  // Closes the connections; paced and backing-off calls wake and fail. Safe to call twice.
  void close();

 private:
  std::shared_ptr<ConnectorState> state_;
};

}  // namespace adapters::teams
