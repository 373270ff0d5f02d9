// The HTTP client: status → error kind, and real requests to the fake homeserver on 127.0.0.1.
#include "adapters/common/http_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <exception>
#include <stdexcept>
#include <vector>

#include "tests/support/fake_bot_connector.hpp"
#include "tests/support/fake_bot_framework_auth.hpp"
#include "tests/support/fake_matrix_server.hpp"
#include "tests/support/run_awaitable.hpp"

namespace {

namespace asio = boost::asio;
using adapters::http::HttpClient;
using adapters::http::Request;
using adapters::http::Response;

asio::awaitable<std::vector<Response>> three_requests(HttpClient* client) {
  std::vector<Response> out;
  Request versions;
  versions.target = "/_matrix/client/versions";
  out.push_back(co_await client->request(versions));
  Request unauthorized;
  unauthorized.target = "/_matrix/client/v3/account/whoami";
  out.push_back(co_await client->request(unauthorized));
  Request wrong_token;
  wrong_token.target = "/_matrix/client/v3/account/whoami";
  wrong_token.headers["Authorization"] = "Bearer not-the-token";
  out.push_back(co_await client->request(wrong_token));
  co_return out;
}

}  // namespace

TEST_CASE("status codes map to send error kinds", "[unit][http]") {
  using K = bot::SendErrorKind;
  CHECK(adapters::http::error_kind_for_status(200) == K::none);
  CHECK(adapters::http::error_kind_for_status(204) == K::none);
  CHECK(adapters::http::error_kind_for_status(400) == K::bad_request);
  CHECK(adapters::http::error_kind_for_status(401) == K::auth);
  CHECK(adapters::http::error_kind_for_status(403) == K::auth);
  CHECK(adapters::http::error_kind_for_status(404) == K::not_found);
  CHECK(adapters::http::error_kind_for_status(429) == K::rate_limited);
  CHECK(adapters::http::error_kind_for_status(500) == K::server);
  CHECK(adapters::http::error_kind_for_status(503) == K::server);
  asio::io_context io;
  CHECK_THROWS_AS(HttpClient(io.get_executor(), "ftp://example.org"), std::invalid_argument);
  CHECK_THROWS_AS(HttpClient(io.get_executor(), "https://"), std::invalid_argument);
}

TEST_CASE("requests in sequence on one client: success, 429 with Retry-After, 401", "[net][http]") {
  asio::io_context io;
  test_support::FakeMatrixServer server(io, "@hallpass:test", "t");
  server.fail_next("/account/whoami", 429, 3000);  // the first whoami: after the versions call
  HttpClient client(io.get_executor(), server.origin());
  std::vector<Response> responses;
  std::exception_ptr failure;
  bool done = false;
  asio::co_spawn(io, three_requests(&client), [&](std::exception_ptr e, std::vector<Response> r) {
    failure = e;
    responses = std::move(r);
    done = true;
  });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done && std::chrono::steady_clock::now() < deadline) io.run_one_for(std::chrono::milliseconds(10));
  REQUIRE(done);
  REQUIRE_FALSE(failure);
  REQUIRE(responses.size() == 3);
  CHECK(responses[0].ok());
  CHECK(responses[0].status == 200);
  CHECK(responses[0].body.find("v1.11") != std::string::npos);
  CHECK(responses[0].headers.at("content-type") == "application/json");
  // The scripted 429 is answered before the token check.
  CHECK(responses[1].status == 429);
  CHECK(responses[1].error == bot::SendErrorKind::rate_limited);
  CHECK(responses[1].retry_after == std::chrono::seconds(3));
  CHECK(responses[2].status == 401);
  CHECK(responses[2].error == bot::SendErrorKind::auth);
}

TEST_CASE("https trusts a named CA bundle instead of the system's", "[net][http]") {
  asio::io_context io;
  test_support::FakeBotFrameworkAuthOptions options;
  options.tls = true;  // a certificate for 127.0.0.1 from a private test authority
  test_support::FakeBotFrameworkAuth server(io, options);
  Request metadata;
  metadata.target = "/v1/.well-known/openidconfiguration";

  HttpClient trusting(io.get_executor(), server.origin(), server.ca_file());
  Response ok = test_support::run_awaitable(io, trusting.request(metadata));
  CHECK(ok.status == 200);
  CHECK(ok.body.find("jwks_uri") != std::string::npos);

  HttpClient system_trust(io.get_executor(), server.origin());
  Response refused = test_support::run_awaitable(io, system_trust.request(metadata));
  CHECK(refused.status == 0);
  CHECK(refused.error == bot::SendErrorKind::network);
  CHECK(server.metadata_requests() == 1);

  CHECK_THROWS_AS(HttpClient(io.get_executor(), server.origin(), "/nonexistent/ca.pem"), std::invalid_argument);
}

TEST_CASE("concurrent requests to one host share a capped pool of connections", "[net][http]") {
  asio::io_context io;
  // A plain HTTP server that can hold a request unanswered: the fake Bot Connector.
  test_support::FakeBotConnector server(io, "t");
  HttpClient client(io.get_executor(), server.origin(), {}, 2);
  server.hold_next("/members/one");
  server.hold_next("/members/two");
  std::vector<Response> answers;
  auto collect = [&](std::exception_ptr, Response r) { answers.push_back(std::move(r)); };
  for (const char* who : {"one", "two", "three", "four"}) {
    Request r;
    r.target = std::string("/amer/v3/conversations/c/members/") + who;
    r.headers["Authorization"] = "Bearer t";
    asio::co_spawn(io, client.request(r), collect);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (server.held() < 2 && std::chrono::steady_clock::now() < deadline)
    io.run_one_for(std::chrono::milliseconds(10));
  // Two held requests take both connections; the others wait for one, none is lost.
  REQUIRE(server.held() == 2);
  io.poll();
  CHECK(answers.empty());
  CHECK(client.open_connections() == 2);
  CHECK(client.waiting_requests() == 2);
  server.release_held();
  while (answers.size() < 4 && std::chrono::steady_clock::now() < deadline)
    io.run_one_for(std::chrono::milliseconds(10));
  REQUIRE(answers.size() == 4);
  for (const auto& a : answers) CHECK(a.status == 404);  // answered: nobody is in that roster
  CHECK(client.open_connections() == 2);
  CHECK(client.waiting_requests() == 0);
  // A connection the server closed is dropped, and the next request opens a new one.
  server.stop();
  Request after;
  after.target = "/amer/v3/conversations/c/members/five";
  CHECK(test_support::run_awaitable(io, client.request(after)).error == bot::SendErrorKind::network);
  // The one it failed on is gone; the other is found closed when it is next used.
  CHECK(client.open_connections() == 1);
}
