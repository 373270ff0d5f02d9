#include "tests/support/fake_bot_framework_auth.hpp"

#include <jwt.h>

#include <boost/asio/ssl.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>
#include <deque>
#include <optional>
#include <set>
#include <stdexcept>

#include "tests/support/fake_http_listener.hpp"
#include "tests/support/test_crypto.hpp"

namespace test_support {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using nlohmann::json;
using Clock = std::chrono::system_clock;
constexpr std::string_view kMetadataPath = "/v1/.well-known/openidconfiguration";
constexpr std::string_view kKeysPath = "/v1/.well-known/keys";

struct FakeBotFrameworkAuthState {
  struct Key {
    std::string kid;
    const TestRsaKey* material;
    std::vector<std::string> endorsements;
    bool published;
  };

  explicit FakeBotFrameworkAuthState(FakeBotFrameworkAuthOptions opts) : options(std::move(opts)) {
    if (!options.now) options.now = [] { return Clock::now(); };
  }

  FakeBotFrameworkAuthOptions options;
  std::shared_ptr<asio::ssl::context> tls;
  std::unique_ptr<TempFile> ca;
  std::optional<FakeHttpListener> http;  // https when tls is set
  std::vector<Key> keys;                 // key i uses test_rsa_key(i)
  std::string signing_kid = "k1";
  std::map<FakeBotFrameworkAuth::Endpoint, std::deque<int>> failures;
  int metadata = 0, jwks = 0, tokens = 0;
  std::map<std::string, Clock::time_point> issued;  // access token → expiry
  std::string last_token;
  std::map<std::string, std::string> last_form;
  std::string last_path;

  std::string origin() const { return http->origin(); }
  const Key* key(const std::string& kid) const {
    for (const auto& k : keys)
      if (k.kid == kid) return &k;
    return nullptr;
  }
  std::optional<int> take_failure(FakeBotFrameworkAuth::Endpoint endpoint) {
    auto& queue = failures[endpoint];
    if (queue.empty()) return std::nullopt;
    int status = queue.front();
    queue.pop_front();
    return status;
  }
};

namespace {

long long seconds_of(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

jwt_alg_t alg_named(const std::string& alg) {
  if (alg == "RS256") return JWT_ALG_RS256;
  if (alg == "RS384") return JWT_ALG_RS384;
  if (alg == "RS512") return JWT_ALG_RS512;
  if (alg == "HS256") return JWT_ALG_HS256;
  if (alg == "none") return JWT_ALG_NONE;
  throw std::invalid_argument("the fake cannot mint alg " + alg);
}

// Signs header {alg, kid, typ} and claims with libjwt, the way the Bot Framework's tokens look.
std::string sign(const json& claims, const std::string& kid, const std::string& alg, const std::string& key) {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) throw std::runtime_error("jwt_new failed");
  std::unique_ptr<jwt_t, void (*)(jwt_t*)> token(raw, jwt_free);
  if (!claims.empty() && jwt_add_grants_json(token.get(), claims.dump().c_str()) != 0)
    throw std::runtime_error("jwt_add_grants_json failed");
  if (!kid.empty()) jwt_add_header(token.get(), "kid", kid.c_str());
  jwt_alg_t a = alg_named(alg);
  const auto* key_bytes = reinterpret_cast<const unsigned char*>(key.data());
  if (a != JWT_ALG_NONE && jwt_set_alg(token.get(), a, key_bytes, static_cast<int>(key.size())) != 0)
    throw std::runtime_error("jwt_set_alg failed");
  char* text = jwt_encode_str(token.get());
  if (!text) throw std::runtime_error("jwt_encode_str failed");
  std::string out(text);
  free(text);  // libjwt 1.10 returns malloc'd strings
  return out;
}

struct Reply {
  int status = 200;
  json body = json::object();
};

Reply entra_error(int status, const std::string& code, const std::string& description) {
  return {status,
          {{"error", code},
           {"error_description", description + "\r\nTrace ID: 0000\r\nTimestamp: now"},
           {"error_codes", json::array({0})}}};
}

Reply handle_token(FakeBotFrameworkAuthState& s, const std::string& path, const std::string& body) {
  ++s.tokens;
  s.last_path = path;
  s.last_form = form_fields(body);
  auto& f = s.last_form;
  if (auto status = s.take_failure(FakeBotFrameworkAuth::Endpoint::token)) {
    if (*status == 401) return entra_error(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.");
    if (*status == 400)
      return entra_error(400, "unauthorized_client",
                         "AADSTS700016: Application with identifier '" + f["client_id"] +
                             "' was not found in the directory 'Bot Framework'.");
    return entra_error(*status, "temporarily_unavailable", "AADSTS50196: scripted failure.");
  }
  const std::string tenant = s.options.multi_tenant_app ? "botframework.com" : s.options.tenant_id;
  if (f["grant_type"] != "client_credentials")
    return entra_error(400, "unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type.");
  if (path != "/" + tenant + "/oauth2/v2.0/token" || f["client_id"] != s.options.app_id)
    return entra_error(
        400, "unauthorized_client",
        "AADSTS700016: Application with identifier '" + f["client_id"] + "' was not found in the directory.");
  if (f["client_secret"] != s.options.app_secret)
    return entra_error(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.");
  if (f["scope"] != "https://api.botframework.com/.default")
    return entra_error(400, "invalid_scope", "AADSTS70011: The provided value for scope is not valid.");

  const auto now = s.options.now();
  const auto lifetime = s.options.token_lifetime;
  json claims = {{"aud", "https://api.botframework.com"},
                 {"iss", "https://sts.windows.net/" + s.options.tenant_id + "/"},
                 {"appid", s.options.app_id},
                 {"tid", s.options.tenant_id},
                 {"iat", seconds_of(now)},
                 {"nbf", seconds_of(now)},
                 {"exp", seconds_of(now + lifetime)},
                 {"jti", "token-" + std::to_string(s.tokens)}};
  const auto* key = s.key(s.signing_kid);
  std::string token = sign(claims, key->kid, "RS256", key->material->private_pem);
  s.issued[token] = now + lifetime;
  s.last_token = token;
  return {200,
          {{"token_type", "Bearer"},
           {"expires_in", lifetime.count()},
           {"ext_expires_in", lifetime.count()},
           {"access_token", token}}};
}

Reply route(FakeBotFrameworkAuthState& s, const FakeRequest& req) {
  std::string target(req.target());
  std::string path = target.substr(0, target.find('?'));
  if (path == kMetadataPath && req.method() == http::verb::get) {
    ++s.metadata;
    if (auto status = s.take_failure(FakeBotFrameworkAuth::Endpoint::metadata))
      return {*status, {{"error", "scripted"}}};
    return {200,
            {{"issuer", FakeBotFrameworkAuth::kIssuer},
             {"authorization_endpoint", "https://invalid.botframework.com"},
             {"jwks_uri", s.origin() + std::string(kKeysPath)},
             {"id_token_signing_alg_values_supported", {"RS256"}},
             {"token_endpoint_auth_methods_supported", {"private_key_jwt"}}}};
  }
  if (path == kKeysPath && req.method() == http::verb::get) {
    ++s.jwks;
    if (auto status = s.take_failure(FakeBotFrameworkAuth::Endpoint::keys)) return {*status, {{"error", "scripted"}}};
    json keys = json::array();
    for (const auto& k : s.keys)
      if (k.published)
        keys.push_back({{"kty", "RSA"},
                        {"use", "sig"},
                        {"kid", k.kid},
                        {"x5t", k.kid},
                        {"n", k.material->n},
                        {"e", k.material->e},
                        {"endorsements", k.endorsements}});
    return {200, {{"keys", keys}}};
  }
  if (path.ends_with("/oauth2/v2.0/token") && req.method() == http::verb::post)
    return handle_token(s, path, req.body());
  return {404, {{"error", "not found"}}};
}

asio::awaitable<FakeResponse> answer(std::shared_ptr<FakeBotFrameworkAuthState> s, const FakeRequest& req) {
  Reply r = s ? route(*s, req) : Reply{503, {{"error", "the server is gone"}}};
  co_return FakeResponse{r.status, r.body.dump(), "application/json; charset=utf-8", {}};
}

}  // namespace

FakeBotFrameworkAuth::FakeBotFrameworkAuth(asio::io_context& io, FakeBotFrameworkAuthOptions options)
    : state_(std::make_shared<FakeBotFrameworkAuthState>(std::move(options))) {
  state_->keys.push_back({"k1", &test_rsa_key(0), {"msteams"}, true});
  state_->keys.push_back({std::string(kUnknownKid), &test_rsa_key(1), {"msteams"}, false});
  if (state_->options.tls) {
    const auto& identity = loopback_tls_identity();
    state_->tls = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
    state_->tls->use_certificate_chain(asio::buffer(identity.certificate_pem));
    state_->tls->use_private_key(asio::buffer(identity.private_key_pem), asio::ssl::context::pem);
    state_->ca = std::make_unique<TempFile>(identity.certificate_pem);
  }
  state_->http.emplace(
      io, [weak = std::weak_ptr(state_)](const FakeRequest& req) { return answer(weak.lock(), req); }, nullptr,
      state_->tls);
}

FakeBotFrameworkAuth::~FakeBotFrameworkAuth() { stop(); }

void FakeBotFrameworkAuth::stop() { state_->http->stop(); }

const FakeBotFrameworkAuthOptions& FakeBotFrameworkAuth::options() const { return state_->options; }
std::string FakeBotFrameworkAuth::origin() const { return state_->origin(); }
std::string FakeBotFrameworkAuth::openid_metadata_url() const { return origin() + std::string(kMetadataPath); }
std::string FakeBotFrameworkAuth::jwks_url() const { return origin() + std::string(kKeysPath); }
std::string FakeBotFrameworkAuth::ca_file() const { return state_->ca ? state_->ca->path() : std::string(); }

adapters::teams::AuthOptions FakeBotFrameworkAuth::auth_options() const {
  adapters::teams::AuthOptions out;
  out.app_id = state_->options.app_id;
  out.openid_metadata_url = openid_metadata_url();
  out.ca_file = ca_file();
  return out;
}

adapters::teams::TeamsOptions FakeBotFrameworkAuth::teams_options(const std::string& service_url) const {
  adapters::teams::TeamsOptions out;
  out.auth = auth_options();
  out.token = token_options();
  out.tenant_id = state_->options.tenant_id;
  out.accepted_tenants = {state_->options.tenant_id};  // as the config makes it for a single-tenant bot
  out.service_url = service_url;
  out.server.port = 0;
  return out;
}

adapters::teams::BotTokenOptions FakeBotFrameworkAuth::token_options() const {
  adapters::teams::BotTokenOptions out;
  out.app_id = state_->options.app_id;
  out.app_secret = state_->options.app_secret;
  out.tenant_id = state_->options.tenant_id;
  out.multi_tenant = state_->options.multi_tenant_app;
  out.authority = origin();
  out.ca_file = ca_file();
  return out;
}

std::string FakeBotFrameworkAuth::signing_kid() const { return state_->signing_kid; }

std::string FakeBotFrameworkAuth::rotate_key() {
  std::string kid = "k" + std::to_string(state_->keys.size());  // k1 and the unpublished key exist
  state_->keys.push_back({kid, &test_rsa_key(state_->keys.size()), {"msteams"}, true});
  state_->signing_kid = kid;
  return kid;
}

void FakeBotFrameworkAuth::set_endorsements(const std::string& kid, std::vector<std::string> channels) {
  for (auto& k : state_->keys)
    if (k.kid == kid) k.endorsements = std::move(channels);
}

std::string FakeBotFrameworkAuth::mint(const Mint& m) const {
  const auto now = state_->options.now();
  json claims = {
      {"aud", state_->options.app_id}, {"iss", kIssuer},         {"serviceurl", state_->options.service_url},
      {"iat", seconds_of(now)},        {"nbf", seconds_of(now)}, {"exp", seconds_of(now + std::chrono::hours(1))}};
  for (const auto& [name, value] : m.claims.items()) {
    if (value.is_null())
      claims.erase(name);
    else
      claims[name] = value;
  }
  const std::string kid = m.kid.empty() ? state_->signing_kid : m.kid;
  const auto* signer = state_->key(m.signing_kid.empty() ? kid : m.signing_kid);
  if (!signer) throw std::invalid_argument("the fake has no key " + (m.signing_kid.empty() ? kid : m.signing_kid));
  const std::string& key = m.alg == "HS256" ? signer->material->public_pem : signer->material->private_pem;
  return sign(claims, kid, m.alg, key);
}

std::string FakeBotFrameworkAuth::authorization(const Mint& m) const { return "Bearer " + mint(m); }

bool FakeBotFrameworkAuth::issued(std::string_view access_token) const {
  auto it = state_->issued.find(std::string(access_token));
  return it != state_->issued.end() && state_->options.now() < it->second;
}

std::string FakeBotFrameworkAuth::last_access_token() const { return state_->last_token; }
std::map<std::string, std::string> FakeBotFrameworkAuth::last_token_form() const { return state_->last_form; }
std::string FakeBotFrameworkAuth::last_token_path() const { return state_->last_path; }
void FakeBotFrameworkAuth::fail_next(Endpoint endpoint, int status) { state_->failures[endpoint].push_back(status); }
int FakeBotFrameworkAuth::metadata_requests() const { return state_->metadata; }
int FakeBotFrameworkAuth::jwks_requests() const { return state_->jwks; }
int FakeBotFrameworkAuth::token_requests() const { return state_->tokens; }

}  // namespace test_support
