#pragma once
// HttpClient: a small HTTP/1.1 client for the platform adapters (Matrix, Slack, Teams).
//
// One client talks to one origin ("https://matrix.example.org", "http://127.0.0.1:8448") over one
// kept-alive connection, reconnecting when the server closed it. "https" verifies the server's
// certificate against OpenSSL's default paths (or only against a named CA bundle, for a private
// test authority) and sends SNI; "http" is for loopback test servers.
// Requests on one client are served one at a time, in order; use two clients for a long-poll
// beside ordinary calls. Runs on the executor given; Beast stays in the .cpp.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
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

struct HttpConnection;  // the connection and its Beast stream, in the .cpp

class HttpClient {
 public:
  // origin: scheme://host[:port]. ca_file: a PEM bundle that replaces the default trust store
  // for https (empty: the system's). Throws std::invalid_argument for another scheme, no host,
  // or a CA file that cannot be read.
  HttpClient(boost::asio::any_io_executor executor, const std::string& origin, const std::string& ca_file = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request and reads its response. Never throws for network or HTTP failures: they
  // come back in Response::error. Cancelled by close().
  boost::asio::awaitable<Response> request(Request request);
  // Closes the connection (a pending request fails with network). Safe to call twice.
  void close();

 private:
  std::shared_ptr<HttpConnection> impl_;  // shared with the request coroutines
};

}  // namespace adapters::http
