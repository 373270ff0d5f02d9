#include "adapters/teams/openid_key_cache.hpp"

#include <spdlog/spdlog.h>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "adapters/common/endpoint_url.hpp"
#include "adapters/common/http_client.hpp"
#include "adapters/teams/single_flight.hpp"

namespace adapters::teams {

namespace asio = boost::asio;
using Clock = std::chrono::system_clock;
using KeyResult = boost::system::result<std::shared_ptr<const SigningKey>, Error>;

struct KeyCacheState {
  KeyCacheState(asio::any_io_executor ex, KeyCacheOptions opts, OpenIdKeyCache::Now clock)
      : executor(ex), options(std::move(opts)), now(std::move(clock)), flight(ex) {}

  asio::any_io_executor executor;
  KeyCacheOptions options;
  OpenIdKeyCache::Now now;
  SingleFlight flight;
  std::map<std::string, std::shared_ptr<const SigningKey>> keys;
  Clock::time_point fetched_at{};                 // of the keys in use
  std::optional<Clock::time_point> last_attempt;  // of any fetch, successful or not
  bool last_failed = false;
  std::string last_error;
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
    s->last_error.clear();
  } else {
    s->last_failed = true;
    s->last_error = set.error().message;
    spdlog::warn("teams: cannot refresh the Bot Framework signing keys ({} kept): {}", s->keys.size(), s->last_error);
  }
  s->flight.end();
}

bool should_fetch(const KeyCacheState& s, const std::string& kid, Clock::time_point now) {
  if (s.last_attempt && s.last_failed && now - *s.last_attempt < s.options.retry_failed_fetch_after) return false;
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
  if (s->keys.empty()) co_return auth_error("no Bot Framework signing keys: " + s->last_error);
  co_return auth_error("the token's key id is not among the Bot Framework signing keys");
}

}  // namespace

OpenIdKeyCache::OpenIdKeyCache(asio::any_io_executor executor, KeyCacheOptions options, Now now)
    : state_(std::make_shared<KeyCacheState>(executor, std::move(options), std::move(now))) {
  // Configuration errors surface at start-up, not on the first activity.
  state_->client_for(http::parse_endpoint_url(state_->options.openid_metadata_url));
}

OpenIdKeyCache::~OpenIdKeyCache() = default;

asio::awaitable<KeyResult> OpenIdKeyCache::key(std::string kid) { return find_key(state_, std::move(kid)); }

}  // namespace adapters::teams
