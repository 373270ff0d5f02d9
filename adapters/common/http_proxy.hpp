#pragma once
// The outbound proxy many district networks require: every call to a platform (Slack's Web API and
// Socket Mode websocket, the Bot Framework Connector and its sign-in and key set, a Matrix
// homeserver) goes through an HTTP proxy with CONNECT when the environment names one, as curl reads
// it:
//   https_proxy / HTTPS_PROXY   for https and wss origins
//   http_proxy                  for http and ws origins (not HTTP_PROXY: a CGI request header can
//                               set that one, "httpoxy")
//   all_proxy / ALL_PROXY       when the above is unset
//   no_proxy / NO_PROXY         hosts reached directly: "*", or comma-separated names (a name also
//                               covers its subdomains; a leading dot is allowed) and IP addresses
// A proxy is http://[user:password@]host[:port] (port 1080 when left out, as curl). The user and
// password go in Proxy-Authorization and never in a log line or an error.
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace adapters::http {

struct Proxy {
  std::string host;
  std::string port;
  std::string authorization;                               // "Basic …" when the URL carries a user, else empty
  std::string label() const { return host + ":" + port; }  // for logs: never the credentials
};

// Reads an environment variable (getenv, or a test's map).
using EnvironmentReader = std::function<const char*(const char*)>;

// The proxy for an origin's scheme ("https", "wss", "http", "ws") and host, or none. Throws
// std::invalid_argument, naming the variable and what to write, for a proxy URL it cannot use
// (another scheme, no host, a bad port); the message never repeats a password.
std::optional<Proxy> proxy_for(std::string_view scheme, std::string_view host,
                               const EnvironmentReader& environment = nullptr);

// Asks the proxy, over the connected stream, for a tunnel to host:port (CONNECT) and reads its
// answer. Empty when the tunnel is open; else why not, in words for a log line.
boost::asio::awaitable<std::string> open_tunnel(boost::beast::tcp_stream& stream, const Proxy& proxy, std::string host,
                                                std::string port, std::chrono::milliseconds timeout);

}  // namespace adapters::http
