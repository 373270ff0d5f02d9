#pragma once
// FakeBotFrameworkAuth: Microsoft's side of Bot Framework authentication on 127.0.0.1 (port 0),
// inside the test's io_context:
//   GET  /v1/.well-known/openidconfiguration   OpenID metadata pointing at the keys below
//   GET  /v1/.well-known/keys                  the JWKS: RSA keys with "endorsements":["msteams"]
//   POST /{tenant}/oauth2/v2.0/token           client credentials → {"access_token",…}
// It mints channel → bot tokens the way the Bot Framework signs them (and the broken ones a
// test needs: unsigned, HS256 with the public key, an unpublished key, any claim changed),
// issues bot tokens a fake Connector can check with issued(), counts requests, rotates keys
// and scripts failures. Plain http by default; with tls it serves https with a self-signed
// certificate whose CA bundle is ca_file().
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/teams/teams_adapter.hpp"
#include "adapters/teams/teams_auth.hpp"

namespace test_support {

struct FakeBotFrameworkAuthOptions {
  std::string app_id = "8f5c1a3e-0000-4000-8000-hallpasstest";
  std::string app_secret = "test-app-secret";
  std::string tenant_id = "11111111-2222-3333-4444-555555555555";
  // The app is a legacy multi-tenant one: its token comes from the botframework.com tenant,
  // and asking in tenant_id fails (and the other way round for a single-tenant app).
  bool multi_tenant_app = false;
  // The serviceurl claim of minted tokens unless a test overrides it.
  std::string service_url = "https://smba.trafficmanager.net/amer/";
  // Times in minted tokens; share the clock given to the code under test. Default: system clock.
  std::function<std::chrono::system_clock::time_point()> now;
  std::chrono::seconds token_lifetime{3600};  // expires_in of the token endpoint
  bool tls = false;
};

// What FakeBotFrameworkAuth::mint signs.
struct MintOptions {
  // Merged over the defaults {aud: app_id, iss: https://api.botframework.com, serviceurl,
  // nbf/iat: now, exp: now + 1 h}; a null value removes the claim.
  nlohmann::json claims = nlohmann::json::object();
  // The header's kid; empty: the current signing key's; FakeBotFrameworkAuth::kUnknownKid: a key
  // that exists but is never published.
  std::string kid;
  std::string signing_kid;  // the key that really signs; empty: the one kid names
  // RS256, RS384, RS512; "none": unsigned; "HS256": HMAC keyed with the public key's PEM.
  std::string alg = "RS256";
};

struct FakeBotFrameworkAuthState;

class FakeBotFrameworkAuth {
 public:
  static constexpr std::string_view kIssuer = "https://api.botframework.com";
  static constexpr std::string_view kUnknownKid = "unpublished-key";  // a key the JWKS never lists

  // Listens at once; generates (or reuses) the test keys. The first published key is "k1".
  explicit FakeBotFrameworkAuth(boost::asio::io_context& io, FakeBotFrameworkAuthOptions options = {});
  ~FakeBotFrameworkAuth();
  FakeBotFrameworkAuth(const FakeBotFrameworkAuth&) = delete;
  FakeBotFrameworkAuth& operator=(const FakeBotFrameworkAuth&) = delete;
  void stop();

  const FakeBotFrameworkAuthOptions& options() const;
  std::string origin() const;  // "http://127.0.0.1:<port>" (https with tls)
  std::string openid_metadata_url() const;
  std::string jwks_url() const;
  std::string ca_file() const;  // tls only: a PEM file trusting the server; empty otherwise

  // Options for the code under test, pointed at this server (and its CA file with tls).
  adapters::teams::AuthOptions auth_options() const;
  adapters::teams::BotTokenOptions token_options() const;  // single- or multi-tenant as the app is
  // The Teams adapter's options against this identity and the Connector at service_url, in this
  // identity's tenant, listening on a port the OS picks.
  adapters::teams::TeamsOptions teams_options(const std::string& service_url) const;

  // --- keys ---
  std::string signing_kid() const;  // the key tokens are signed with by default
  // Publishes a new key (k2, k3, …) beside the others and signs with it from now on.
  std::string rotate_key();
  // Replaces a published key's endorsements (an empty list: the key is unrestricted).
  void set_endorsements(const std::string& kid, std::vector<std::string> channels);

  using Mint = MintOptions;
  std::string mint(const Mint& options = {}) const;
  // "Bearer " + mint(…): what the Bot Framework puts in the Authorization header.
  std::string authorization(const Mint& options = {}) const;

  // --- token endpoint ---
  // True for an access token this server issued and that has not expired (by options.now).
  bool issued(std::string_view access_token) const;
  std::string last_access_token() const;
  // The form fields of the last token request (the secret included: tests compare it).
  std::map<std::string, std::string> last_token_form() const;
  std::string last_token_path() const;

  // --- scripting and counters ---
  enum class Endpoint { metadata, keys, token };
  // The next request to that endpoint answers status (token: with an Entra-style error body).
  void fail_next(Endpoint endpoint, int status);
  int metadata_requests() const;
  int jwks_requests() const;
  int token_requests() const;

 private:
  std::shared_ptr<FakeBotFrameworkAuthState> state_;
};

}  // namespace test_support
