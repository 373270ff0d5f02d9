// Outbound calls through the proxy a district's network requires: which proxy the environment
// names for a host, and real requests through a CONNECT proxy on 127.0.0.1 to an https origin.
#include "adapters/common/http_proxy.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl.hpp>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <map>
#include <stdexcept>

#include "adapters/common/http_client.hpp"
#include "tests/support/fake_connect_proxy.hpp"
#include "tests/support/fake_http_listener.hpp"
#include "tests/support/run_awaitable.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_crypto.hpp"

namespace {

namespace asio = boost::asio;
using adapters::http::proxy_for;

adapters::http::EnvironmentReader env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
}

// Sets an environment variable for one test and puts the old value back.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

asio::awaitable<adapters::http::Response> get(adapters::http::HttpClient* client, std::string target) {
  adapters::http::Request r;
  r.target = std::move(target);
  r.timeout = std::chrono::seconds(5);
  co_return co_await client->request(r);
}

// One request, run to its end on the test's io_context.
adapters::http::Response fetch(asio::io_context& io, adapters::http::HttpClient& client, std::string target) {
  std::vector<asio::awaitable<adapters::http::Response>> work;
  work.push_back(get(&client, std::move(target)));
  return test_support::run_all<adapters::http::Response>(io, std::move(work))[0];
}

// An https origin on 127.0.0.1 with the test authority's certificate, and that authority in a file.
struct HttpsOrigin {
  explicit HttpsOrigin(asio::io_context& io) : dir("proxy-origin") {
    const auto& identity = test_support::loopback_tls_identity();
    auto tls = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
    tls->use_certificate_chain(asio::buffer(identity.certificate_pem));
    tls->use_private_key(asio::buffer(identity.private_key_pem), asio::ssl::context::pem);
    std::ofstream(dir.file("ca.pem")) << identity.certificate_pem;
    listener.emplace(
        io,
        [this](const test_support::FakeRequest& req) -> asio::awaitable<test_support::FakeResponse> {
          ++requests;
          co_return test_support::FakeResponse{.body = "{\"path\":\"" + std::string(req.target()) + "\"}"};
        },
        nullptr, tls);
  }
  test_support::TempDir dir;
  int requests = 0;
  std::optional<test_support::FakeHttpListener> listener;
};

}  // namespace

TEST_CASE("the proxy for a host comes from the environment as curl reads it", "[unit][http][proxy]") {
  CHECK_FALSE(proxy_for("https", "slack.com", env_of({})));
  auto p = proxy_for("https", "slack.com", env_of({{"HTTPS_PROXY", "http://proxy.district.example:3128"}}));
  REQUIRE(p);
  CHECK(p->host == "proxy.district.example");
  CHECK(p->port == "3128");
  CHECK(p->authorization.empty());
  // The lower-case name wins; a bare host:port is an HTTP proxy; the port defaults to 1080.
  p = proxy_for("wss", "wss-primary.slack.com",
                env_of({{"https_proxy", "10.0.0.8:8080"}, {"HTTPS_PROXY", "http://other:1"}}));
  REQUIRE(p);
  CHECK(p->label() == "10.0.0.8:8080");
  CHECK(proxy_for("https", "x", env_of({{"ALL_PROXY", "http://gw"}}))->port == "1080");
  // Plain http reads http_proxy only: HTTP_PROXY can be set by a request header under CGI.
  CHECK_FALSE(proxy_for("http", "matrix.local", env_of({{"HTTP_PROXY", "http://proxy:3128"}})));
  CHECK(proxy_for("http", "matrix.local", env_of({{"http_proxy", "http://proxy:3128"}})));
  // Credentials become Proxy-Authorization (user:secret → dXNlcjpzZWNyZXQ=).
  p = proxy_for("https", "slack.com", env_of({{"HTTPS_PROXY", "http://user:secret@proxy:3128"}}));
  REQUIRE(p);
  CHECK(p->authorization == "Basic dXNlcjpzZWNyZXQ=");
  CHECK(p->label() == "proxy:3128");
}

TEST_CASE("NO_PROXY names the hosts reached directly", "[unit][http][proxy]") {
  auto with = [](const std::string& no_proxy) {
    return env_of({{"HTTPS_PROXY", "http://proxy:3128"}, {"NO_PROXY", no_proxy}});
  };
  CHECK_FALSE(proxy_for("https", "matrix.lbusd.org", with("lbusd.org")));  // a subdomain
  CHECK_FALSE(proxy_for("https", "lbusd.org", with(".lbusd.org")));        // leading dot
  CHECK_FALSE(proxy_for("https", "Matrix.LBUSD.org", with(" localhost , lbusd.org")));
  CHECK_FALSE(proxy_for("https", "10.1.2.3", with("10.1.2.3:8448")));  // any port
  CHECK_FALSE(proxy_for("https", "::1", with("[::1]")));
  CHECK_FALSE(proxy_for("https", "slack.com", with("*")));
  CHECK(proxy_for("https", "notlbusd.org", with("lbusd.org")));  // not a subdomain
  CHECK(proxy_for("https", "slack.com", with("lbusd.org,,")));
}

TEST_CASE("a proxy URL Hallpass cannot use is refused plainly, without its password", "[unit][http][proxy]") {
  auto refusal = [](const std::string& url) {
    try {
      proxy_for("https", "slack.com", env_of({{"HTTPS_PROXY", url}}));
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK_THAT(refusal("socks5://u:hunter2@gw:1080"), Catch::Contains("HTTPS_PROXY names a socks5 proxy"));
  CHECK_THAT(refusal("socks5://u:hunter2@gw:1080"), !Catch::Contains("hunter2"));
  CHECK_THAT(refusal("http://u:hunter2@gw:99999"), Catch::Contains("HTTPS_PROXY is not a proxy Hallpass can use"));
  CHECK_THAT(refusal("http://u:hunter2@gw:99999"), !Catch::Contains("hunter2"));
  CHECK_THAT(refusal("http://:8080"), Catch::Contains("write http://host:port"));
}

TEST_CASE("requests go through the proxy's CONNECT tunnel and TLS is still checked end to end", "[net][http][proxy]") {
  asio::io_context io;
  HttpsOrigin origin(io);
  test_support::FakeConnectProxy proxy(io);
  ScopedEnv https("https_proxy", "http://hallpass:s3cret@127.0.0.1:" + std::to_string(proxy.port()));
  adapters::http::HttpClient client(io.get_executor(), origin.listener->origin(), origin.dir.file("ca.pem"));

  auto reply = fetch(io, client, "/api/one");
  REQUIRE(reply.ok());
  CHECK(reply.body == "{\"path\":\"/api/one\"}");
  // A second request reuses the tunnel: one CONNECT for the connection, not one per request.
  auto again = fetch(io, client, "/api/two");
  CHECK(again.ok());
  CHECK(origin.requests == 2);
  REQUIRE(proxy.targets().size() == 1);
  CHECK(proxy.targets()[0] == "127.0.0.1:" + std::to_string(origin.listener->port()));
  CHECK(proxy.authorizations()[0] == "Basic aGFsbHBhc3M6czNjcmV0");  // hallpass:s3cret
}

TEST_CASE("a proxy that refuses the tunnel is a clear failure that keeps the password out", "[net][http][proxy]") {
  asio::io_context io;
  HttpsOrigin origin(io);
  test_support::FakeConnectProxy proxy(io);
  proxy.refuse_with_407(true);
  ScopedEnv https("https_proxy", "http://hallpass:s3cret@127.0.0.1:" + std::to_string(proxy.port()));
  adapters::http::HttpClient client(io.get_executor(), origin.listener->origin(), origin.dir.file("ca.pem"));
  auto reply = fetch(io, client, "/api/one");
  CHECK(reply.error == bot::SendErrorKind::network);
  CHECK_THAT(reply.error_text, Catch::Contains("asks for a user and password (407)"));
  CHECK_THAT(reply.error_text, !Catch::Contains("s3cret"));
  CHECK(origin.requests == 0);
}

TEST_CASE("NO_PROXY hosts are reached directly", "[net][http][proxy]") {
  asio::io_context io;
  HttpsOrigin origin(io);
  test_support::FakeConnectProxy proxy(io);
  ScopedEnv https("https_proxy", "http://127.0.0.1:" + std::to_string(proxy.port()));
  ScopedEnv no("no_proxy", "localhost,127.0.0.1");
  adapters::http::HttpClient client(io.get_executor(), origin.listener->origin(), origin.dir.file("ca.pem"));
  auto reply = fetch(io, client, "/direct");
  CHECK(reply.ok());
  CHECK(proxy.targets().empty());
}
