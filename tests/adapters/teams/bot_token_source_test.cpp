// BotTokenSource against the fake token endpoint on 127.0.0.1: the client-credentials request
// Microsoft expects, caching until shortly before expiry, one request for concurrent callers,
// and refusals from the authority reported plainly, never with the secret.
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "adapters/teams/teams_auth.hpp"
#include "tests/support/fake_bot_framework_auth.hpp"
#include "tests/support/run_awaitable.hpp"

namespace {

namespace asio = boost::asio;
using adapters::teams::BotToken;
using adapters::teams::BotTokenSource;
using Catch::Matchers::Contains;
using test_support::FakeBotFrameworkAuth;
using Clock = std::chrono::system_clock;
using namespace std::chrono_literals;

struct Fixture {
  explicit Fixture(test_support::FakeBotFrameworkAuthOptions options = {}) {
    options.now = [this] { return now; };
    fake.emplace(io, options);
  }
  void use(adapters::teams::BotTokenOptions options) {
    source.emplace(io.get_executor(), std::move(options), [this] { return now; });
  }
  BotToken token() { return test_support::run_awaitable(io, source->token()); }

  Clock::time_point now = Clock::time_point(std::chrono::seconds(1795000000));
  asio::io_context io;
  std::optional<FakeBotFrameworkAuth> fake;
  std::optional<BotTokenSource> source;
};

}  // namespace

TEST_CASE("bot token: client credentials for the single tenant, then the cached token", "[net][teams]") {
  Fixture f;
  f.use(f.fake->token_options());
  BotToken first = f.token();
  REQUIRE(first.ok());
  CHECK(f.fake->issued(first.access_token));
  CHECK(f.fake->last_token_path() == "/" + f.fake->options().tenant_id + "/oauth2/v2.0/token");
  auto form = f.fake->last_token_form();
  CHECK(form["grant_type"] == "client_credentials");
  CHECK(form["client_id"] == f.fake->options().app_id);
  CHECK(form["client_secret"] == f.fake->options().app_secret);
  CHECK(form["scope"] == "https://api.botframework.com/.default");
  f.now += 30min;
  CHECK(f.token().access_token == first.access_token);
  CHECK(f.fake->token_requests() == 1);
}

TEST_CASE("bot token: renewed five minutes before it expires", "[net][teams]") {
  Fixture f;  // the fake's tokens live 3600 s
  f.use(f.fake->token_options());
  std::string first = f.token().access_token;
  f.now += 3600s - 301s;
  CHECK(f.token().access_token == first);
  CHECK(f.fake->token_requests() == 1);
  f.now += 2s;
  BotToken renewed = f.token();
  REQUIRE(renewed.ok());
  CHECK(renewed.access_token != first);
  CHECK(f.fake->token_requests() == 2);
  CHECK(f.fake->issued(renewed.access_token));
  // invalidate() (after a 401 from the Connector) forgets the token.
  f.source->invalidate();
  CHECK(f.token().access_token != renewed.access_token);
  CHECK(f.fake->token_requests() == 3);
}

TEST_CASE("bot token: a short-lived token is renewed half-way", "[net][teams]") {
  test_support::FakeBotFrameworkAuthOptions options;
  options.token_lifetime = 120s;
  Fixture f(options);
  f.use(f.fake->token_options());
  std::string first = f.token().access_token;
  f.now += 59s;
  CHECK(f.token().access_token == first);
  f.now += 2s;
  CHECK(f.token().access_token != first);
  CHECK(f.fake->token_requests() == 2);
}

TEST_CASE("bot token: concurrent callers share one request", "[net][teams]") {
  Fixture f;
  f.use(f.fake->token_options());
  std::vector<asio::awaitable<BotToken>> work;
  for (int i = 0; i < 6; ++i) work.push_back(f.source->token());
  auto tokens = test_support::run_all(f.io, std::move(work));
  for (const auto& t : tokens) {
    CHECK(t.ok());
    CHECK(t.access_token == tokens.front().access_token);
  }
  CHECK(f.fake->token_requests() == 1);
}

TEST_CASE("bot token: refusals from the authority come back as clear failures", "[net][teams]") {
  Fixture f;
  SECTION("a wrong secret: 401 invalid_client") {
    auto options = f.fake->token_options();
    options.app_secret = "not-the-secret";
    f.use(options);
    BotToken t = f.token();
    CHECK_FALSE(t.ok());
    CHECK(t.access_token.empty());
    CHECK(t.error == bot::SendErrorKind::auth);
    CHECK_THAT(t.error_text, Contains("HTTP 401") && Contains("invalid_client") && Contains("AADSTS7000215"));
    CHECK_THAT(t.error_text, !Contains("not-the-secret") && !Contains("Trace ID"));
    // Failures are not cached: the next call asks again.
    CHECK_FALSE(f.token().ok());
    CHECK(f.fake->token_requests() == 2);
  }
  SECTION("a single-tenant app asking the multi-tenant authority: 400 AADSTS700016") {
    auto options = f.fake->token_options();
    options.multi_tenant = true;
    f.use(options);
    BotToken t = f.token();
    CHECK(f.fake->last_token_path() == "/botframework.com/oauth2/v2.0/token");
    CHECK(t.error == bot::SendErrorKind::auth);
    CHECK_THAT(t.error_text, Contains("HTTP 400") && Contains("AADSTS700016"));
  }
  SECTION("the authority is down: a retryable failure") {
    f.use(f.fake->token_options());
    f.fake->fail_next(FakeBotFrameworkAuth::Endpoint::token, 503);
    BotToken t = f.token();
    CHECK(t.error == bot::SendErrorKind::server);
    CHECK_THAT(t.error_text, Contains("HTTP 503"));
    CHECK(f.token().ok());
  }
  SECTION("the authority cannot be reached") {
    auto options = f.fake->token_options();
    f.fake->stop();
    f.use(options);
    BotToken t = f.token();
    CHECK(t.error == bot::SendErrorKind::network);
    CHECK_THAT(t.error_text, Contains("cannot reach the token authority"));
  }
}

TEST_CASE("bot token: a legacy multi-tenant bot asks the botframework.com tenant", "[net][teams]") {
  test_support::FakeBotFrameworkAuthOptions options;
  options.multi_tenant_app = true;
  Fixture f(options);
  auto token_options = f.fake->token_options();
  token_options.tenant_id.clear();
  f.use(token_options);
  BotToken t = f.token();
  CHECK(t.ok());
  CHECK(f.fake->last_token_path() == "/botframework.com/oauth2/v2.0/token");
}

TEST_CASE("bot token: options and configuration", "[unit][teams]") {
  asio::io_context io;
  auto now = [] { return Clock::now(); };
  adapters::teams::BotTokenOptions options;
  options.app_id = "app";
  options.app_secret = "secret";
  options.tenant_id = "contoso-tenant";
  CHECK(adapters::teams::token_url(options) == "https://login.microsoftonline.com/contoso-tenant/oauth2/v2.0/token");
  auto legacy = options;
  legacy.multi_tenant = true;
  CHECK(adapters::teams::token_url(legacy) == "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token");
  CHECK_NOTHROW(BotTokenSource(io.get_executor(), options, now));
  auto no_tenant = options;
  no_tenant.tenant_id.clear();
  CHECK_THROWS_AS(BotTokenSource(io.get_executor(), no_tenant, now), std::invalid_argument);
  auto no_secret = options;
  no_secret.app_secret.clear();
  CHECK_THROWS_AS(BotTokenSource(io.get_executor(), no_secret, now), std::invalid_argument);
  auto clear_text = options;
  clear_text.authority = "http://login.microsoftonline.com";
  CHECK_THROWS_AS(BotTokenSource(io.get_executor(), clear_text, now), std::invalid_argument);

  std::map<std::string, std::string> settings = {{"app_id", "app"}, {"app_secret", "s3cret"}, {"tenant_id", "t1"}};
  auto from_settings = adapters::teams::token_options_from_settings(settings);
  CHECK(from_settings.app_secret == "s3cret");
  CHECK_FALSE(from_settings.multi_tenant);
  CHECK(adapters::teams::auth_options_from_settings(settings).openid_metadata_url ==
        "https://login.botframework.com/v1/.well-known/openidconfiguration");
  settings.erase("tenant_id");
  CHECK_THROWS_AS(adapters::teams::token_options_from_settings(settings), std::invalid_argument);
  settings["multi_tenant"] = "true";
  CHECK(adapters::teams::token_options_from_settings(settings).multi_tenant);
  settings["multi_tenant"] = "maybe";
  CHECK_THROWS_AS(adapters::teams::token_options_from_settings(settings), std::invalid_argument);
}
