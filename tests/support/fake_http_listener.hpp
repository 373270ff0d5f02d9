#pragma once
// FakeHttpListener: the HTTP/1.1 side every fake platform server shares. It listens on
// 127.0.0.1 (port 0) inside the test's io_context, serves keep-alive sessions (plain, or TLS
// with the given server context) and answers each request with the fake's route. A request
// that asks for a websocket upgrade goes, with its stream, to an optional upgrade hook
// (plain listeners only). stop() closes the listener and every open session, so a stopped
// fake answers nothing more.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace test_support {

using FakeRequest = boost::beast::http::request<boost::beast::http::string_body>;

struct FakeResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. {"Retry-After", "1"}
};

struct FakeHttpListenerState;

class FakeHttpListener {
 public:
  // The request stays alive until the returned awaitable finishes. A route that suspends
  // (a long-poll) should hold what it needs by value: the fake may be destroyed meanwhile.
  using Route = std::function<boost::asio::awaitable<FakeResponse>(const FakeRequest&)>;
  // Takes over the connection of a websocket upgrade request (the request is not answered).
  using Upgrade = std::function<boost::asio::awaitable<void>(boost::beast::tcp_stream, FakeRequest)>;

  // Listens at once. tls: serve https with this server context.
  FakeHttpListener(boost::asio::io_context& io, Route route, Upgrade upgrade = nullptr,
                   std::shared_ptr<boost::asio::ssl::context> tls = nullptr);
  ~FakeHttpListener();
  FakeHttpListener(const FakeHttpListener&) = delete;
  FakeHttpListener& operator=(const FakeHttpListener&) = delete;

  void stop();
  unsigned short port() const;
  std::string origin() const;  // "http://127.0.0.1:<port>" ("https" with tls)
  boost::asio::any_io_executor executor() const;

 private:
  std::shared_ptr<FakeHttpListenerState> state_;
};

// An application/x-www-form-urlencoded body (or query) as name → value; a malformed one is empty.
std::map<std::string, std::string> form_fields(std::string_view body);

}  // namespace test_support
