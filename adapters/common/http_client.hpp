#pragma once
// HttpClient: a small HTTP/1.1 client for the platform adapters (Matrix, Slack, Teams).
//
// One client talks to one origin ("https://matrix.example.org", "http://127.0.0.1:8448"): scheme,
// host and port. It keeps a small pool of kept-alive connections to it: a request takes an idle
// connection, or opens a new one while fewer than max_connections are open, or else waits in
// line (first come, first served) for one to come back. So a slow call holds up only itself, not
// the calls beside it (a 10 s Connector write in one Teams conversation used to hold up every
// other conversation's write). A connection that failed or that the server closed is dropped
// from the pool. Concurrent requests may go out on different connections, so a caller that needs
// two requests in order awaits the first before sending the second.
// "https" verifies the server's certificate against OpenSSL's default paths (or only against a
// named CA bundle, for a private test authority) and sends SNI; "http" is for loopback test
// servers. Through the proxy the environment names (HTTPS_PROXY, NO_PROXY: http_proxy.hpp), with a
// CONNECT tunnel per connection. HTTP/1.1 only. Runs on the executor given (one thread); Beast stays in the .cpp.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <string>

#include "bot/model/delivery.hpp"

namespace adapters::http {

struct Request {
  std::string method = "GET";  // GET, POST, PUT, DELETE
  std::string target;          // path and query, already percent-encoded: "/_matrix/client/v3/sync?since=s1"
  std::string body;
  std::string content_type = "application/json";
  std::map<std::string, std::string> headers;  // extra headers, e.g. Authorization
  std::chrono::milliseconds timeout{30000};    // for connecting, writing and reading the whole response
};

struct Response {
  int status = 0;                              // 0 when no response arrived
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  bot::SendErrorKind error = bot::SendErrorKind::none;  // from the transport or the status
  std::string error_text;                               // for logs; never contains request headers
  std::chrono::milliseconds retry_after{0};             // from a Retry-After header (seconds), when present

  bool ok() const { return error == bot::SendErrorKind::none; }
};

// The error kind a status code stands for: none for 2xx, rate_limited for 429, auth for 401/403,
// not_found for 404, server for 5xx, bad_request for other 4xx.
bot::SendErrorKind error_kind_for_status(int status);

// Open connections per client, by default: enough for the conversations a school district
// writes to at once, few enough that a platform never sees a burst of handshakes from one bot.
inline constexpr std::size_t kDefaultMaxConnections = 8;

struct HttpPool;  // the origin, its TLS context and its connections, in the .cpp

class HttpClient {
 public:
  // origin: scheme://host[:port]. ca_file: a PEM bundle that replaces the default trust store
  // for https (empty: the system's). Throws std::invalid_argument for another scheme, no host,
  // a CA file that cannot be read, or a proxy variable it cannot use. max_connections: the pool's cap (0 counts as 1).
  HttpClient(boost::asio::any_io_executor executor, const std::string& origin, const std::string& ca_file = {},
             std::size_t max_connections = kDefaultMaxConnections);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request on a pooled connection and reads its response. Never throws for network or
  // HTTP failures: they come back in Response::error. Cancelled by close().
  boost::asio::awaitable<Response> request(Request request);
  // Closes every connection: pending requests, and those waiting for a connection, fail with
  // network. A later request opens a new connection. Safe to call twice.
  void close();

  // Connections open now (idle and busy), and requests waiting for one: for tests and logs.
  std::size_t open_connections() const;
  std::size_t waiting_requests() const;

 private:
  std::shared_ptr<HttpPool> pool_;  // shared with the request coroutines
};

}  // namespace adapters::http
