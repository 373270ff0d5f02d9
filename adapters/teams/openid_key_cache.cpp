#include "adapters/teams/openid_key_cache.hpp"

#include <spdlog/spdlog.h>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include <boost/asio/steady_timer.hpp>

#include "adapters/common/endpoint_url.hpp"
#include "adapters/common/http_client.hpp"
#include "adapters/teams/single_flight.hpp"
#include "bot/model/backoff.hpp"
#include "bot/model/use_tuple.hpp"

namespace adapters::teams {

namespace asio = boost::asio;
using Clock = std::chrono::system_clock;
using KeyResult = boost::system::result<std::shared_ptr<const SigningKey>, Error>;

struct KeyCacheState {
  KeyCacheState(asio::any_io_executor ex, KeyCacheOptions opts, OpenIdKeyCache::Now clock)
      : executor(ex),
        options(std::move(opts)),
        now(std::move(clock)),
        flight(ex),
        no_keys_backoff(options.first_failed_fetch_retry, options.retry_failed_fetch_after),
        warm_up_sleep(ex) {}

  asio::any_io_executor executor;
  KeyCacheOptions options;
  OpenIdKeyCache::Now now;
  SingleFlight flight;
  std::map<std::string, std::shared_ptr<const SigningKey>> keys;
  Clock::time_point fetched_at{};                 // of the keys in use
  std::optional<Clock::time_point> last_attempt;  // of any fetch, successful or not
  bool last_failed = false;
  int failures_in_a_row = 0;
  Clock::time_point next_attempt{};  // after a failed fetch: not before this
  std::string last_error;
  bot::Backoff no_keys_backoff;
  asio::steady_timer warm_up_sleep;  // cancelled when the cache is destroyed
  bool destroyed = false;            // or stopped: warm_up() ends
  // One kept-alive client per origin: metadata and keys usually share one host.
  std::map<std::string, std::unique_ptr<http::HttpClient>> clients;

  http::HttpClient& client_for(const http::EndpointUrl& url) {
    auto& slot = clients[url.origin];
    if (!slot) slot = std::make_unique<http::HttpClient>(executor, url.origin, options.ca_file);
    return *slot;
  }
};

namespace {

asio::awaitable<boost::system::result<std::string, Error>> get_json_body(std::shared_ptr<KeyCacheState> s,
                                                                         std::string url, std::string what) {
  http::EndpointUrl endpoint;
  try {
    endpoint = http::parse_endpoint_url(url);
  } catch (const std::invalid_argument& e) {
    co_return auth_error(what + ": " + e.what());
  }
  http::Request request;
  request.target = endpoint.target;
  request.timeout = s->options.request_timeout;
  http::Response response = co_await s->client_for(endpoint).request(std::move(request));
  if (!response.ok()) co_return auth_error(what + ": " + response.error_text);
  co_return boost::system::result<std::string, Error>(boost::system::in_place_value, std::move(response.body));
}

asio::awaitable<boost::system::result<KeySet, Error>> fetch_key_set(std::shared_ptr<KeyCacheState> s) {
  auto metadata_body = co_await get_json_body(s, s->options.openid_metadata_url, "OpenID metadata");
  if (!metadata_body) co_return metadata_body.error();
  nlohmann::json metadata = nlohmann::json::parse(*metadata_body, nullptr, /*allow_exceptions=*/false);
  if (!metadata.is_object() || !metadata.contains("jwks_uri") || !metadata["jwks_uri"].is_string())
    co_return auth_error("the OpenID metadata has no jwks_uri");
  auto keys_body = co_await get_json_body(s, metadata["jwks_uri"].get<std::string>(), "JWKS");
  if (!keys_body) co_return keys_body.error();
  auto set = parse_jwks(*keys_body);
  if (!set) co_return set.error();
  if (set->by_kid.empty()) co_return auth_error("the JWKS has no usable RSA signing key");
  co_return std::move(*set);
}

asio::awaitable<void> refresh(std::shared_ptr<KeyCacheState> s) {
  s->flight.begin();
  const auto started = s->now();
  s->last_attempt = started;
  boost::system::result<KeySet, Error> set = auth_error("not fetched");
  try {
    set = co_await fetch_key_set(s);
  } catch (const std::exception& e) {
    set = auth_error(std::string("fetching the signing keys failed: ") + e.what());
  }
  if (set) {
    for (const auto& why : set->skipped) spdlog::debug("teams: a Bot Framework JWKS key was left out: {}", why);
    s->keys = std::move(set->by_kid);
    s->fetched_at = started;
    s->last_failed = false;
    s->failures_in_a_row = 0;
    s->last_error.clear();
  } else {
    s->last_failed = true;
    s->last_error = set.error().message;
    // With keys in hand nothing is refused meanwhile: the server is spared for a minute. Without,
    // every activity is turned away until a fetch works: try again in seconds.
    const auto wait = s->keys.empty()
                          ? std::chrono::duration_cast<Clock::duration>(s->no_keys_backoff.delay(s->failures_in_a_row))
                          : std::chrono::duration_cast<Clock::duration>(s->options.retry_failed_fetch_after);
    ++s->failures_in_a_row;
    s->next_attempt = started + wait;
    spdlog::warn("teams: cannot refresh the Bot Framework signing keys ({} kept; next try in {} ms): {}",
                 s->keys.size(), std::chrono::duration_cast<std::chrono::milliseconds>(wait).count(), s->last_error);
  }
  s->flight.end();
}

bool should_fetch(const KeyCacheState& s, const std::string& kid, Clock::time_point now) {
  if (s.last_attempt && s.last_failed && now < s.next_attempt) return false;
  if (s.keys.empty() || now - s.fetched_at >= s.options.refresh_after) return true;
  if (s.keys.contains(kid)) return false;
  return !s.last_attempt || now - *s.last_attempt >= s.options.unknown_kid_refresh_after;
}

asio::awaitable<KeyResult> find_key(std::shared_ptr<KeyCacheState> s, std::string kid) {
  if (s->flight.running()) {
    co_await s->flight.wait();
  } else if (should_fetch(*s, kid, s->now())) {
    co_await refresh(s);
  }
  if (auto it = s->keys.find(kid); it != s->keys.end()) co_return it->second;
  if (s->keys.empty())  // nothing is wrong with the token: ask the caller to come back
    co_return Error{ErrorKind::server, "no Bot Framework signing keys yet: " + s->last_error};
  co_return auth_error("the token's key id is not among the Bot Framework signing keys");
}

}  // namespace

OpenIdKeyCache::OpenIdKeyCache(asio::any_io_executor executor, KeyCacheOptions options, Now now)
    : state_(std::make_shared<KeyCacheState>(executor, std::move(options), std::move(now))) {
  // Configuration errors surface at start-up, not on the first activity.
  state_->client_for(http::parse_endpoint_url(state_->options.openid_metadata_url));
}

namespace {

asio::awaitable<void> warm_up_keys(std::shared_ptr<KeyCacheState> s) {
  while (!s->destroyed && s->keys.empty()) {
    if (s->flight.running()) {
      co_await s->flight.wait();
      continue;
    }
    if (!s->last_failed || s->now() >= s->next_attempt) {
      co_await refresh(s);
      continue;
    }
    // Real time: the injected clock only judges the age of keys and attempts.
    s->warm_up_sleep.expires_after(s->next_attempt - s->now());
    co_await s->warm_up_sleep.async_wait(bot::use_tuple);
  }
}

}  // namespace

OpenIdKeyCache::~OpenIdKeyCache() { stop(); }

void OpenIdKeyCache::stop() {
  state_->destroyed = true;
  state_->warm_up_sleep.cancel();
}

asio::awaitable<void> OpenIdKeyCache::warm_up() { return warm_up_keys(state_); }

bool OpenIdKeyCache::has_keys() const { return !state_->keys.empty(); }

std::chrono::seconds OpenIdKeyCache::retry_in() const {
  const auto left = std::chrono::ceil<std::chrono::seconds>(state_->next_attempt - state_->now());
  return std::max(left, std::chrono::seconds(1));
}

asio::awaitable<KeyResult> OpenIdKeyCache::key(std::string kid) { return find_key(state_, std::move(kid)); }

}  // namespace adapters::teams
