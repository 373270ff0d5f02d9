// ActivityAuthenticator against the fake Bot Framework identity on 127.0.0.1: the tokens the
// Bot Framework sends are accepted, every forged, stale or misdirected one is refused for the
// right reason, and the signing keys are fetched as rarely as the refresh policy says.
#include "adapters/teams/teams_auth.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "adapters/teams/base64url.hpp"
#include "tests/support/fake_bot_framework_auth.hpp"
#include "tests/support/run_awaitable.hpp"

namespace {

namespace asio = boost::asio;
using adapters::Error;
using adapters::teams::ActivityAuthenticator;
using Catch::Matchers::Contains;
using test_support::FakeBotFrameworkAuth;
using Clock = std::chrono::system_clock;
using Mint = FakeBotFrameworkAuth::Mint;
using namespace std::chrono_literals;

long long seconds_of(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// One io_context with the fake identity and an authenticator pointed at it, sharing a clock
// that only moves when the test says so.
struct Fixture {
  explicit Fixture(test_support::FakeBotFrameworkAuthOptions options = {}) {
    options.now = [this] { return now; };
    fake.emplace(io, options);
    auth.emplace(io.get_executor(), fake->auth_options(), [this] { return now; });
  }

  // The activity's channelId and serviceUrl default to what the fake puts in its tokens.
  std::optional<Error> validate(const std::string& header, const std::string& channel = "msteams",
                                std::optional<std::string> service_url = std::nullopt) {
    return test_support::run_awaitable(
        io, auth->validate(header, channel, service_url.value_or(fake->options().service_url)));
  }
  std::string reason(const std::string& header, const std::string& channel = "msteams",
                     std::optional<std::string> service_url = std::nullopt) {
    auto failure = validate(header, channel, std::move(service_url));
    return failure ? failure->message : "accepted";
  }

  Clock::time_point now = Clock::time_point(std::chrono::seconds(1795000000));  // Nov 2026
  asio::io_context io;
  std::optional<FakeBotFrameworkAuth> fake;
  std::optional<ActivityAuthenticator> auth;
};

Mint with_claims(nlohmann::json claims) {
  Mint m;
  m.claims = std::move(claims);
  return m;
}

// The token with its payload replaced, the signature kept: what a man in the middle would try.
std::string tampered(const std::string& token, const nlohmann::json& new_payload) {
  size_t first = token.find('.');
  size_t second = token.find('.', first + 1);
  return token.substr(0, first + 1) + adapters::teams::base64url_encode(new_payload.dump()) + token.substr(second);
}

}  // namespace

TEST_CASE("teams auth: a token signed like the Bot Framework's is accepted", "[net][teams]") {
  Fixture f;
  CHECK(f.reason(f.fake->authorization()) == "accepted");
  // Any RS256-family algorithm, and the scheme name in any case.
  Mint rs512;
  rs512.alg = "RS512";
  CHECK(f.reason(f.fake->authorization(rs512)) == "accepted");
  CHECK(f.reason("bearer " + f.fake->mint()) == "accepted");
  // A trailing '/' on either side of the serviceUrl comparison does not matter.
  CHECK(f.reason(f.fake->authorization(), "msteams", "https://smba.trafficmanager.net/amer") == "accepted");
  CHECK(f.reason(f.fake->authorization(with_claims({{"serviceurl", "https://smba.trafficmanager.net/amer"}}))) ==
        "accepted");
}

TEST_CASE("teams auth: malformed Authorization headers are refused", "[net][teams]") {
  Fixture f;
  CHECK_THAT(f.reason(""), Contains("no Authorization header"));
  CHECK_THAT(f.reason("Basic dXNlcjpwYXNz"), Contains("not a Bearer token"));
  CHECK_THAT(f.reason(f.fake->mint()), Contains("not a Bearer token"));  // the token without the scheme
  CHECK_THAT(f.reason("Bearer "), Contains("not a Bearer token"));
  CHECK_THAT(f.reason("Bearer garbage"), Contains("not a compact JWT"));
  CHECK_THAT(f.reason("Bearer a.b.c.d"), Contains("not a compact JWT"));
  CHECK_THAT(f.reason("Bearer !!!.e30.c2ln"), Contains("not base64url"));
  CHECK_THAT(f.reason("Bearer bm90IGpzb24.e30.c2ln"), Contains("not a JSON object"));
  // Nothing was worth fetching keys for.
  CHECK(f.fake->metadata_requests() == 0);
}

TEST_CASE("teams auth: unsigned and algorithm-confusion tokens are refused before any key is used", "[net][teams]") {
  Fixture f;
  Mint none;
  none.alg = "none";
  CHECK_THAT(f.reason(f.fake->authorization(none)), Contains("unsigned"));
  // alg none with something in the signature place is still not an allowed algorithm.
  CHECK_THAT(f.reason(f.fake->authorization(none) + "c2lnbmF0dXJl"), Contains("not RS256, RS384 or RS512"));
  // HS256 keyed with the published public key: libjwt would verify this if asked to, so the
  // algorithm must be refused before decoding.
  Mint hs256;
  hs256.alg = "HS256";
  CHECK_THAT(f.reason(f.fake->authorization(hs256)), Contains("not RS256, RS384 or RS512"));
  // A token without kid cannot name its key.
  CHECK_THAT(f.reason("Bearer " + adapters::teams::base64url_encode(R"({"alg":"RS256"})") + ".e30.c2ln"),
             Contains("no kid"));
}

TEST_CASE("teams auth: tokens not signed by a published key are refused", "[net][teams]") {
  Fixture f;
  SECTION("signed by an unknown key while naming a published kid") {
    Mint m;
    m.kid = "k1";
    m.signing_kid = std::string(FakeBotFrameworkAuth::kUnknownKid);
    CHECK_THAT(f.reason(f.fake->authorization(m)), Contains("signature does not verify"));
  }
  SECTION("naming a kid the JWKS does not list") {
    Mint m;
    m.kid = std::string(FakeBotFrameworkAuth::kUnknownKid);
    CHECK_THAT(f.reason(f.fake->authorization(m)), Contains("key id is not among"));
  }
  SECTION("payload changed after signing") {
    std::string token = f.fake->mint();
    auto forged = tampered(token, {{"aud", f.fake->options().app_id},
                                   {"iss", "https://api.botframework.com"},
                                   {"serviceurl", "https://attacker.example/"},
                                   {"nbf", seconds_of(f.now)},
                                   {"exp", seconds_of(f.now + 1h)}});
    CHECK(f.reason("Bearer " + token) == "accepted");
    CHECK_THAT(f.reason("Bearer " + forged, "msteams", "https://attacker.example/"),
               Contains("signature does not verify"));
  }
}

TEST_CASE("teams auth: expiry and not-before allow five minutes of clock skew, no more", "[net][teams]") {
  Fixture f;
  const auto t = f.now;
  CHECK(f.reason(f.fake->authorization(with_claims({{"exp", seconds_of(t - 299s)}}))) == "accepted");
  CHECK_THAT(f.reason(f.fake->authorization(with_claims({{"exp", seconds_of(t - 301s)}}))), Contains("expired"));
  CHECK(f.reason(f.fake->authorization(with_claims({{"nbf", seconds_of(t + 299s)}}))) == "accepted");
  CHECK_THAT(f.reason(f.fake->authorization(with_claims({{"nbf", seconds_of(t + 301s)}}))), Contains("not valid yet"));
  CHECK_THAT(f.reason(f.fake->authorization(with_claims({{"exp", nullptr}}))), Contains("no expiry"));
  // A token that was fine expires when the clock moves on.
  std::string header = f.fake->authorization();  // exp = now + 1 h
  f.now += 1h + 4min;
  CHECK(f.reason(header) == "accepted");
  f.now += 2min;
  CHECK_THAT(f.reason(header), Contains("expired"));
}

TEST_CASE("teams auth: tokens for another bot, issuer, service or channel are refused", "[net][teams]") {
  Fixture f;
  CHECK_THAT(f.reason(f.fake->authorization(with_claims({{"aud", "another-bot-app-id"}}))),
             Contains("another audience"));
  CHECK_THAT(f.reason(f.fake->authorization(with_claims({{"aud", nullptr}}))), Contains("another audience"));
  CHECK_THAT(f.reason(f.fake->authorization(with_claims({{"iss", "https://sts.windows.net/tenant/"}}))),
             Contains("issuer"));
  // The token was issued for another regional service than the activity names.
  CHECK_THAT(f.reason(f.fake->authorization(), "msteams", "https://smba.trafficmanager.net/emea/"),
             Contains("serviceurl"));
  CHECK_THAT(f.reason(f.fake->authorization(with_claims({{"serviceurl", "https://attacker.example/"}}))),
             Contains("serviceurl"));
  CHECK_THAT(f.reason(f.fake->authorization(with_claims({{"serviceurl", nullptr}}))), Contains("no serviceurl"));
  // The key is endorsed for msteams only.
  CHECK_THAT(f.reason(f.fake->authorization(), "webchat"), Contains("not endorsed"));
}

TEST_CASE("teams auth: a key without the channel's endorsement signs nothing for it", "[net][teams]") {
  Fixture f;
  f.fake->set_endorsements("k1", {"skype", "webchat"});
  CHECK_THAT(f.reason(f.fake->authorization()), Contains("not endorsed"));
  CHECK(f.reason(f.fake->authorization(), "webchat") == "accepted");
}

TEST_CASE("teams auth: concurrent and repeated validations share one metadata and one JWKS fetch", "[net][teams]") {
  Fixture f;
  std::vector<std::string> headers;
  for (int i = 0; i < 12; ++i) headers.push_back(f.fake->authorization());
  std::vector<asio::awaitable<std::optional<Error>>> work;
  for (const auto& h : headers) work.push_back(f.auth->validate(h, "msteams", f.fake->options().service_url));
  auto results = test_support::run_all(f.io, std::move(work));
  for (const auto& r : results) CHECK_FALSE(r.has_value());
  for (int i = 0; i < 5; ++i) CHECK(f.reason(f.fake->authorization()) == "accepted");
  CHECK(f.fake->metadata_requests() == 1);
  CHECK(f.fake->jwks_requests() == 1);
}

TEST_CASE("teams auth: an unknown kid refreshes the keys at most once an hour", "[net][teams]") {
  Fixture f;
  REQUIRE(f.reason(f.fake->authorization()) == "accepted");
  REQUIRE(f.fake->jwks_requests() == 1);
  SECTION("a rotated key is fetched once and then accepted") {
    f.now += 61min;
    std::string kid = f.fake->rotate_key();
    CHECK(kid == "k2");
    CHECK(f.reason(f.fake->authorization()) == "accepted");
    CHECK(f.reason(f.fake->authorization()) == "accepted");
    CHECK(f.fake->metadata_requests() == 2);
    CHECK(f.fake->jwks_requests() == 2);
    // The old key stays published and valid.
    Mint old;
    old.kid = "k1";
    CHECK(f.reason(f.fake->authorization(old)) == "accepted");
    // Another unknown kid within the hour after that fetch: refused without asking again.
    f.now += 30min;
    Mint unknown;
    unknown.kid = std::string(FakeBotFrameworkAuth::kUnknownKid);
    CHECK_THAT(f.reason(f.fake->authorization(unknown)), Contains("key id is not among"));
    CHECK(f.fake->jwks_requests() == 2);
  }
  SECTION("made-up kids within the hour cause no fetch at all") {
    Mint unknown;
    unknown.kid = std::string(FakeBotFrameworkAuth::kUnknownKid);
    for (int i = 0; i < 3; ++i) CHECK_THAT(f.reason(f.fake->authorization(unknown)), Contains("key id is not among"));
    CHECK(f.fake->jwks_requests() == 1);
    f.now += 61min;
    CHECK_THAT(f.reason(f.fake->authorization(unknown)), Contains("key id is not among"));
    CHECK(f.fake->jwks_requests() == 2);
  }
}

TEST_CASE("teams auth: the keys are refreshed after 24 hours and kept when a refresh fails", "[net][teams]") {
  Fixture f;
  REQUIRE(f.reason(f.fake->authorization()) == "accepted");
  f.now += 23h + 59min;
  CHECK(f.reason(f.fake->authorization()) == "accepted");
  CHECK(f.fake->jwks_requests() == 1);
  f.now += 2min;
  CHECK(f.reason(f.fake->authorization()) == "accepted");
  CHECK(f.fake->metadata_requests() == 2);
  CHECK(f.fake->jwks_requests() == 2);
  // A day later the JWKS is down: the keys in hand still verify, and the failing server is not
  // asked again on every request.
  f.now += 24h + 1min;
  f.fake->fail_next(FakeBotFrameworkAuth::Endpoint::keys, 503);
  CHECK(f.reason(f.fake->authorization()) == "accepted");
  CHECK(f.reason(f.fake->authorization()) == "accepted");
  CHECK(f.fake->jwks_requests() == 3);
  f.now += 2min;
  CHECK(f.reason(f.fake->authorization()) == "accepted");
  CHECK(f.fake->jwks_requests() == 4);
}

TEST_CASE("teams auth: without reachable metadata nothing is accepted, and retries are spaced", "[net][teams]") {
  Fixture f;
  f.fake->fail_next(FakeBotFrameworkAuth::Endpoint::metadata, 500);
  CHECK_THAT(f.reason(f.fake->authorization()), Contains("no Bot Framework signing keys"));
  CHECK_THAT(f.reason(f.fake->authorization()), Contains("HTTP 500"));
  CHECK(f.fake->metadata_requests() == 1);
  f.now += 61s;
  CHECK(f.reason(f.fake->authorization()) == "accepted");
  CHECK(f.fake->metadata_requests() == 2);
}

TEST_CASE("teams auth: without any keys a failed fetch is tried again in seconds, and the refusal is retryable",
          "[net][teams]") {
  Fixture f;
  f.fake->fail_next(FakeBotFrameworkAuth::Endpoint::metadata, 500);
  f.fake->fail_next(FakeBotFrameworkAuth::Endpoint::metadata, 500);
  auto failure = f.validate(f.fake->authorization());
  REQUIRE(failure);
  // Nothing is known against the token: not "forged" (auth) but "come back" (retryable).
  CHECK(failure->retryable());
  CHECK(f.auth->keys_retry_after() >= 1s);
  CHECK(f.auth->keys_retry_after() <= 2s);
  // Two seconds later (not a minute) the keys are asked for again; that fails too, and the next
  // wait is longer but still seconds.
  f.now += 2s;
  CHECK(f.validate(f.fake->authorization())->retryable());
  CHECK(f.fake->metadata_requests() == 2);
  CHECK(f.auth->keys_retry_after() <= 3s);
  f.now += 3s;
  CHECK(f.reason(f.fake->authorization()) == "accepted");
  CHECK(f.fake->metadata_requests() == 3);
  // A token that is really bad is still refused as such once keys are known.
  auto forged = f.validate(f.fake->authorization(with_claims({{"aud", "someone-else"}})));
  REQUIRE(forged);
  CHECK_FALSE(forged->retryable());
}

TEST_CASE("teams auth: warm-up fetches the keys at start and retries by itself until it has them", "[net][teams]") {
  asio::io_context io;
  FakeBotFrameworkAuth fake(io);
  fake.fail_next(FakeBotFrameworkAuth::Endpoint::keys, 503);
  ActivityAuthenticator auth(io.get_executor(), fake.auth_options(), [] { return Clock::now(); });
  // No request drives it: the first fetch fails, the next one (about a second later) succeeds.
  bool warm = false;
  asio::co_spawn(io, auth.warm_up(), [&](std::exception_ptr) { warm = true; });
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!warm && std::chrono::steady_clock::now() < deadline) io.run_one_for(10ms);
  REQUIRE(warm);
  CHECK(fake.jwks_requests() == 2);
  CHECK_FALSE(
      test_support::run_awaitable(io, auth.validate(fake.authorization(), "msteams", fake.options().service_url)));
  CHECK(fake.jwks_requests() == 2);
}

TEST_CASE("teams auth: keys from a private https authority named by a CA bundle", "[net][teams]") {
  asio::io_context io;
  test_support::FakeBotFrameworkAuthOptions options;
  options.tls = true;
  FakeBotFrameworkAuth fake(io, options);
  REQUIRE(fake.origin().starts_with("https://"));
  std::string header = fake.authorization();
  auto validate = [&](adapters::teams::AuthOptions auth_options) {
    ActivityAuthenticator auth(io.get_executor(), auth_options, [] { return Clock::now(); });
    auto failure = test_support::run_awaitable(io, auth.validate(header, "msteams", fake.options().service_url));
    return failure ? failure->message : "accepted";
  };
  CHECK(validate(fake.auth_options()) == "accepted");
  // The system's trust store does not know the test authority.
  auto untrusted = fake.auth_options();
  untrusted.ca_file.clear();
  CHECK_THAT(validate(untrusted), Contains("no Bot Framework signing keys"));
}

TEST_CASE("teams auth: configuration mistakes stop the start, not the first activity", "[unit][teams]") {
  asio::io_context io;
  auto now = [] { return Clock::now(); };
  adapters::teams::AuthOptions options;
  options.app_id = "app";
  CHECK_NOTHROW(ActivityAuthenticator(io.get_executor(), options, now));  // the Microsoft defaults
  auto no_app = options;
  no_app.app_id.clear();
  CHECK_THROWS_AS(ActivityAuthenticator(io.get_executor(), no_app, now), std::invalid_argument);
  auto clear_text = options;
  clear_text.openid_metadata_url = "http://login.botframework.com/v1/.well-known/openidconfiguration";
  CHECK_THROWS_AS(ActivityAuthenticator(io.get_executor(), clear_text, now), std::invalid_argument);
  auto loopback = options;
  loopback.openid_metadata_url = "http://127.0.0.1:9/v1/.well-known/openidconfiguration";
  CHECK_NOTHROW(ActivityAuthenticator(io.get_executor(), loopback, now));
  auto missing_ca = options;
  missing_ca.ca_file = "/nonexistent/ca.pem";
  CHECK_THROWS_AS(ActivityAuthenticator(io.get_executor(), missing_ca, now), std::invalid_argument);
}
