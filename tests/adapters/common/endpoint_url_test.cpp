// Configured and discovered URLs → origin and target for HttpClient; clear text only to loopback.
#include "adapters/common/endpoint_url.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>

using adapters::http::parse_endpoint_url;

TEST_CASE("endpoint url: https anywhere, http only to loopback test servers", "[unit][http]") {
  auto u = parse_endpoint_url("https://login.botframework.com/v1/.well-known/openidconfiguration");
  CHECK(u.origin == "https://login.botframework.com");
  CHECK(u.target == "/v1/.well-known/openidconfiguration");
  CHECK(u.host == "login.botframework.com");
  CHECK(parse_endpoint_url("https://example.org:8443").target == "/");
  CHECK(parse_endpoint_url("https://example.org:8443").origin == "https://example.org:8443");
  CHECK(parse_endpoint_url("https://example.org/a%20b?x=1&y=2").target == "/a%20b?x=1&y=2");
  CHECK(parse_endpoint_url("http://127.0.0.1:4000/keys").origin == "http://127.0.0.1:4000");
  CHECK(parse_endpoint_url("http://localhost:4000/keys").host == "localhost");
  CHECK(parse_endpoint_url("http://[::1]:4000/keys").host == "::1");
  CHECK(parse_endpoint_url("http://[::1]:4000/keys").origin == "http://[::1]:4000");

  CHECK_THROWS_AS(parse_endpoint_url("http://login.botframework.com/keys"), std::invalid_argument);
  CHECK_THROWS_AS(parse_endpoint_url("http://10.0.0.1/keys"), std::invalid_argument);
  CHECK_THROWS_AS(parse_endpoint_url("ftp://example.org/"), std::invalid_argument);
  CHECK_THROWS_AS(parse_endpoint_url("/relative/path"), std::invalid_argument);
  CHECK_THROWS_AS(parse_endpoint_url("https:///nohost"), std::invalid_argument);
  CHECK_THROWS_AS(parse_endpoint_url("https://user:pw@example.org/"), std::invalid_argument);
  CHECK_THROWS_AS(parse_endpoint_url("https://example.org/#frag"), std::invalid_argument);
}
