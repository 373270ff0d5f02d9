#include "adapters/teams/teams_auth.hpp"

#include <jwt.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "adapters/teams/channel_claims.hpp"
#include "adapters/teams/jwt_header.hpp"
#include "adapters/teams/openid_key_cache.hpp"

namespace adapters::teams {

namespace asio = boost::asio;

struct AuthState {
  AuthState(asio::any_io_executor executor, AuthOptions opts, Now clock)
      : options(std::move(opts)),
        now(std::move(clock)),
        keys(executor, KeyCacheOptions{.openid_metadata_url = options.openid_metadata_url, .ca_file = options.ca_file},
             now) {}

  AuthOptions options;
  Now now;
  OpenIdKeyCache keys;
};

namespace {

struct JwtFree {
  void operator()(jwt_t* p) const { jwt_free(p); }
};
struct CharFree {
  void operator()(char* p) const { free(p); }  // libjwt returns malloc'd strings
};

// The algorithm is chosen by the token's author, so it is checked against this list before a
// key is used: "none" would skip the signature, and HS256 keyed with our public key (which
// anyone can download) would let anyone forge tokens.
std::optional<jwt_alg_t> allowed_algorithm(const std::string& alg) {
  if (alg == "RS256") return JWT_ALG_RS256;
  if (alg == "RS384") return JWT_ALG_RS384;
  if (alg == "RS512") return JWT_ALG_RS512;
  return std::nullopt;
}

// Verifies the signature with the key and returns the payload, which only then can be trusted.
boost::system::result<nlohmann::json, Error> verified_payload(const std::string& token, jwt_alg_t alg,
                                                              const SigningKey& key) {
  jwt_t* raw = nullptr;
  int rc = jwt_decode(&raw, token.c_str(), reinterpret_cast<const unsigned char*>(key.public_pem.data()),
                      static_cast<int>(key.public_pem.size()));
  std::unique_ptr<jwt_t, JwtFree> jwt(raw);
  if (rc != 0 || !jwt) return auth_error("the token's signature does not verify");
  if (jwt_get_alg(jwt.get()) != alg) return auth_error("the token's algorithm changed while decoding");
  std::unique_ptr<char, CharFree> grants(jwt_get_grants_json(jwt.get(), nullptr));
  if (!grants) return auth_error("the token has no payload");
  nlohmann::json payload = nlohmann::json::parse(grants.get(), nullptr, /*allow_exceptions=*/false);
  if (!payload.is_object()) return auth_error("the token payload is not a JSON object");
  return {boost::system::in_place_value, std::move(payload)};
}

asio::awaitable<std::optional<Error>> validate_activity(std::shared_ptr<AuthState> s, std::string header,
                                                        std::string channel_id, std::string service_url) {
  auto token = bearer_token(header);
  if (!token) co_return token.error();
  auto jwt_header = peek_jwt_header(*token);
  if (!jwt_header) co_return jwt_header.error();
  auto alg = allowed_algorithm(jwt_header->alg);
  if (!alg) co_return auth_error("the token's algorithm is not RS256, RS384 or RS512");
  if (jwt_header->kid.empty()) co_return auth_error("the token header has no kid");
  const std::string token_text(*token);

  auto key = co_await s->keys.key(jwt_header->kid);
  if (!key) co_return key.error();
  auto payload = verified_payload(token_text, *alg, **key);
  if (!payload) co_return payload.error();
  ChannelClaimRules rules{.issuer = s->options.expected_issuer,
                          .app_id = s->options.app_id,
                          .service_url = service_url,
                          .clock_skew = s->options.clock_skew,
                          .now = s->now()};
  if (auto failure = check_channel_claims(*payload, rules)) co_return failure;
  if (auto failure = check_endorsement(**key, channel_id)) co_return failure;
  co_return std::nullopt;
}

asio::awaitable<std::optional<Error>> validate_guarded(std::shared_ptr<AuthState> s, std::string header,
                                                       std::string channel_id, std::string service_url) {
  try {
    co_return co_await validate_activity(std::move(s), std::move(header), std::move(channel_id),
                                         std::move(service_url));
  } catch (const std::exception& e) {
    co_return auth_error(std::string("validation failed: ") + e.what());
  }
}

}  // namespace

ActivityAuthenticator::ActivityAuthenticator(asio::any_io_executor executor, AuthOptions options, Now now) {
  if (options.app_id.empty()) throw std::invalid_argument("the Teams app id is missing");
  if (options.expected_issuer.empty()) throw std::invalid_argument("the Teams token issuer is empty");
  state_ = std::make_shared<AuthState>(executor, std::move(options), std::move(now));
}

ActivityAuthenticator::~ActivityAuthenticator() = default;

asio::awaitable<std::optional<Error>> ActivityAuthenticator::validate(std::string_view authorization_header,
                                                                      std::string_view channel_id,
                                                                      std::string_view service_url) {
  // Not a coroutine itself: the views are copied now, while the caller's strings surely live.
  return validate_guarded(state_, std::string(authorization_header), std::string(channel_id), std::string(service_url));
}

asio::awaitable<void> ActivityAuthenticator::warm_up() { return state_->keys.warm_up(); }

void ActivityAuthenticator::stop_warm_up() { state_->keys.stop(); }

std::chrono::seconds ActivityAuthenticator::keys_retry_after() const { return state_->keys.retry_in(); }

}  // namespace adapters::teams
