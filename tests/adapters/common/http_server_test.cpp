// The HTTP server the platform endpoints run on: only its routes exist, the body limit holds,
// the handler sees the request (headers by lower-case name), and HTTPS works with a certificate.
#include "adapters/common/http_server.hpp"

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <catch2/catch.hpp>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "adapters/common/http_client.hpp"
#include "adapters/common/http_upgrade.hpp"
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
  HttpServer server(io.get_executor(), o, {},
                    [](ServerRequest) -> asio::awaitable<ServerReply> { co_return ServerReply{}; });
  CHECK_THROWS_AS(server.listen(), std::invalid_argument);
}

namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace websocket = beast::websocket;
using adapters::http::ServerOptions;
using adapters::http::ServerRoute;
using adapters::http::Upgrade;

// A server with the given options and routes whose handler echoes what it got, as
// "<method> <target>", and records the request.
struct OptionsFixture {
  OptionsFixture(ServerOptions options, std::vector<ServerRoute> routes) {
    options.port = 0;
    server.emplace(io.get_executor(), std::move(options), std::move(routes),
                   [this](ServerRequest req) -> asio::awaitable<ServerReply> {
                     seen.push_back(req);
                     if (req.path == "/upgrade-me") {
                       ServerReply accept;
                       accept.upgrade = true;
                       co_return accept;
                     }
                     if (req.path == "/refuse") {
                       ServerReply refusal = adapters::http::text_reply(403, "Refused\n");
                       refusal.close = true;
                       co_return refusal;
                     }
                     co_return adapters::http::text_reply(200, req.method + " " + req.target + "\n");
                   });
    server->listen();
    asio::co_spawn(io, server->run(), asio::detached);
  }
  ~OptionsFixture() {
    server->stop();
    io.poll();
  }

  asio::io_context io;
  std::optional<HttpServer> server;
  std::vector<ServerRequest> seen;
};

struct RawAnswer {
  int status = 0;  // 0: the connection closed without an answer
  std::map<std::string, std::string> headers;
  std::string body;
  bool closed_after = false;  // the server closed the connection after answering
  int next_status = 0;        // with read_next: the answer to a second request sent with the first
  std::string next_body;
};

// Sends raw request bytes on a fresh connection and reads one answer (as the answer to a HEAD
// when head is true). With expect_close, then reads on to see the server close the connection.
// With read_next, reads a second answer (to a GET) after the first.
asio::awaitable<RawAnswer> exchange(unsigned short port, std::string raw, bool head = false, bool expect_close = false,
                                    bool read_next = false) {
  constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  co_await stream.async_connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                                asio::use_awaitable);
  co_await asio::async_write(stream, asio::buffer(raw), asio::use_awaitable);
  RawAnswer out;
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.skip(head);
  auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
  if (ec) co_return out;
  const auto& res = parser.get();
  out.status = static_cast<int>(res.result_int());
  for (const auto& field : res) out.headers[std::string(field.name_string())] = std::string(field.value());
  out.body = res.body();
  if (read_next) {
    bhttp::response<bhttp::string_body> next;
    auto [nec, nn] = co_await bhttp::async_read(stream, buffer, next, use_tuple);
    if (!nec) out.next_status = static_cast<int>(next.result_int());
    out.next_body = next.body();
  }
  if (expect_close) {
    std::array<char, 64> sink;
    auto [rec, rn] = co_await stream.async_read_some(asio::buffer(sink), use_tuple);
    out.closed_after = rec == asio::error::eof;
  }
  co_return out;
}

std::string request_of(std::string target, std::string host = "127.0.0.1", std::string method = "GET") {
  return method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 0\r\n\r\n";
}

}  // namespace

TEST_CASE("http server: a catch-all route takes every path and method", "[net][http]") {
  OptionsFixture f({}, {{"*", "*"}});
  RawAnswer page = test_support::run_awaitable(f.io, exchange(f.server->bound_port(), request_of("/any/where?x=1")));
  CHECK(page.status == 200);
  CHECK(page.body == "GET /any/where?x=1\n");
  RawAnswer deleted =
      test_support::run_awaitable(f.io, exchange(f.server->bound_port(), request_of("/other", "h", "DELETE")));
  CHECK(deleted.status == 200);
  CHECK(deleted.body == "DELETE /other\n");
  REQUIRE(f.seen.size() == 2);
  CHECK(f.seen[1].method == "DELETE");
  // Any method on one path only: another path is still 404.
  OptionsFixture one_path({}, {{"/only", "*"}});
  CHECK(
      test_support::run_awaitable(one_path.io, exchange(one_path.server->bound_port(), request_of("/only", "h", "PUT")))
          .status == 200);
  CHECK(test_support::run_awaitable(one_path.io, exchange(one_path.server->bound_port(), request_of("/elsewhere")))
            .status == 404);
}

TEST_CASE("http server: HEAD is answered with the length of the body and no body", "[net][http]") {
  ServerOptions o;
  o.head_without_body = true;
  OptionsFixture f(o, {{"*", "*"}});
  const unsigned short port = f.server->bound_port();
  // Two requests on one connection: the GET after the HEAD is read right, so no body was sent.
  RawAnswer head = test_support::run_awaitable(f.io, exchange(port, request_of("/page", "h", "HEAD"), true));
  CHECK(head.status == 200);
  CHECK(head.headers["Content-Length"] == std::to_string(std::string("HEAD /page\n").size()));
  CHECK(head.body.empty());
  RawAnswer both = test_support::run_awaitable(
      f.io, exchange(port, request_of("/page", "h", "HEAD") + request_of("/next"), true, false, true));
  CHECK(both.status == 200);
  CHECK(both.next_status == 200);
  CHECK(both.next_body == "GET /next\n");
  REQUIRE(f.seen.size() == 3);
  CHECK(f.seen[0].method == "HEAD");
  // The server's own refusals to a HEAD have no body either.
  OptionsFixture routed(o, {{"/only", "GET"}});
  RawAnswer missing = test_support::run_awaitable(
      routed.io, exchange(routed.server->bound_port(), request_of("/x", "h", "HEAD"), true, true));
  CHECK(missing.status == 404);
  CHECK(missing.headers["Content-Length"] == "10");  // "Not found\n"
  CHECK(missing.closed_after);
}

TEST_CASE("http server: a refused Host header gets 421 before routing and the connection closes", "[net][http]") {
  ServerOptions o;
  o.host_allowed = [](std::string_view host) { return host.starts_with("127.0.0.1"); };
  o.misdirected_text = "Ask 127.0.0.1\n";
  OptionsFixture f(o, {{"/page", "GET"}});
  const unsigned short port = f.server->bound_port();
  RawAnswer ok =
      test_support::run_awaitable(f.io, exchange(port, request_of("/page", "127.0.0.1:" + std::to_string(port))));
  CHECK(ok.status == 200);
  RawAnswer rebound =
      test_support::run_awaitable(f.io, exchange(port, request_of("/page", "evil.example"), false, true));
  CHECK(rebound.status == 421);
  CHECK(rebound.body == "Ask 127.0.0.1\n");
  CHECK(rebound.headers["Connection"] == "close");
  CHECK(rebound.closed_after);
  // Checked before routing: a path that does not exist gets 421 too, and no handler runs.
  CHECK(test_support::run_awaitable(f.io, exchange(port, request_of("/nothing", "evil.example"))).status == 421);
  CHECK(f.seen.size() == 1);
}

TEST_CASE("http server: headers for every reply, the handler's and the server's own", "[net][http]") {
  ServerOptions o;
  o.reply_headers = {{"X-Frame-Options", "DENY"}, {"Cache-Control", "no-cache"}};
  o.host_allowed = [](std::string_view host) { return host == "good"; };
  OptionsFixture f(o, {{"/page", "GET"}});
  const unsigned short port = f.server->bound_port();
  for (const auto& [request, status] :
       std::vector<std::pair<std::string, int>>{{request_of("/page", "good"), 200},
                                                {request_of("/missing", "good"), 404},
                                                {request_of("/page", "good", "POST"), 405},
                                                {request_of("/page", "bad"), 421}}) {
    RawAnswer answer = test_support::run_awaitable(f.io, exchange(port, request));
    CHECK(answer.status == status);
    CHECK(answer.headers["X-Frame-Options"] == "DENY");
    CHECK(answer.headers["Cache-Control"] == "no-cache");
    CHECK(answer.headers["Server"] == "Hallpass");
  }
}

TEST_CASE("http server: the header and body limits are the server's own", "[net][http]") {
  ServerOptions o;
  o.max_header_bytes = 1024;
  o.max_body_bytes = 100;
  OptionsFixture f(o, {{"/page", "*"}});
  const unsigned short port = f.server->bound_port();
  auto with_header = [](std::size_t size) {
    return "GET /page HTTP/1.1\r\nHost: h\r\nX-Big: " + std::string(size, 'a') + "\r\nContent-Length: 0\r\n\r\n";
  };
  CHECK(test_support::run_awaitable(f.io, exchange(port, with_header(500))).status == 200);
  // A head over the limit: no answer, the connection is closed.
  CHECK(test_support::run_awaitable(f.io, exchange(port, with_header(2000))).status == 0);
  const std::string post = "POST /page HTTP/1.1\r\nHost: h\r\nContent-Length: 101\r\n\r\n" + std::string(101, 'x');
  CHECK(test_support::run_awaitable(f.io, exchange(port, post)).status == 413);
  CHECK(f.seen.size() == 1);
}

namespace {

// Takes over an upgraded connection: accepts the WebSocket and echoes one text frame, prefixed
// with the request's target.
asio::awaitable<void> echo_websocket(Upgrade upgrade) {
  websocket::stream<beast::tcp_stream> ws(std::move(upgrade.stream));
  const std::string target(upgrade.request.target());
  co_await ws.async_accept(upgrade.request, asio::use_awaitable);
  beast::flat_buffer buffer;
  co_await ws.async_read(buffer, asio::use_awaitable);
  const std::string reply = target + " " + beast::buffers_to_string(buffer.data());
  ws.text(true);
  co_await ws.async_write(asio::buffer(reply), asio::use_awaitable);
}

asio::awaitable<std::string> websocket_round_trip(unsigned short port, std::string target) {
  websocket::stream<beast::tcp_stream> ws(co_await asio::this_coro::executor);
  co_await beast::get_lowest_layer(ws).async_connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                                                     asio::use_awaitable);
  co_await ws.async_handshake("127.0.0.1:" + std::to_string(port), target, asio::use_awaitable);
  ws.text(true);
  co_await ws.async_write(asio::buffer(std::string("hello")), asio::use_awaitable);
  beast::flat_buffer buffer;
  co_await ws.async_read(buffer, asio::use_awaitable);
  co_return beast::buffers_to_string(buffer.data());
}

std::string upgrade_request(std::string target) {
  return "GET " + target +
         " HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
         "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
}

}  // namespace

TEST_CASE("http server: an accepted upgrade hands the connection and request to on_upgrade", "[net][http]") {
  ServerOptions o;
  o.on_upgrade = [](Upgrade upgrade) { return echo_websocket(std::move(upgrade)); };
  OptionsFixture f(o, {{"*", "GET"}});
  const unsigned short port = f.server->bound_port();
  CHECK(test_support::run_awaitable(f.io, websocket_round_trip(port, "/upgrade-me?who=x")) ==
        "/upgrade-me?who=x hello");
  REQUIRE(f.seen.size() == 1);
  CHECK(f.seen[0].upgrade);
  CHECK(f.seen[0].path == "/upgrade-me");
  // An upgrade the handler refuses: its answer, and the connection closes.
  RawAnswer refused = test_support::run_awaitable(f.io, exchange(port, upgrade_request("/refuse"), false, true));
  CHECK(refused.status == 403);
  CHECK(refused.body == "Refused\n");
  CHECK(refused.closed_after);
  // A plain request is no upgrade; a reply that asks for one anyway is the handler's mistake: 500.
  RawAnswer plain = test_support::run_awaitable(f.io, exchange(port, request_of("/upgrade-me")));
  CHECK(plain.status == 500);
  CHECK_FALSE(f.seen.back().upgrade);
}

TEST_CASE("http server: upgrades are for plain HTTP only", "[unit][http]") {
  asio::io_context io;
  adapters::http::ServerOptions o;
  o.tls_certificate_file = "/nonexistent/cert.pem";
  o.tls_private_key_file = "/nonexistent/key.pem";
  o.on_upgrade = [](Upgrade) -> asio::awaitable<void> { co_return; };
  HttpServer server(io.get_executor(), o, {},
                    [](ServerRequest) -> asio::awaitable<ServerReply> { co_return ServerReply{}; });
  CHECK_THROWS_WITH(server.listen(), Catch::Contains("plain HTTP only"));
}
