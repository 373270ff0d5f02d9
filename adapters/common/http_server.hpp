#pragma once
// HttpServer: the one HTTP/1.1 listener of the adapters: for those that platforms call (Teams'
// messaging endpoint, Slack's Request URLs) and for the web chat (its page, and the WebSocket
// upgrade). Plain HTTP behind the district's TLS reverse proxy, or HTTPS itself when a
// certificate and key are named. Slack's HTTP mode (adapters/slack/slack_http_receiver), Teams'
// messaging endpoint and the web chat (adapters/webchat/webchat_adapter) all run on it.
//
// - Only the routes given exist ("*" as path or method: any). The method and path are checked on
//   the request head, so a request to anything else is answered 404/405 before its body is read;
//   bodies over max_body_bytes are answered 413 unread.
// - A server that must answer only to some host names (the web chat's guard against DNS
//   rebinding) checks the Host header before routing: others get 421 and the connection closes.
// - An upgrade request (WebSocket) reaches the handler like any other; when the reply accepts it,
//   its connection is handed to ServerOptions::on_upgrade (adapters/common/http_upgrade.hpp).
// - Each request that passes is handed to the handler with its body; what the handler returns is
//   the answer. A handler that throws gives 500.
// - Connections are kept alive and served concurrently, each with an idle and a request timeout,
//   all as coroutines on the executor given (one thread). Beast stays in the .cpp.
// - Nothing of a request is logged but its method, path and sender, so a bearer token in a
//   header never reaches the log.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace adapters::http {

struct Upgrade;  // a connection taken over by another protocol: adapters/common/http_upgrade.hpp

struct ServerOptions {
  std::string name = "http";  // for log lines, e.g. "teams"
  // An IP address or "localhost". The default suits a reverse proxy on the same machine; a load
  // balancer elsewhere needs "0.0.0.0" (or the address it connects to).
  std::string listen_address = "127.0.0.1";
  unsigned short port = 0;                   // 0: the OS picks one (see bound_port())
  std::size_t max_body_bytes = 1024 * 1024;  // larger bodies are answered 413
  std::size_t max_header_bytes = 16 * 1024;  // a larger request head closes the connection
  std::size_t max_connections = 512;         // further connections are closed at once
  // How long a kept-alive connection may wait for its next request: longer than the usual load
  // balancer idle timeout (60 s), so the balancer, not Hallpass, closes idle connections and
  // never sends a request into a connection that is being closed.
  std::chrono::milliseconds idle_timeout{75000};
  // How long one request may take to arrive once its first byte did (slow senders are cut off).
  std::chrono::milliseconds request_timeout{10000};
  // Both set: serve HTTPS with this PEM certificate chain and private key.
  std::string tls_certificate_file;
  std::string tls_private_key_file;
  // Whether run() logs the address it listens on (the web chat's caller prints it instead).
  bool log_listening = true;

  // When set, a request whose Host header this refuses is answered 421 with misdirected_text,
  // before routing, and its connection is closed.
  std::function<bool(std::string_view host)> host_allowed;
  std::string misdirected_text = "Misdirected request\n";
  // Headers on every reply, the handler's and the server's own (404, 405, 413, 421, 500).
  std::vector<std::pair<std::string, std::string>> reply_headers;
  // HEAD requests reach the handler (route them as "HEAD" or "*"), and every reply to one is sent
  // with the Content-Length of its body but without the body, as HTTP wants.
  bool head_without_body = false;
  // Takes over the connection of an upgrade request whose reply says upgrade (plain HTTP only:
  // listen() refuses it with TLS). Runs on the executor as its own coroutine; stop() no longer
  // closes that connection, so the taker closes it on its own stop.
  std::function<boost::asio::awaitable<void>(Upgrade)> on_upgrade;
};

struct ServerRoute {
  std::string path;             // exact, without the query: "/api/messages"; "*": any path
  std::string method = "POST";  // "*": any method
};

struct ServerRequest {
  std::string method;
  std::string target;                          // path and query as sent
  std::string path;                            // without the query
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string sender;    // the peer address (and what X-Forwarded-For says), for logs
  bool upgrade = false;  // a WebSocket upgrade request (GET with Connection: upgrade, Upgrade: websocket)

  // The header's value, or "" when absent. name in lower case.
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct ServerReply {
  int status = 200;
  std::string content_type;  // empty: no body
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // more response headers (name, value)
  bool close = false;                                        // close the connection after this reply
  bool upgrade = false;  // to an upgrade request: hand its connection to ServerOptions::on_upgrade
};

ServerReply text_reply(int status, std::string body);
ServerReply json_reply(int status, std::string body);

// A header value made safe for a log line: letters, digits and the punctuation of addresses and
// ids only (at most 100 characters), so a forged header cannot write fake lines into the log.
std::string loggable(std::string_view value);

// The address a listen address names: an IP address, or "localhost" for 127.0.0.1. Throws
// std::invalid_argument "<who>: listen address "<text>" is not an IP address (try <hint>)".
// Shared with the web chat's listener, so both read an address the same way.
boost::asio::ip::address listen_ip(std::string_view who, const std::string& text, std::string_view hint);
// "<scheme>://<host>:<port>" of a server listening on listen_address, for logs, tests and the
// browser: 0.0.0.0 and localhost as 127.0.0.1, :: as ::1, an IPv6 address in brackets.
std::string local_url(std::string_view scheme, std::string listen_address, unsigned short port);

using RequestHandler = std::function<boost::asio::awaitable<ServerReply>(ServerRequest)>;

struct ServerState;  // the acceptor and the open connections, in the .cpp

class HttpServer {
 public:
  // The handler is called on the executor's thread, once per request to a route; it must
  // outlive the server's connections. Nothing is bound before listen() or run().
  HttpServer(boost::asio::any_io_executor executor, ServerOptions options, std::vector<ServerRoute> routes,
             RequestHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens now, so the caller can log url() before run(). Idempotent. Throws
  // std::invalid_argument (listen_address not an IP address, only one of certificate and key,
  // unreadable TLS files) or boost::system::system_error (address in use, no permission).
  void listen();
  // The port listened on (the OS's pick when options.port is 0); 0 before listen().
  unsigned short bound_port() const;
  // "http(s)://<address>:<port>" (loopback for 0.0.0.0 and ::), for logs and tests.
  std::string url() const;

  // Listens (if listen() was not called) and serves until stop() or the coroutine's
  // cancellation; then closes every connection.
  boost::asio::awaitable<void> run();
  // Closes the listener and every connection; run() then returns. Safe to call twice.
  void stop();

 private:
  std::shared_ptr<ServerState> state_;  // shared with the connection coroutines
};

}  // namespace adapters::http
