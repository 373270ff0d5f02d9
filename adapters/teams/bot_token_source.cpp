// BotTokenSource (declared in teams_auth.hpp): the bot's client-credentials token.
#include <spdlog/spdlog.h>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "adapters/common/endpoint_url.hpp"
#include "adapters/common/http_client.hpp"
#include "adapters/teams/single_flight.hpp"
#include "adapters/teams/teams_auth.hpp"

namespace adapters::teams {

namespace asio = boost::asio;
using Clock = std::chrono::system_clock;

struct TokenState {
  TokenState(asio::any_io_executor executor, BotTokenOptions opts, Now clock, http::EndpointUrl url)
      : options(std::move(opts)),
        now(std::move(clock)),
        endpoint(std::move(url)),
        client(executor, endpoint.origin, options.ca_file),
        flight(executor) {}

  BotTokenOptions options;
  Now now;
  http::EndpointUrl endpoint;
  http::HttpClient client;
  SingleFlight flight;
  std::string access_token;
  Clock::time_point renew_at{};  // the cached token is used until then
  BotToken last_failure;         // what callers that waited on a failed fetch get
};

namespace {

std::string form_value(std::string_view s) { return boost::urls::encode(s, boost::urls::unreserved_chars); }

std::string form_body(const BotTokenOptions& o) {
  return "grant_type=client_credentials&client_id=" + form_value(o.app_id) +
         "&client_secret=" + form_value(o.app_secret) + "&scope=" + form_value(o.scope);
}

BotToken failure(bot::SendErrorKind kind, std::string text) {
  BotToken out;
  out.error = kind;
  out.error_text = std::move(text);
  return out;
}

// Entra answers errors as {"error":"invalid_client","error_description":"AADSTS7000215: …"};
// the description's first line names the cause (the rest is trace and correlation ids).
std::string authority_error(const http::Response& response) {
  std::string text = "the token authority answered HTTP " + std::to_string(response.status);
  nlohmann::json body = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) return text;
  if (body.contains("error") && body["error"].is_string()) text += " " + body["error"].get<std::string>();
  if (body.contains("error_description") && body["error_description"].is_string()) {
    std::string description = body["error_description"].get<std::string>();
    description = description.substr(0, std::min(description.find_first_of("\r\n"), size_t{300}));
    text += ": " + description;
  }
  return text;
}

std::optional<long long> seconds_field(const nlohmann::json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end()) return std::nullopt;
  if (it->is_number_integer()) return it->get<long long>();
  if (it->is_string()) {  // older Entra endpoints send numbers as strings
    try {
      return std::stoll(it->get<std::string>());
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

asio::awaitable<BotToken> request_token(std::shared_ptr<TokenState> s) {
  http::Request request;
  request.method = "POST";
  request.target = s->endpoint.target;
  request.content_type = "application/x-www-form-urlencoded";
  request.body = form_body(s->options);
  request.timeout = s->options.request_timeout;
  const auto asked_at = s->now();
  http::Response response = co_await s->client.request(std::move(request));
  if (response.status == 0)
    co_return failure(response.error, "cannot reach the token authority: " + response.error_text);
  if (response.status == 429) {
    BotToken out = failure(bot::SendErrorKind::rate_limited, authority_error(response));
    out.retry_after = response.retry_after;
    co_return out;
  }
  if (response.status >= 500) co_return failure(bot::SendErrorKind::server, authority_error(response));
  // Any other refusal (400 unauthorized_client, 401 invalid_client, …) is a configuration
  // problem that retrying does not fix.
  if (!response.ok()) co_return failure(bot::SendErrorKind::auth, authority_error(response));
  nlohmann::json body = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object() || !body.contains("access_token") || !body["access_token"].is_string() ||
      body["access_token"].get_ref<const std::string&>().empty())
    co_return failure(bot::SendErrorKind::server, "the token authority's answer has no access_token");
  auto lifetime = seconds_field(body, "expires_in");
  if (!lifetime || *lifetime <= 0) co_return failure(bot::SendErrorKind::server, "the token has no expires_in");
  BotToken out;
  out.access_token = body["access_token"].get<std::string>();
  // Renew renew_before_expiry early, but never later than half-way for short-lived tokens.
  auto margin = std::min<long long>(s->options.renew_before_expiry.count(), *lifetime / 2);
  s->access_token = out.access_token;
  s->renew_at = asked_at + std::chrono::seconds(*lifetime - margin);
  co_return out;
}

asio::awaitable<BotToken> get_token(std::shared_ptr<TokenState> s) {
  if (s->flight.running()) {
    co_await s->flight.wait();
    if (!s->access_token.empty() && s->now() < s->renew_at) co_return BotToken{.access_token = s->access_token};
    co_return s->last_failure;
  }
  if (!s->access_token.empty() && s->now() < s->renew_at) co_return BotToken{.access_token = s->access_token};
  s->access_token.clear();
  s->flight.begin();
  BotToken out;
  try {
    out = co_await request_token(s);
  } catch (const std::exception& e) {
    out = failure(bot::SendErrorKind::network, std::string("token request failed: ") + e.what());
  }
  if (!out.ok()) {
    s->last_failure = out;
    spdlog::warn("teams: no bot token: {}", out.error_text);
  }
  s->flight.end();
  co_return out;
}

}  // namespace

std::string token_url(const BotTokenOptions& o) {
  std::string authority = o.authority;
  while (!authority.empty() && authority.back() == '/') authority.pop_back();
  return authority + "/" + (o.multi_tenant ? std::string(kMultiTenantTenant) : o.tenant_id) + "/oauth2/v2.0/token";
}

BotTokenSource::BotTokenSource(asio::any_io_executor executor, BotTokenOptions options, Now now) {
  if (options.app_id.empty()) throw std::invalid_argument("the Teams app id is missing");
  if (options.app_secret.empty()) throw std::invalid_argument("the Teams app secret is missing");
  if (!options.multi_tenant && options.tenant_id.empty())
    throw std::invalid_argument(
        "the Teams tenant id is missing (single-tenant bots need it; set multi_tenant for a legacy bot)");
  http::EndpointUrl endpoint = http::parse_endpoint_url(token_url(options));
  state_ = std::make_shared<TokenState>(executor, std::move(options), std::move(now), std::move(endpoint));
}

BotTokenSource::~BotTokenSource() = default;

asio::awaitable<BotToken> BotTokenSource::token() { return get_token(state_); }

void BotTokenSource::invalidate() { state_->access_token.clear(); }

}  // namespace adapters::teams
