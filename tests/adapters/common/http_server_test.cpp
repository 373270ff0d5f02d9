// The HTTP server the platform endpoints run on: only its routes exist, the body limit holds,
// the handler sees the request (headers by lower-case name), and HTTPS works with a certificate.
#include "adapters/common/http_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <string>

#include "adapters/common/http_client.hpp"
#include "tests/support/run_awaitable.hpp"
#include "tests/support/test_crypto.hpp"

namespace {

namespace asio = boost::asio;
using adapters::http::HttpClient;
using adapters::http::HttpServer;
using adapters::http::Request;
using adapters::http::Response;
using adapters::http::ServerReply;
using adapters::http::ServerRequest;

struct Fixture {
  explicit Fixture(adapters::http::ServerOptions options = {}) {
    options.port = 0;
    options.max_body_bytes = 1024;
    server.emplace(io.get_executor(), options, std::vector<adapters::http::ServerRoute>{{"/api/messages", "POST"}},
                   [this](ServerRequest req) -> asio::awaitable<ServerReply> {
                     seen.push_back(req);
                     co_return adapters::http::json_reply(200, R"({"ok":true})");
                   });
    server->listen();
    asio::co_spawn(io, server->run(), asio::detached);
  }
  ~Fixture() {
    server->stop();
    io.poll();
  }

  Response send(HttpClient& client, std::string method, std::string target, std::string body = "{}") {
    Request r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.body = std::move(body);
    r.headers["X-Test-Header"] = "Value";
    return test_support::run_awaitable(io, client.request(r));
  }

  asio::io_context io;
  std::optional<HttpServer> server;
  std::vector<ServerRequest> seen;
};

}  // namespace

TEST_CASE("http server: routes, methods and the body limit", "[net][http]") {
  Fixture f;
  {
    HttpClient client(f.io.get_executor(), f.server->url());
    Response ok = f.send(client, "POST", "/api/messages?x=1", R"({"hello":"world"})");
    CHECK(ok.status == 200);
    CHECK(ok.body == R"({"ok":true})");
    REQUIRE(f.seen.size() == 1);
    CHECK(f.seen[0].path == "/api/messages");
    CHECK(f.seen[0].target == "/api/messages?x=1");
    CHECK(f.seen[0].header("x-test-header") == "Value");
    CHECK(f.seen[0].body == R"({"hello":"world"})");
    CHECK(f.seen[0].sender == "127.0.0.1");
    // The same connection serves the next request.
    CHECK(f.send(client, "POST", "/api/messages").status == 200);
  }
  HttpClient a(f.io.get_executor(), f.server->url());
  CHECK(f.send(a, "POST", "/api/other").status == 404);
  HttpClient b(f.io.get_executor(), f.server->url());
  Response wrong_method = f.send(b, "GET", "/api/messages", "");
  CHECK(wrong_method.status == 405);
  CHECK(wrong_method.headers["allow"] == "POST");
  HttpClient c(f.io.get_executor(), f.server->url());
  CHECK(f.send(c, "POST", "/api/messages", std::string(2048, 'x')).status == 413);
  CHECK(f.seen.size() == 2);  // none of the refused requests reached the handler
}

TEST_CASE("http server: HTTPS with a certificate and key", "[net][http]") {
  const auto& identity = test_support::loopback_tls_identity();
  test_support::TempFile certificate(identity.certificate_pem);
  test_support::TempFile key(identity.private_key_pem);
  adapters::http::ServerOptions o;
  o.tls_certificate_file = certificate.path();
  o.tls_private_key_file = key.path();
  Fixture f(o);
  CHECK(f.server->url().starts_with("https://127.0.0.1:"));
  HttpClient client(f.io.get_executor(), f.server->url(), certificate.path());
  CHECK(f.send(client, "POST", "/api/messages").status == 200);
  CHECK(f.send(client, "POST", "/api/messages").status == 200);
  CHECK(f.seen.size() == 2);
  // A client that does not trust the certificate gets nothing through.
  HttpClient untrusting(f.io.get_executor(), f.server->url());
  Response refused = f.send(untrusting, "POST", "/api/messages");
  CHECK(refused.status == 0);
  CHECK(f.seen.size() == 2);
}

TEST_CASE("http server: a certificate without its key is refused at start", "[unit][http]") {
  asio::io_context io;
  adapters::http::ServerOptions o;
  o.tls_certificate_file = "/nonexistent/cert.pem";
  HttpServer server(io.get_executor(), o, {}, [](ServerRequest) -> asio::awaitable<ServerReply> { co_return ServerReply{}; });
  CHECK_THROWS_AS(server.listen(), std::invalid_argument);
}
