#pragma once
// OpenIdKeyCache: the Bot Framework's token signing keys, found through OpenID metadata
// (metadata URL → jwks_uri → JWK set) and kept in memory.
//
// Refresh policy (teams.md §2.3, as botbuilder-js does it): fetch when there are no keys or they
// are older than refresh_after (24 h); when a token names an unknown kid, fetch again only if the
// last fetch is older than unknown_kid_refresh_after (1 h), so made-up kids cannot make the bot
// hammer the metadata server. After a failed fetch the previous keys stay in use and the next
// attempt waits retry_failed_fetch_after. Without any keys (the first fetch failed, at start-up)
// a failed fetch is tried again after a back-off in seconds instead (first_failed_fetch_retry,
// doubling, jittered, at most retry_failed_fetch_after): a single failed fetch must not refuse
// every valid token for a minute. warm_up() fetches at start and keeps retrying so until keys
// are known, with no request needed to drive it. Callers that arrive during a fetch share it.
// Runs on the executor's one thread; the clock is injected for tests.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "adapters/common/error.hpp"
#include "adapters/teams/jwks.hpp"

namespace adapters::teams {

struct KeyCacheOptions {
  std::string openid_metadata_url;
  std::string ca_file;  // optional CA bundle replacing the system's, for a private test authority
  std::chrono::seconds refresh_after{std::chrono::hours(24)};
  std::chrono::seconds unknown_kid_refresh_after{std::chrono::hours(1)};
  std::chrono::seconds retry_failed_fetch_after{std::chrono::minutes(1)};
  std::chrono::milliseconds first_failed_fetch_retry{std::chrono::seconds(1)};  // while there are no keys
  std::chrono::milliseconds request_timeout{std::chrono::seconds(10)};
};

struct KeyCacheState;  // keys, times and HTTP clients, in the .cpp

class OpenIdKeyCache {
 public:
  using Now = std::function<std::chrono::system_clock::time_point()>;
  // Throws std::invalid_argument for a metadata URL that is not https (or http to loopback)
  // or a CA file that cannot be read. Fetches nothing yet.
  OpenIdKeyCache(boost::asio::any_io_executor executor, KeyCacheOptions options, Now now);
  ~OpenIdKeyCache();
  OpenIdKeyCache(const OpenIdKeyCache&) = delete;
  OpenIdKeyCache& operator=(const OpenIdKeyCache&) = delete;

  // The published key with this kid, fetching first as the policy above says. A failure says
  // why (unknown kid, or no keys could be fetched). Never throws; the cache's state is shared
  // with the call, so the cache may be destroyed while a call is pending.
  // A failure with no keys at all has kind server (retryable: answer 503, not 401); others kind auth.
  boost::asio::awaitable<boost::system::result<std::shared_ptr<const SigningKey>, Error>> key(std::string kid);

  // Fetches the keys now unless known, and while that fails keeps trying after the back-off
  // above, until keys are known or the cache is destroyed. Completes then; never throws.
  boost::asio::awaitable<void> warm_up();
  // Ends warm_up() (the adapter stops); key() still works.
  void stop();
  bool has_keys() const;
  // How long until the next fetch may be tried (at least a second): a Retry-After for callers
  // refused because there are no keys.
  std::chrono::seconds retry_in() const;

 private:
  std::shared_ptr<KeyCacheState> state_;
};

}  // namespace adapters::teams
